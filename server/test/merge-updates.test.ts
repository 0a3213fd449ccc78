import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as Y from "yjs";
import { mergeUpdatesInGroups } from "../src/rooms/merge-updates.ts";

/** Updates of two editors typing, deleting and writing a map, interleaved as a server sees them. */
function editsOfTwoClients(count: number): Uint8Array[] {
  const updates: Uint8Array[] = [];
  const docs = [new Y.Doc(), new Y.Doc()];
  for (const doc of docs) doc.on("update", (update: Uint8Array) => updates.push(update));
  let seed = 7;
  const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
  for (let i = 0; i < count; i++) {
    const doc = docs[i % 2] as Y.Doc;
    const text = doc.getText("code");
    if (i % 11 === 10 && text.length > 2) text.delete(Math.floor(random() * (text.length - 1)), 2);
    else if (i % 97 === 0) doc.getMap("meta").set("title", `title ${i}`);
    else text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + (i % 26)));
    // Now and then each sees the other's edits, so that later edits depend on both.
    if (i % 50 === 49) {
      Y.applyUpdate(docs[0] as Y.Doc, Y.encodeStateAsUpdate(docs[1] as Y.Doc));
      Y.applyUpdate(docs[1] as Y.Doc, Y.encodeStateAsUpdate(docs[0] as Y.Doc));
    }
  }
  return updates;
}

function stateOf(update: Uint8Array): { text: string; title: unknown; stateVector: Uint8Array } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return {
    text: doc.getText("code").toJSON(),
    title: doc.getMap("meta").get("title"),
    stateVector: Y.encodeStateVector(doc),
  };
}

describe("merging updates in groups", () => {
  for (const count of [2, 16, 17, 256, 1_000]) {
    it(`gives the document Y.mergeUpdates gives, for ${count} updates`, () => {
      const updates = editsOfTwoClients(count).slice(0, count);
      assert.deepEqual(stateOf(mergeUpdatesInGroups(updates)), stateOf(Y.mergeUpdates(updates)));
    });
  }

  it("returns a single update as it is", () => {
    const [update] = editsOfTwoClients(1);
    assert.equal(mergeUpdatesInGroups([update as Uint8Array]), update);
  });

  it("throws for an update Yjs cannot decode, as Y.mergeUpdates does", () => {
    const updates = editsOfTwoClients(40);
    updates[20] = Uint8Array.of(1, 200, 3);
    assert.throws(() => mergeUpdatesInGroups(updates));
  });
});
