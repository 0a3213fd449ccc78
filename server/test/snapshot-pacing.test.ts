import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectClient, waitSynced, type TestClient } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { startTestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

const unsavedRooms = async (url: string) =>
  ((await (await fetch(`${url}/api/health`)).json()) as { unsavedRooms: number }).unsavedRooms;

describe("periodic snapshots", () => {
  it("are spread over half the interval, and shutdown does not wait for the spacing", async () => {
    // 4 changed pads, 8 s interval: one save about every second after the tick.
    const server = await startTestServer({ env: { SNAPSHOT_INTERVAL: "8" } });
    const editors: TestClient[] = [];
    try {
      for (let index = 0; index < 4; index++) {
        const pad = await createPad(server.url);
        const editor = connectClient(server.url, pad.sessionId);
        editors.push(editor);
        await waitSynced(editor);
        editor.doc.getText("code").insert(0, `pad ${index}`);
      }
      await waitUntil(async () => (await unsavedRooms(server.url)) === 4, "4 changed pads");
      // Saved all at once, the count would jump from 4 to 0; spaced, it stays at 3 a while.
      await waitUntil(
        async () => (await unsavedRooms(server.url)) === 3,
        "the first snapshot of the tick",
        12_000,
      );
      assert.equal(await unsavedRooms(server.url), 3, "the next save waits for its turn");
      // Three saves are still spaced ahead; stopping saves them at once instead.
      const stopping = Date.now();
      await server.close();
      assert.ok(Date.now() - stopping < 2_000, `shutdown took ${Date.now() - stopping} ms`);
    } finally {
      for (const editor of editors) editor.destroy();
      await server.stop();
    }
  });
});
