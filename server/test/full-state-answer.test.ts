import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as Y from "yjs";
import { FullStateAnswer } from "../src/rooms/full-state-answer.ts";
import { clientsOf, waitSynced } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

/** The text a new, empty client has after applying `update`. */
function textOf(update: Uint8Array, ...more: Uint8Array[]): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  for (const next of more) Y.applyUpdate(doc, next);
  return doc.getText("code").toJSON();
}

/** A document of `chars` characters, written by one client in chunks. */
function docWith(chars: number): Y.Doc {
  const doc = new Y.Doc();
  const text = doc.getText("code");
  for (let written = 0; written < chars; written += 10_000) {
    text.insert(text.length, "x".repeat(Math.min(10_000, chars - written)));
  }
  return doc;
}

/** `original` as a room reads it back from storage: a snapshot, applied, and its answer seeded. */
function readBack(original: Y.Doc): { stored: Uint8Array; doc: Y.Doc; answer: FullStateAnswer } {
  const stored = Y.encodeStateAsUpdate(original);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, stored);
  const answer = new FullStateAnswer(doc);
  answer.seed(stored);
  return { stored, doc, answer };
}

describe("the answer to a client's sync step 1", () => {
  it("encodes a large document once for new clients, and again after every kind of change", () => {
    const doc = docWith(100_000);
    const text = doc.getText("code");
    const answer = new FullStateAnswer(doc);
    const first = answer.for(EMPTY_STATE_VECTOR);
    assert.equal(answer.for(EMPTY_STATE_VECTOR), first, "kept while nothing changed");

    text.insert(0, "A");
    const afterInsert = answer.for(EMPTY_STATE_VECTOR);
    assert.notEqual(afterInsert, first);
    assert.equal(textOf(afterInsert), text.toJSON());

    // A deletion leaves the state vector as it was: the answer must change all the same.
    const stateVector = Y.encodeStateVector(doc);
    text.delete(0, 50_000);
    assert.deepEqual(Y.encodeStateVector(doc), stateVector);
    const afterDelete = answer.for(EMPTY_STATE_VECTOR);
    assert.equal(textOf(afterDelete).length, 50_001);
    assert.equal(textOf(afterDelete), text.toJSON());

    // An update whose predecessor is missing waits in the document, unapplied; a new client
    // must get it too, or the predecessor would not complete its text later.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    const otherText = other.getText("code");
    const before = Y.encodeStateVector(other);
    otherText.insert(0, "1");
    const predecessor = Y.encodeStateAsUpdate(other, before);
    const between = Y.encodeStateVector(other);
    otherText.insert(0, "2");
    const successor = Y.encodeStateAsUpdate(other, between);
    Y.applyUpdate(doc, successor);
    assert.equal(text.toJSON().startsWith("2"), false, "held back until its predecessor comes");
    const withPending = answer.for(EMPTY_STATE_VECTOR);
    assert.equal(textOf(withPending, predecessor), otherText.toJSON());
    answer.dispose();
  });

  it("answers new clients with a seeded whole-document encoding until the document changes", () => {
    const { stored, doc, answer } = readBack(docWith(100_000));
    assert.equal(answer.for(EMPTY_STATE_VECTOR), stored, "the snapshot itself, not encoded again");

    doc.getText("code").insert(0, "B");
    const afterInsert = answer.for(EMPTY_STATE_VECTOR);
    assert.notEqual(afterInsert, stored);
    assert.equal(textOf(afterInsert), doc.getText("code").toJSON());
    answer.dispose();

    const small = readBack(docWith(1_000));
    assert.notEqual(small.answer.for(EMPTY_STATE_VECTOR), small.stored, "small ones are not kept");
    small.answer.dispose();
  });

  it("does not keep small documents, and answers clients with state with their difference", () => {
    const small = docWith(1_000);
    const answer = new FullStateAnswer(small);
    assert.notEqual(answer.for(EMPTY_STATE_VECTOR), answer.for(EMPTY_STATE_VECTOR));

    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(small));
    small.getText("code").insert(0, "new");
    const difference = answer.for(Y.encodeStateVector(client));
    Y.applyUpdate(client, difference);
    assert.equal(client.getText("code").toJSON(), small.getText("code").toJSON());
    assert.ok(difference.length < 100, "only what the client lacks");
    answer.dispose();
  });
});

describe("new clients of a large live pad", () => {
  let server: TestServer;
  const clients = clientsOf(() => server.url);
  before(async () => {
    server = await startTestServer({ storage: "pglite" });
  });
  after(async () => {
    clients.leaveAll();
    await server.stop();
  });

  it("each get the pad as it is when they join, deletions included", async () => {
    const pad = await createPad(server.url);
    const writer = clients.connect(pad.sessionId);
    await waitSynced(writer);
    const text = writer.doc.getText("code");
    // About 100 KB in one paste: large enough that the server keeps its encoding.
    const lines = Array.from({ length: 4_000 }, (_, line) => `line ${line} of the pad\n`);
    text.insert(0, lines.join(""));
    const expected = () => writer.text();
    const first = clients.connect(pad.sessionId);
    await waitSynced(first);
    await waitUntil(() => first.text() === expected(), "the first new client to get the pad");

    text.delete(0, 10_000); // no new state vector entry, only a deletion
    await waitUntil(() => first.text() === expected(), "the deletion to reach the first client");
    const second = clients.connect(pad.sessionId);
    await waitSynced(second);
    assert.equal(second.text(), expected(), "a later client gets the pad with the deletion");

    text.insert(0, "top\n");
    await waitUntil(() => first.text() === expected(), "the insert to reach the first client");
    const third = clients.connect(pad.sessionId);
    await waitSynced(third);
    assert.equal(third.text(), expected());
    // Nothing changed since: this one gets what was encoded for the third.
    const fourth = clients.connect(pad.sessionId);
    await waitSynced(fourth);
    assert.equal(fourth.text(), expected());
  });
});
