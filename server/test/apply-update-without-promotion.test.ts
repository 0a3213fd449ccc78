import assert from "node:assert/strict";
import { test } from "node:test";
import * as Y from "yjs";
import { applyUpdateWithoutPromotion } from "../src/rooms/apply-update-without-promotion.ts";

function oneKeyUpdate(): Uint8Array {
  const source = new Y.Doc();
  source.getText("code").insert(0, "k");
  return Y.encodeStateAsUpdate(source);
}

test("the update's transaction is queued in an array made for it, not in the one the document kept", () => {
  const doc = new Y.Doc();
  doc.getText("code").insert(0, "x"); // Yjs has replaced its queue once, as it does after every change
  const kept = doc._transactionCleanups;
  let queuedInFreshArray = false;
  doc.on("beforeTransaction", (transaction: Y.Transaction) => {
    // Fails if Yjs stops queueing transactions in `_transactionCleanups` (a Yjs upgrade):
    // then resetting it would do nothing, and this file's reason to exist would be gone.
    queuedInFreshArray =
      doc._transactionCleanups !== kept && doc._transactionCleanups.includes(transaction);
  });
  applyUpdateWithoutPromotion(doc, oneKeyUpdate(), "origin");
  assert.ok(queuedInFreshArray);
  assert.equal(doc.getText("code").toJSON().length, 2);
  assert.equal(doc._transactionCleanups.length, 0, "cleaned up");
});

test("the update is applied with its origin, and observers see it once", () => {
  const doc = new Y.Doc();
  const origins: unknown[] = [];
  doc.getText("code").observe((_event, transaction) => origins.push(transaction.origin));
  applyUpdateWithoutPromotion(doc, oneKeyUpdate(), "logged");
  assert.deepEqual(origins, ["logged"]);
  assert.equal(doc.getText("code").toJSON(), "k");
});

test("inside another transaction the queue in use is kept, and the change is cleaned up with it", () => {
  const doc = new Y.Doc();
  const events: string[] = [];
  doc.getText("code").observe(() => events.push("text"));
  doc.transact(() => {
    const inUse = doc._transactionCleanups;
    doc.getMap("meta").set("title", "T");
    applyUpdateWithoutPromotion(doc, oneKeyUpdate(), null);
    assert.equal(doc._transactionCleanups, inUse);
    assert.equal(inUse.length, 1);
  });
  assert.deepEqual(events, ["text"]);
  assert.equal(doc.getText("code").toJSON(), "k");
  assert.equal(doc.getMap("meta").get("title"), "T");
});
