import assert from "node:assert/strict";
import { test } from "node:test";
import * as Y from "yjs";
import { updateMadeBy } from "../src/rooms/update-made-by.ts";

test("updateMadeBy returns the update a change made, which rebuilds the change elsewhere", () => {
  const doc = new Y.Doc();
  const update = updateMadeBy(doc, () => doc.getText("code").insert(0, "hello"));
  assert.ok(update !== null);
  const copy = new Y.Doc();
  Y.applyUpdate(copy, update);
  assert.equal(copy.getText("code").toJSON(), "hello");
});

test("updateMadeBy returns null for a change that changed nothing", () => {
  const doc = new Y.Doc();
  doc.getText("code").insert(0, "x");
  const known = Y.encodeStateAsUpdate(doc);
  assert.equal(
    updateMadeBy(doc, () => Y.applyUpdate(doc, known)),
    null,
  );
  assert.equal(
    updateMadeBy(doc, () => undefined),
    null,
  );
});

test("updateMadeBy merges the updates of several transactions into one", () => {
  const doc = new Y.Doc();
  const update = updateMadeBy(doc, () => {
    doc.getText("code").insert(0, "a");
    doc.getMap("meta").set("title", "T");
  });
  assert.ok(update !== null);
  const copy = new Y.Doc();
  Y.applyUpdate(copy, update);
  assert.equal(copy.getText("code").toJSON(), "a");
  assert.equal(copy.getMap("meta").get("title"), "T");
});

test("updateMadeBy leaves no listener behind, also when the change throws", () => {
  const doc = new Y.Doc();
  const listeners = () => (doc as unknown as { _observers: Map<string, Set<unknown>> })._observers;
  updateMadeBy(doc, () => doc.getText("code").insert(0, "a"));
  assert.equal(listeners().get("update")?.size ?? 0, 0);
  assert.throws(() =>
    updateMadeBy(doc, () => {
      throw new Error("bad update");
    }),
  );
  assert.equal(listeners().get("update")?.size ?? 0, 0);
});
