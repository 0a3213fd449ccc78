import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { describe, it } from "node:test";
import { asc, eq } from "drizzle-orm";
import { openDatabase } from "../src/db/client.ts";
import { activityLogs, sessions } from "../src/db/schema.ts";
import { connectClient, waitSynced } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { startTestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

describe("activity log", () => {
  it("records joins and leaves, and counts edits per user in one row per snapshot", async () => {
    const server = await startTestServer();
    const pad = await createPad(server.url);
    const client = connectClient(server.url, pad.sessionId);
    await waitSynced(client);
    client.provider.awareness.setLocalState({
      user: { id: "user-1", name: "Ada", color: "#123456" },
      typing: false,
    });
    // Let the server learn who this client is before it edits.
    await new Promise<void>((resolve) => {
      const probe = connectClient(server.url, pad.sessionId);
      void waitUntil(
        () => probe.provider.awareness.getStates().has(client.doc.clientID),
        "awareness",
      ).then(() => {
        probe.destroy();
        resolve();
      });
    });
    for (let i = 0; i < 20; i++) client.doc.getText("code").insert(i, "x");
    await waitUntil(async () => {
      const response = await fetch(`${server.url}/api/sessions/${pad.sessionId}`);
      return ((await response.json()) as { session: { code: string } }).session.code.length === 20;
    }, "the edits to arrive");
    client.destroy();
    await waitUntil(async () => {
      const health = (await (await fetch(`${server.url}/api/health`)).json()) as {
        connections: number;
      };
      return health.connections === 0;
    }, "the server to see the client leave");
    await server.close(); // snapshots the pad and waits for the leave to be written

    const database = await openDatabase({
      databaseUrl: undefined,
      dataDir: server.dataDir,
      poolSize: 1,
    });
    try {
      const rows = await database.db
        .select()
        .from(activityLogs)
        .where(eq(activityLogs.sessionId, pad.sessionId))
        .orderBy(asc(activityLogs.id));
      const edits = rows.filter((row) => row.type === "edit");
      assert.deepEqual(
        edits.map((row) => [row.userId, row.userName, row.count]),
        [["user-1", "Ada", 20]],
        "one row for 20 keystrokes",
      );
      assert.ok(rows.filter((row) => row.type === "join").length >= 1);
      assert.ok(rows.some((row) => row.type === "leave" && row.userId === "user-1"));
      const [session] = await database.db
        .select()
        .from(sessions)
        .where(eq(sessions.sessionId, pad.sessionId));
      assert.equal(session?.totalEdits, 20);
      assert.equal(session?.code, "x".repeat(20));
    } finally {
      await database.close();
      await fs.rm(server.dataDir, { recursive: true, force: true });
    }
  });
});
