import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import * as Y from "yjs";
import { UpdateLog } from "../src/persistence/update-log.ts";
import { makeTempDir } from "./support/test-server.ts";

describe("update log (y-leveldb)", () => {
  let directory: string;
  let log: UpdateLog;
  before(async () => {
    directory = await makeTempDir();
    log = await UpdateLog.open(directory);
  });
  after(async () => {
    await log.close();
    await fs.rm(directory, { recursive: true, force: true });
  });

  /** LevelDB hands back Buffers; compare contents, not classes. */
  const plain = (list: Uint8Array[]) => list.map((update) => Array.from(update));
  // Real Yjs updates: y-leveldb decodes the first update of a pad.
  const updates = new Map<number, Uint8Array>();
  const bytes = (value: number): Uint8Array => {
    let update = updates.get(value);
    if (update === undefined) {
      const doc = new Y.Doc();
      doc.getText("code").insert(0, `update ${value}`);
      update = Y.encodeStateAsUpdate(doc);
      updates.set(value, update);
    }
    return update;
  };

  it("appends in order with growing clocks, per pad", async () => {
    assert.equal(log.currentClock("pad-a"), -1);
    assert.equal(await log.append("pad-a", bytes(1)), 0);
    assert.equal(await log.append("pad-a", bytes(2)), 1);
    assert.equal(await log.append("pad-b", bytes(9)), 0);
    assert.deepEqual(plain(await log.read("pad-a")), plain([bytes(1), bytes(2)]));
    assert.equal(log.currentClock("pad-a"), 1);
  });

  it("compacts the prefix a snapshot covers and keeps what came after", async () => {
    await log.append("pad-c", bytes(1));
    const covered = await log.append("pad-c", bytes(2));
    await log.append("pad-c", bytes(3));
    await log.compact("pad-c", covered);
    assert.deepEqual(plain(await log.read("pad-c")), plain([bytes(3)]));
    // Clocks keep growing after a compaction, so later compactions stay correct.
    assert.equal(await log.append("pad-c", bytes(4)), 3);
    await log.compact("pad-c", 2);
    assert.deepEqual(plain(await log.read("pad-c")), plain([bytes(4)]));
    await log.compact("pad-c", 1); // an older snapshot's compaction changes nothing
    assert.deepEqual(plain(await log.read("pad-c")), plain([bytes(4)]));
    // Compacted through its last entry, the log is empty (and known to be without a read)
    // until the next append.
    await log.compact("pad-c", 3);
    assert.deepEqual(plain(await log.read("pad-c")), []);
    assert.equal(await log.append("pad-c", bytes(5)), 4);
    assert.deepEqual(plain(await log.read("pad-c")), plain([bytes(5)]));
  });

  it("clears a pad's whole log and lists pads with logs", async () => {
    await log.append("pad-d", bytes(1));
    assert.ok(log.padsWithEntries().includes("pad-d"));
    await log.clear("pad-d");
    assert.deepEqual(plain(await log.read("pad-d")), plain([]));
    assert.equal(log.padsWithEntries().includes("pad-d"), false);
    assert.deepEqual(plain(await log.read("pad-b")), plain([bytes(9)]), "other pads untouched");
  });

  it("group-commits appends of one turn from many pads, each pad in order", async () => {
    const clocks = await Promise.all([
      log.append("pad-e", bytes(1)),
      log.append("pad-f", bytes(2)),
      log.append("pad-e", bytes(3)),
      log.append("pad-e", bytes(4)),
      log.append("pad-f", bytes(5)),
    ]);
    assert.deepEqual(clocks, [0, 0, 1, 2, 1]);
    assert.deepEqual(plain(await log.read("pad-e")), plain([bytes(1), bytes(3), bytes(4)]));
    assert.deepEqual(plain(await log.read("pad-f")), plain([bytes(2), bytes(5)]));
    const ids = log.padsWithEntries();
    assert.ok(ids.includes("pad-e") && ids.includes("pad-f"));
  });

  it("reopened, knows every pad's clock from disk and reads nothing for pads without a log", async () => {
    await log.close();
    log = await UpdateLog.open(directory);
    const ids = log.padsWithEntries();
    for (const padId of ["pad-a", "pad-b", "pad-c", "pad-e", "pad-f"])
      assert.ok(ids.includes(padId));
    assert.equal(ids.includes("pad-d"), false, "a cleared pad is gone for good");
    assert.equal(log.currentClock("pad-e"), 2);
    assert.equal(log.currentClock("pad-d"), -1);
    assert.deepEqual(plain(await log.read("pad-e")), plain([bytes(1), bytes(3), bytes(4)]));
    assert.equal(await log.append("pad-e", bytes(5)), 3, "clocks go on where they were");
    // The first compaction of a log left by an earlier process clears its whole prefix.
    await log.compact("pad-e", 2);
    assert.deepEqual(plain(await log.read("pad-e")), plain([bytes(5)]));
    assert.equal(await log.append("pad-d", bytes(6)), 0);
    // y-leveldb itself reads what we wrote under its layout.
    const { LeveldbPersistence } = await import("y-leveldb");
    await log.close();
    const plainLevel = new LeveldbPersistence(directory);
    const doc = await plainLevel.getYDoc("pad-e");
    assert.equal(doc.getText("code").toJSON(), "update 5");
    await plainLevel.destroy();
    log = await UpdateLog.open(directory);
  });
});
