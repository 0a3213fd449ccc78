import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keyEncoding } from "y-leveldb";
import { UpdateLogKeys } from "../src/persistence/update-log-keys.ts";

describe("update log keys", () => {
  it("are exactly the bytes y-leveldb's own key encoder makes", () => {
    const keys = new UpdateLogKeys();
    const padIds = ["a", "pad-1234567890abcdef", "päd ✓ 🦀", "x".repeat(200)];
    const clocks = [0, 1, 255, 256, 65_535, 65_536, 16_777_216, 2 ** 32 - 1];
    for (const padId of padIds) {
      for (const clock of clocks) {
        const expected = keyEncoding.encode(["v1", padId, "update", clock]);
        assert.deepEqual(keys.update(padId, clock), expected, `${padId} @ ${clock}`);
      }
      assert.deepEqual(keys.stateVector(padId), keyEncoding.encode(["v1_sv", padId]));
    }
  });

  it("build a fresh key every time, so a batch may hold many keys of one pad", () => {
    const keys = new UpdateLogKeys();
    const first = keys.update("pad", 1);
    const second = keys.update("pad", 2);
    assert.deepEqual(keyEncoding.decode(first), ["v1", "pad", "update", 1]);
    assert.deepEqual(keyEncoding.decode(second), ["v1", "pad", "update", 2]);
    keys.forget("pad");
    assert.deepEqual(keyEncoding.decode(keys.update("pad", 3)), ["v1", "pad", "update", 3]);
  });
});
