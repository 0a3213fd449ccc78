import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import { clientsOf, waitClosedWith, waitSynced, type TestClient } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { rawSocket } from "./support/raw-socket.ts";
import { startTestServer, storageKinds, type TestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

for (const storage of storageKinds) {
  describe(`WebSocket sync on ${storage}`, () => {
    let server: TestServer;
    const clients = clientsOf(() => server.url);
    const connect = clients.connect;
    const wsUrl = (padId: string) => `${server.url.replace("http", "ws")}/ws/${padId}`;

    before(async () => {
      server = await startTestServer({ storage });
    });
    after(async () => {
      clients.leaveAll();
      await server.stop();
    });

    /** Alice and Bob on a new pad, both synced. */
    async function aliceAndBob() {
      const pad = await createPad(server.url);
      const alice = connect(pad.sessionId);
      const bob = connect(pad.sessionId);
      await Promise.all([waitSynced(alice), waitSynced(bob)]);
      return { pad, alice, bob, aliceId: alice.doc.clientID };
    }

    /** What Bob's text held when each of Alice's cursor positions (`{ at }`) first reached him. */
    function textAtEachCursor(bob: TestClient, aliceId: number): Map<number, string> {
      const textAtCursor = new Map<number, string>();
      bob.provider.awareness.on("change", () => {
        const cursor = (bob.provider.awareness.getStates().get(aliceId) as { at?: number })?.at;
        if (cursor !== undefined && !textAtCursor.has(cursor)) textAtCursor.set(cursor, bob.text());
      });
      return textAtCursor;
    }

    it("merges concurrent inserts from several clients without losing any", async () => {
      const pad = await createPad(server.url, { code: "start\n" });
      const group = [connect(pad.sessionId), connect(pad.sessionId), connect(pad.sessionId)];
      await Promise.all(group.map((client) => waitSynced(client)));
      // Everyone types at once, at different places, before seeing the others' keys.
      for (let round = 0; round < 30; round++) {
        group.forEach((client, index) => {
          const text = client.doc.getText("code");
          text.insert(Math.floor(text.length * Math.random()), String.fromCharCode(65 + index));
        });
      }
      const expectedLength = "start\n".length + 3 * 30;
      await waitUntil(
        () => group.every((client) => client.text().length === expectedLength),
        "all clients to receive all 90 characters",
      );
      const final = group[0]?.text();
      for (const client of group) assert.equal(client.text(), final);
      for (const letter of ["A", "B", "C"]) {
        assert.equal(final?.split(letter).length, 31, `30 × ${letter}`);
      }
      const response = await fetch(`${server.url}/api/sessions/${pad.sessionId}`);
      const body = (await response.json()) as { session: { code: string; activeUsers: number } };
      assert.equal(body.session.code, final, "GET returns the live text");
      assert.equal(body.session.activeUsers, 3);
    });

    it("puts the initial code in the document exactly once when many clients join at once", async () => {
      const code = "function hello() {\n  return 42;\n}\n";
      const pad = await createPad(server.url, { code });
      const group = Array.from({ length: 8 }, () => connect(pad.sessionId));
      await Promise.all(group.map((client) => waitSynced(client)));
      for (const client of group) assert.equal(client.text(), code);
    });

    it("never reports synced on an empty document when the pad has content", async () => {
      const code = "stored content\n";
      const pad = await createPad(server.url, { code });
      const client = connect(pad.sessionId);
      const textAtSync = await new Promise<string>((resolve) => {
        client.provider.on("sync", (synced) => {
          if (synced) resolve(client.text());
        });
      });
      assert.equal(textAtSync, code);
    });

    it("shows a client's awareness to the others and removes it when it leaves", async () => {
      const { pad, alice, bob, aliceId } = await aliceAndBob();
      alice.provider.awareness.setLocalState({
        user: { id: "alice-id", name: "Alice", color: "#ff0000" },
        typing: true,
      });
      await waitUntil(
        () =>
          (
            bob.provider.awareness.getStates().get(aliceId) as
              { user?: { name?: string } } | undefined
          )?.user?.name === "Alice",
        "Bob to see Alice",
      );
      // A late joiner gets the states that are already there.
      const carol = connect(pad.sessionId);
      await waitUntil(
        () => carol.provider.awareness.getStates().has(aliceId),
        "Carol to see Alice",
      );
      // Closing the socket (no goodbye message) must clear Alice at once for the others.
      alice.provider.ws?.close();
      alice.provider.disconnect();
      await waitUntil(
        () => !bob.provider.awareness.getStates().has(aliceId),
        "Alice to disappear for Bob",
        3000,
      );
    });

    it("removes the cursor of a client that reconnected once its socket drops again", async () => {
      const { alice, bob, aliceId } = await aliceAndBob();
      const bobSees = (at: number) =>
        (bob.provider.awareness.getStates().get(aliceId) as { at?: number } | undefined)?.at === at;
      // The socket dies with no goodbye (a network drop): no close frame, no last message.
      const dropAlicesSocket = () => (alice.provider.ws as unknown as WebSocket).terminate();
      alice.provider.awareness.setLocalState({ at: 1 });
      await waitUntil(() => bobSees(1), "Bob to see Alice's cursor");

      const firstSocket = alice.provider.ws;
      dropAlicesSocket();
      await waitUntil(() => !bob.provider.awareness.getStates().has(aliceId), "Alice to go");
      // The stock client reconnects with the same client id and moves her cursor.
      await waitUntil(
        () => alice.provider.wsconnected && alice.provider.ws !== firstSocket,
        "Alice to reconnect",
      );
      alice.provider.awareness.setLocalState({ at: 2 });
      await waitUntil(() => bobSees(2), "Bob to see Alice's cursor again");

      // Her new socket announced her state again, so it owns it: when that socket drops too,
      // her cursor goes at once, not after the 30 s awareness timeout.
      alice.provider.shouldConnect = false;
      dropAlicesSocket();
      await waitUntil(
        () => !bob.provider.awareness.getStates().has(aliceId),
        "Alice to disappear for Bob",
        3000,
      );
    });

    it("never forwards a cursor before the edit it was sent with", async () => {
      const { alice, bob, aliceId } = await aliceAndBob();
      const textAtCursor = textAtEachCursor(bob, aliceId);
      const keys = 20;
      for (let key = 1; key <= keys; key++) {
        // As an editor does: the key, then the cursor after it, in the same tick.
        alice.doc.getText("code").insert(key - 1, "k");
        alice.provider.awareness.setLocalState({ at: key });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await waitUntil(() => textAtCursor.has(keys), "Bob to see Alice's last cursor");
      for (const [cursor, text] of textAtCursor) {
        assert.ok(text.length >= cursor, `cursor ${cursor} arrived with text "${text}"`);
      }
    });

    it("sends large pastes with their cursor whole and in order (frames over 16 KiB a turn)", async () => {
      // A paste and its cursor leave in one turn: small frames are copied into one buffer,
      // larger ones are written corked. Both ways must carry every byte, in order.
      const { alice, bob, aliceId } = await aliceAndBob();
      const textAtCursor = textAtEachCursor(bob, aliceId);
      const pastes = ["a", "b", "c"].map((letter, index) => letter.repeat(20_000 + index * 7));
      let length = 0;
      for (const paste of pastes) {
        alice.doc.getText("code").insert(length, paste);
        length += paste.length;
        alice.provider.awareness.setLocalState({ at: length });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await waitUntil(() => textAtCursor.has(length), "Bob to see Alice's last cursor");
      assert.equal(bob.text(), pastes.join(""));
      for (const [cursor, text] of textAtCursor) {
        assert.ok(text.length >= cursor, `cursor ${cursor} arrived before its paste`);
      }
    });

    it("sends REST changes of title and language to connected clients, and takes theirs", async () => {
      const pad = await createPad(server.url, { title: "Before", language: "javascript" });
      const client = connect(pad.sessionId);
      await waitSynced(client);
      const meta = client.doc.getMap("meta");
      assert.equal(meta.get("title"), "Before");
      const patched = await fetch(`${server.url}/api/sessions/${pad.sessionId}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title: "After", language: "go" }),
      });
      assert.equal(patched.status, 200);
      await waitUntil(
        () => meta.get("title") === "After" && meta.get("language") === "go",
        "the PATCH to arrive",
        1000,
      );

      meta.set("language", "python");
      await waitUntil(async () => {
        const response = await fetch(`${server.url}/api/sessions/${pad.sessionId}`);
        const body = (await response.json()) as { session: { language: string } };
        return body.session.language === "python";
      }, "the client's language change to reach the API");

      // A value the database would refuse is put back for everyone.
      meta.set("language", "not-a-language");
      await waitUntil(
        () => meta.get("language") === "python",
        "the invalid language to be reverted",
      );
      // So is a title the database cannot store (NUL), and one that is too long.
      meta.set("title", "a\u0000b");
      await waitUntil(() => meta.get("title") === "After", "the NUL title to be reverted");
      meta.set("title", "x".repeat(256));
      await waitUntil(() => meta.get("title") === "After", "the long title to be reverted");
    });

    it("closes with the contract's codes at the door", async () => {
      const malformed = rawSocket(wsUrl("bad-id"));
      assert.equal((await malformed.closed).code, 4400);
      const unknown = rawSocket(wsUrl("abcdefghijkl"));
      assert.equal((await unknown.closed).code, 4404);
      const pad = await createPad(server.url);
      const foreign = rawSocket(wsUrl(pad.sessionId), { Origin: "https://evil.example" });
      const refusal = await foreign.closed;
      assert.equal(refusal.code, 4403);
      assert.ok(refusal.reason.length > 0, "a close reason a person can read");
      const sameOrigin = rawSocket(wsUrl(pad.sessionId), { Origin: server.url });
      await sameOrigin.opened;
      sameOrigin.ws.close();
    });

    it("disconnects editors with 4410 when the pad is deleted, and refuses new ones", async () => {
      const pad = await createPad(server.url, { code: "bye" });
      const client = connect(pad.sessionId);
      await waitSynced(client);
      const deleted = await fetch(`${server.url}/api/sessions/${pad.sessionId}`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${pad.ownerKey}` },
      });
      assert.equal(deleted.status, 200);
      await waitClosedWith(client, 4410);
      const late = rawSocket(wsUrl(pad.sessionId));
      assert.equal((await late.closed).code, 4410);
    });

    it("closes a client that sends garbage with 4400 and leaves the others and the pad unharmed", async () => {
      const pad = await createPad(server.url, { code: "safe" });
      const good = connect(pad.sessionId);
      await waitSynced(good);
      const bad = rawSocket(wsUrl(pad.sessionId));
      await bad.opened;
      // Message type 0 (sync), sub-type 2 (update), then bytes that are no Yjs update.
      bad.ws.send(Uint8Array.from([0, 2, 5, 255, 255, 255, 255, 255]));
      assert.equal((await bad.closed).code, 4400);
      const unknownType = rawSocket(wsUrl(pad.sessionId));
      await unknownType.opened;
      unknownType.ws.send(Uint8Array.from([9, 1, 2]));
      assert.equal((await unknownType.closed).code, 4400);
      good.doc.getText("code").insert(4, "!");
      const other = connect(pad.sessionId);
      await waitUntil(() => other.text() === "safe!", "a new client to see the intact pad");
      assert.equal(good.provider.wsconnected, true);
    });

    it("keeps an edit made while the room loads (updates queued before sync)", async () => {
      const pad = await createPad(server.url, { code: "x" });
      const doc = new Y.Doc();
      const offline = connect(pad.sessionId);
      // Edits made before the first sync are sent in the client's sync step 2.
      offline.doc.getText("code").insert(0, "early ");
      await waitSynced(offline);
      const reader = connect(pad.sessionId);
      await waitUntil(
        () => reader.text() === "early x" || reader.text() === "xearly ",
        "the early edit to reach others",
      );
      doc.destroy();
    });
  });
}
