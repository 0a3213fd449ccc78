import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CaretActivity, LABEL_VISIBLE_MS } from "../src/editor/caret-activity.ts";

describe("name labels of remote carets", () => {
  const selection = (head: number) => ({ selection: { anchor: head, head } });
  const changed = (updated: number[]) => ({ added: [], updated, removed: [] });

  it("show for a while after a caret moves, then hide", () => {
    const activity = new CaretActivity(1);
    activity.noteChange({ added: [7], updated: [], removed: [] }, new Map([[7, selection(3)]]), 0);
    assert.deepEqual([...activity.active(10).clients], [7]);
    assert.equal(activity.active(10).nextChangeAt, LABEL_VISIBLE_MS);
    assert.deepEqual([...activity.active(LABEL_VISIBLE_MS).clients], []);
    assert.equal(activity.active(LABEL_VISIBLE_MS).nextChangeAt, null);
  });

  it("do not come back for changes one cannot see (typing flag, renewals)", () => {
    const activity = new CaretActivity(1);
    activity.noteChange(changed([7]), new Map([[7, selection(3)]]), 0);
    activity.noteChange(changed([7]), new Map([[7, { ...selection(3), typing: false }]]), 2000);
    assert.deepEqual([...activity.active(LABEL_VISIBLE_MS + 100).clients], []);
    activity.noteChange(changed([7]), new Map([[7, selection(4)]]), 3000);
    assert.deepEqual([...activity.active(3100).clients], [7]);
  });

  it("never label our own caret, and forget clients that left", () => {
    const activity = new CaretActivity(1);
    activity.noteChange(
      changed([1, 7]),
      new Map([
        [1, selection(0)],
        [7, selection(0)],
      ]),
      0,
    );
    assert.deepEqual([...activity.active(1).clients], [7]);
    activity.noteChange({ added: [], updated: [], removed: [7] }, new Map(), 5);
    assert.deepEqual([...activity.active(6).clients], []);
  });
});
