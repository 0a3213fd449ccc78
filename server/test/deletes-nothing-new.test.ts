import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { deletesNothingNew } from "../src/rooms/deletes-nothing-new.ts";
import { clientsOf, waitSynced } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { rawSocket } from "./support/raw-socket.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

const deletionsOf = (update: Uint8Array) => Y.decodeUpdate(update).ds;

/** The update in a sync frame: message type, sync type, then the update's bytes. */
function payloadOf(frame: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(frame);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}

describe("deletions a document already has", () => {
  it("are told apart from deletions that would change it", () => {
    const doc = new Y.Doc();
    const text = doc.getText("code");
    text.insert(0, "hello brave new world");
    text.delete(5, 6); // "hello new world"
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));

    // A peer with nothing new still sends every deletion the document has had.
    const nothingNew = Y.encodeStateAsUpdate(peer, Y.encodeStateVector(doc));
    assert.ok(deletionsOf(nothingNew).clients.size > 0);
    assert.equal(deletesNothingNew(doc, deletionsOf(nothingNew)), true);

    // The peer deletes one more character: that one is new.
    peer.getText("code").delete(0, 1);
    const oneMore = Y.encodeStateAsUpdate(peer, Y.encodeStateVector(doc));
    assert.equal(deletesNothingNew(doc, deletionsOf(oneMore)), false);
    // Also behind an empty entry of a client the document has never seen.
    const withEmptyEntry = deletionsOf(oneMore);
    withEmptyEntry.clients = new Map([[doc.clientID + 1, []], ...withEmptyEntry.clients]);
    assert.equal(deletesNothingNew(doc, withEmptyEntry), false);

    // Deletions of items the document does not hold (yet) are not known to be redundant.
    const stranger = new Y.Doc();
    stranger.getText("code").insert(0, "abc");
    stranger.getText("code").delete(0, 1);
    assert.equal(deletesNothingNew(doc, deletionsOf(Y.encodeStateAsUpdate(stranger))), false);
    const ahead = new Y.Doc();
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(doc));
    ahead.clientID = doc.clientID; // the same client, further on than the document
    ahead.getText("code").insert(0, "xyz");
    ahead.getText("code").delete(0, 3);
    const beyond = Y.encodeStateAsUpdate(ahead, Y.encodeStateVector(doc));
    assert.equal(deletesNothingNew(doc, deletionsOf(beyond)), false);

    assert.equal(deletesNothingNew(doc, deletionsOf(Y.encodeStateAsUpdate(new Y.Doc()))), true);
  });
});

describe("a client reconnecting to a pad that has deletions", () => {
  let server: TestServer;
  const clients = clientsOf(() => server.url);
  before(async () => {
    server = await startTestServer({ storage: "pglite" });
  });
  after(async () => {
    clients.leaveAll();
    await server.stop();
  });

  it("sends the others nothing when a client reconnects with nothing new", async () => {
    const pad = await createPad(server.url, { code: "" });
    const writer = clients.connect(pad.sessionId);
    const reader = clients.connect(pad.sessionId);
    await Promise.all([waitSynced(writer), waitSynced(reader)]);
    const text = writer.doc.getText("code");
    text.insert(0, "let answer = 42;\n");
    text.delete(4, 6); // backspace
    text.insert(4, "result");
    const expected = writer.text();
    await waitUntil(() => reader.text() === expected, "the reader to have the writer's edits");

    // Stays in the room and counts the updates it is sent from now on.
    const observer = rawSocket(`${server.url.replace("http", "ws")}/ws/${pad.sessionId}`);
    const updates: Uint8Array[] = [];
    observer.ws.on("message", (data: Buffer) => {
      if (data[0] === 0 && data[1] === 2) updates.push(data); // sync, update
    });
    await observer.opened;

    // A dropped connection: the reader comes back with the whole pad, and its sync step 2
    // carries every deletion the pad has had.
    reader.provider.disconnect();
    reader.provider.connect();
    await waitSynced(reader);
    // The reader's sync step 2 has reached the server by the time a later edit of the
    // writer's reaches the observer.
    text.insert(0, "// ");
    await waitUntil(() => updates.length > 0, "the writer's next edit to reach the observer");
    await waitUntil(() => reader.text() === writer.text(), "the reader to get it too");
    assert.equal(updates.length, 1, "only the writer's edit, not the reader's deletions");
    assert.equal(Y.decodeUpdate(payloadOf(updates[0] as Uint8Array)).ds.clients.size, 0);
    observer.ws.close();
  });
});
