import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import { loadMallocTrim, runsOnGlibc } from "../src/memory/malloc-trim.ts";

const MiB = 2 ** 20;

describe("giving malloc's free pages back (glibc malloc_trim)", () => {
  it("returns to the system the pages of buffers freed between ones that live on", async () => {
    const mallocTrim = await loadMallocTrim();
    if (!runsOnGlibc()) {
      // macOS, musl: there is no malloc_trim, and the server runs without it.
      assert.equal(mallocTrim, undefined);
      return;
    }
    assert.ok(mallocTrim, "this process runs on glibc: malloc_trim must be found");
    // 10 KB buffers (malloc'd, under glibc's mmap threshold) with a small one that stays
    // alive after every eight: when the big ones go, their pages sit between live chunks,
    // where `free` cannot return them.
    let transient: Buffer[] = [];
    const pinned: Buffer[] = [];
    for (let i = 0; i < 8_000; i++) {
      transient.push(Buffer.allocUnsafeSlow(10_000).fill(1));
      if (i % 8 === 7) pinned.push(Buffer.allocUnsafeSlow(64).fill(2));
    }
    transient = [];
    v8.setFlagsFromString("--expose-gc");
    const collect = vm.runInNewContext("gc") as () => void;
    collect();
    collect();
    await sleep(200); // backing stores may be freed by a background task after the collection
    const before = process.memoryUsage().rss;
    mallocTrim();
    const after = process.memoryUsage().rss;
    assert.ok(
      before - after > 40 * MiB,
      `80 MB of buffers were freed; RSS went from ${(before / MiB).toFixed(1)} to ${(after / MiB).toFixed(1)} MiB`,
    );
    assert.equal(pinned.length, 1_000);
  });
});
