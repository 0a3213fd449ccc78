import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectClient, waitSynced, type TestClient } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { startTestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

const unsavedRooms = async (url: string) =>
  ((await (await fetch(`${url}/api/health`)).json()) as { unsavedRooms: number }).unsavedRooms;

/** SNAPSHOTS_PER_TRANSACTION in rooms/registry.ts. */
const GROUP = 25;

describe("periodic snapshots", () => {
  it("are written in groups spread over half the interval; shutdown does not wait", async () => {
    // Two groups of changed pads, 8 s interval: the second group is saved 2 s after the first.
    const pads = GROUP + 5;
    const server = await startTestServer({ env: { SNAPSHOT_INTERVAL: "8" } });
    const editors: TestClient[] = [];
    try {
      for (let index = 0; index < pads; index++) {
        const pad = await createPad(server.url);
        const editor = connectClient(server.url, pad.sessionId);
        editors.push(editor);
        await waitSynced(editor);
        editor.doc.getText("code").insert(0, `pad ${index}`);
      }
      await waitUntil(async () => (await unsavedRooms(server.url)) === pads, "all pads changed");
      // A group is saved at once (its pads share transactions); the next waits its turn.
      await waitUntil(
        async () => (await unsavedRooms(server.url)) === pads - GROUP,
        "the first group of the tick",
        12_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(await unsavedRooms(server.url), pads - GROUP, "the next group waits its turn");
      // The second group is still spaced ahead; stopping saves it at once instead.
      const stopping = Date.now();
      await server.close();
      assert.ok(Date.now() - stopping < 2_000, `shutdown took ${Date.now() - stopping} ms`);
    } finally {
      for (const editor of editors) editor.destroy();
      await server.stop();
    }
  });
});
