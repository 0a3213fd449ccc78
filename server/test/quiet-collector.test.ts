import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QuietCollector } from "../src/memory/quiet-collector.ts";

describe("collection when the instance is quiet", () => {
  const setUp = () => {
    const clock = { now: 0 };
    let collections = 0;
    const collector = new QuietCollector(
      () => collections++,
      10_000,
      () => clock.now,
    );
    return { clock, collector, collections: () => collections };
  };

  it("collects once after documents were let go and no client sent anything for 10 s", () => {
    const { clock, collector, collections } = setUp();
    collector.noteMessage();
    collector.noteReleased();
    clock.now = 9_999;
    assert.equal(collector.collectIfQuiet(), false, "a client sent something 9.999 s ago");
    clock.now = 10_000;
    assert.equal(collector.collectIfQuiet(), true);
    clock.now = 30_000;
    assert.equal(collector.collectIfQuiet(), false, "nothing was let go since");
    assert.equal(collections(), 1);
  });

  it("waits while clients keep sending, and never collects when nothing was let go", () => {
    const { clock, collector, collections } = setUp();
    clock.now = 60_000;
    assert.equal(collector.collectIfQuiet(), false, "no document was let go");
    collector.noteReleased();
    for (let t = 60_000; t < 120_000; t += 5_000) {
      clock.now = t;
      collector.noteMessage();
      assert.equal(collector.collectIfQuiet(), false, `someone typed at ${t} ms`);
    }
    clock.now = 124_999; // the last message was at 115,000
    assert.equal(collector.collectIfQuiet(), false);
    clock.now = 125_000;
    assert.equal(collector.collectIfQuiet(), true);
    assert.equal(collections(), 1);
  });

  it("does nothing without a collector (node started without --expose-gc)", () => {
    const collector = new QuietCollector(undefined, 10_000, () => 1e9);
    collector.noteReleased();
    assert.equal(collector.collectIfQuiet(), false);
  });
});
