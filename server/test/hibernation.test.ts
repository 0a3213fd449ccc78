import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import * as Y from "yjs";
import { clientsOf, waitSynced } from "./support/clients.ts";
import { updateFrame } from "./support/frames.ts";
import { createPad } from "./support/pads.ts";
import { rawSocket } from "./support/raw-socket.ts";
import { startTestServer, storageKinds, type TestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

/**
 * A pad nobody edits lets go of its document while its clients stay connected
 * (IDLE_DOC_TIMEOUT), and everything a client does afterwards works as before.
 */
for (const storage of storageKinds) {
  describe(`idle pads on ${storage}`, { timeout: 60_000 }, () => {
    let server: TestServer;
    const clients = clientsOf(() => server.url);
    const connect = clients.connect;

    before(async () => {
      server = await startTestServer({ storage, env: { IDLE_DOC_TIMEOUT: "1" } });
    });
    // Each test's clients leave at its end, so that its room unloads and only the next
    // test's room can sleep.
    afterEach(() => clients.leaveAll());
    after(async () => {
      await server.stop();
    });

    const roomStats = async () => {
      const response = await fetch(`${server.url}/api/health`);
      return (await response.json()) as { rooms: number; sleepingRooms: number };
    };
    const sleepingRooms = async () => (await roomStats()).sleepingRooms;
    /** Changes the pad's title through the REST API. */
    const rename = async (padId: string, title: string) => {
      const patched = await fetch(`${server.url}/api/sessions/${padId}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title }),
      });
      assert.equal(patched.status, 200);
    };
    /** Until the one loaded room (this test's; the earlier ones unloaded) sleeps. */
    const waitAsleep = () =>
      waitUntil(
        async () => {
          const stats = await roomStats();
          return stats.rooms === 1 && stats.sleepingRooms === 1;
        },
        "the pad's room to be the only one loaded, and asleep",
        10_000,
      );

    it("serves edits, joins, reads and title changes of a sleeping pad", async () => {
      const pad = await createPad(server.url, { code: "hello", title: "Before" });
      const alice = connect(pad.sessionId);
      const bob = connect(pad.sessionId);
      await Promise.all([waitSynced(alice), waitSynced(bob)]);
      alice.doc.getText("code").insert(5, " world");
      await waitUntil(() => bob.text() === "hello world", "Bob to see Alice's edit");

      // Idle: snapshotted, then out of memory, while both stay connected.
      await waitAsleep();
      assert.equal(alice.provider.wsconnected && bob.provider.wsconnected, true);
      const read = await fetch(`${server.url}/api/sessions/${pad.sessionId}`);
      const body = (await read.json()) as { session: { code: string; activeUsers: number } };
      assert.equal(body.session.code, "hello world");
      assert.equal(body.session.activeUsers, 2);

      // Cursors need no document: they flow without waking it.
      alice.provider.awareness.setLocalStateField("user", { id: "a", name: "Alice" });
      await waitUntil(
        () => bob.provider.awareness.getStates().has(alice.doc.clientID),
        "Bob to see Alice's cursor",
      );
      assert.equal(await sleepingRooms(), 1);

      // The next edit reads the pad back and reaches the other client.
      bob.doc.getText("code").insert(11, "!");
      await waitUntil(() => alice.text() === "hello world!", "Alice to see Bob's edit");

      // A client joining a sleeping pad gets all of it.
      await waitAsleep();
      const carol = connect(pad.sessionId);
      await waitSynced(carol);
      assert.equal(carol.text(), "hello world!");

      // A title changed through the API reaches the clients of a sleeping pad at once.
      await waitAsleep();
      await rename(pad.sessionId, "After");
      await waitUntil(() => alice.doc.getMap("meta").get("title") === "After", "the new title");
    });

    it("gives clients joining a large pad read back from storage all of it, as it is now", async () => {
      // Over 64 KB: the room answers new clients with the snapshot it read, as it was stored.
      const code = Array.from({ length: 4_000 }, (_, line) => `line ${line} of the pad\n`).join("");
      const pad = await createPad(server.url, { code, title: "Large" });
      const alice = connect(pad.sessionId);
      await waitSynced(alice);
      await waitAsleep();
      const bob = connect(pad.sessionId);
      await waitSynced(bob);
      assert.equal(bob.text(), code);

      alice.doc.getText("code").insert(0, "// top\n");
      await waitUntil(() => bob.text() === `// top\n${code}`, "Bob to see Alice's edit");
      await waitAsleep();
      const carol = connect(pad.sessionId);
      await waitSynced(carol);
      assert.equal(carol.text(), `// top\n${code}`);

      // Renamed while asleep: the room wakes, reading back a snapshot with the old title,
      // and writes the new one into the document.
      await waitAsleep();
      await rename(pad.sessionId, "Renamed");
      await waitUntil(() => alice.doc.getMap("meta").get("title") === "Renamed", "the new title");
      const dave = connect(pad.sessionId);
      await waitSynced(dave);
      assert.equal(dave.doc.getMap("meta").get("title"), "Renamed");
      assert.equal(dave.text(), `// top\n${code}`);
    });

    it("keeps every edit, in order, that arrives while the pad is read back", async () => {
      const pad = await createPad(server.url, { code: "" });
      const writer = connect(pad.sessionId);
      const reader = connect(pad.sessionId);
      await Promise.all([waitSynced(writer), waitSynced(reader)]);
      await waitAsleep();
      // Each key is its own update, all sent before the room can have read the pad back.
      const text = writer.doc.getText("code");
      for (let key = 0; key < 50; key++) text.insert(text.length, String(key % 10));
      const expected = text.toJSON();
      await waitUntil(() => reader.text() === expected, "the reader to get every key");
      // And storage has them: a new client of the sleeping pad reads them back.
      await waitAsleep();
      const late = connect(pad.sessionId);
      await waitSynced(late);
      assert.equal(late.text(), expected);
    });

    it("refuses a bad update sent to a sleeping pad with 4400 and leaves the others be", async () => {
      const pad = await createPad(server.url, { code: "safe" });
      const good = connect(pad.sessionId);
      await waitSynced(good);
      const bad = rawSocket(`${server.url.replace("http", "ws")}/ws/${pad.sessionId}`);
      await bad.opened;
      await waitAsleep();
      // A well-formed sync frame whose update Yjs cannot decode, refused after the read, and
      // right behind it a valid edit: a refused client's later frames are dropped, as they
      // are when nothing waits.
      bad.ws.send(updateFrame(new Uint8Array([200, 1, 2, 3, 250, 250])));
      const sneaky = new Y.Doc();
      sneaky.getText("code").insert(0, "EVIL");
      bad.ws.send(updateFrame(Y.encodeStateAsUpdate(sneaky)));
      assert.equal((await bad.closed).code, 4400);
      good.doc.getText("code").insert(4, "!");
      const other = connect(pad.sessionId);
      await waitUntil(() => other.text() === "safe!", "the pad to be intact");
      assert.equal(good.provider.wsconnected, true);
    });
  });
}
