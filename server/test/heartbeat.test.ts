import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WebSocket } from "ws";
import { connectClient, waitSynced } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { startTestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

describe("heartbeat", () => {
  it("drops sockets that stop answering pings and keeps the ones that answer", async () => {
    const server = await startTestServer({ env: { HEARTBEAT_INTERVAL: "1" } });
    const pad = await createPad(server.url);
    const wsUrl = `${server.url.replace(/^http/, "ws")}/ws/${pad.sessionId}`;
    // Silent sockets land in different heartbeat slices: every slice must get its pings.
    const silent = Array.from(
      { length: 12 },
      () => new WebSocket(wsUrl, { autoPong: false }), // a peer that vanished without a FIN
    );
    const closedAt = silent.map(() => 0);
    silent.forEach((ws, index) => ws.on("close", () => (closedAt[index] = Date.now())));
    const editor = connectClient(server.url, pad.sessionId);
    try {
      await waitSynced(editor);
      const opened = Date.now();
      await waitUntil(() => closedAt.every((at) => at > 0), "every silent socket dropped", 8_000);
      // One interval to be pinged, one more to be found silent: never before the first ping.
      for (const at of closedAt) assert.ok(at - opened >= 500, `dropped after ${at - opened} ms`);
      assert.equal(editor.provider.wsconnected, true, "a socket that answers pings stays");
      assert.equal(editor.closes.length, 0);
    } finally {
      editor.destroy();
      for (const ws of silent) ws.terminate();
      await server.stop();
    }
  });

  it(
    "keeps a client alone on its pad connected past y-websocket's 30 s silence timeout",
    {
      timeout: 60_000,
    },
    async () => {
      // The stock client drops a socket that received no message for 30 s; a client alone on a
      // pad only ever sends (its awareness renewals every 15 s), so the server must answer.
      const server = await startTestServer();
      const pad = await createPad(server.url);
      const lone = connectClient(server.url, pad.sessionId);
      try {
        await waitSynced(lone);
        lone.provider.awareness.setLocalStateField("user", { id: "lone", name: "Lone" });
        const disconnects: number[] = [];
        lone.provider.on("status", ({ status }: { status: string }) => {
          if (status === "disconnected") disconnects.push(Date.now());
        });
        await new Promise((resolve) => setTimeout(resolve, 36_000));
        assert.deepEqual(disconnects, [], "the client reconnected: it heard nothing for 30 s");
        assert.equal(lone.provider.wsconnected, true);
      } finally {
        lone.destroy();
        await server.stop();
      }
    },
  );
});
