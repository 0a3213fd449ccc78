import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batchPerTurn } from "../src/db/batch-per-turn.ts";

/** A runMany that records the groups it was given and answers each item with its double. */
function recorder(failWhen: (items: number[]) => boolean = () => false) {
  const groups: number[][] = [];
  const runMany = async (items: number[]) => {
    groups.push(items);
    await Promise.resolve();
    if (failWhen(items)) throw new Error(`refused ${items.join(",")}`);
    return items.map((item) => item * 2);
  };
  return { groups, runMany };
}

describe("batchPerTurn", () => {
  it("runs the calls of one turn together, in groups within the limits, each answered", async () => {
    const { groups, runMany } = recorder();
    const run = batchPerTurn(runMany, { maxItems: 3, maxWeight: 10, weigh: (item) => item });
    // Weights 1,1,1 | 1,8 | 12 (heavier than the limit: alone) | 2
    const results = await Promise.all([1, 1, 1, 1, 8, 12, 2].map((item) => run(item)));
    assert.deepEqual(results, [2, 2, 2, 2, 16, 24, 4]);
    assert.deepEqual(groups, [[1, 1, 1], [1, 8], [12], [2]]);
    // A call in a later turn is a batch of its own.
    assert.equal(await run(5), 10);
    assert.deepEqual(groups.at(-1), [5]);
  });

  it("lets the event loop run between two groups", async () => {
    const { groups, runMany } = recorder();
    const run = batchPerTurn(runMany, { maxItems: 1 });
    let groupsWhenIoRan = -1;
    const all = Promise.all([run(1), run(2)]);
    // Queued after the batch: without a turn between groups, both would be done before it.
    setImmediate(() => {
      groupsWhenIoRan = groups.length;
    });
    await all;
    assert.equal(groupsWhenIoRan, 1);
  });

  it("retries a failed group one item at a time, so that only the refused item fails", async () => {
    const { groups, runMany } = recorder((items) => items.includes(13));
    const run = batchPerTurn(runMany, { maxItems: 10, retryEachOnFailure: true });
    const results = await Promise.allSettled([1, 13, 3].map((item) => run(item)));
    assert.deepEqual(
      results.map((result) => (result.status === "fulfilled" ? result.value : "refused")),
      [2, "refused", 6],
    );
    assert.deepEqual(groups, [[1, 13, 3], [1], [13], [3]]);
  });

  it("fails the whole group when asked not to retry (reads fail together)", async () => {
    const { groups, runMany } = recorder((items) => items.includes(13));
    const run = batchPerTurn(runMany, { maxItems: 10 });
    const results = await Promise.allSettled([1, 13].map((item) => run(item)));
    assert.deepEqual(
      results.map((result) => result.status),
      ["rejected", "rejected"],
    );
    assert.deepEqual(groups, [[1, 13]]);
  });
});
