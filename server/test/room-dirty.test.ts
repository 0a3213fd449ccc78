import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as Y from "yjs";
import { DocLayout } from "@codepad/shared";
import type { SnapshotWrite } from "../src/db/sessions-repo.ts";
import type { LoadedPad } from "../src/rooms/pad-loader.ts";
import { Room } from "../src/rooms/room.ts";

/**
 * /api/health's unsavedRooms and every saver read Room.isDirty. The room clears its dirty
 * flag when it takes a snapshot's state (so that changes made during the write mark it
 * again), but it is saved only once the database has committed the write: until then it
 * must still count as unsaved, or a health check in that window reports data as safe that a
 * crash would take back to the log.
 */
describe("a room whose snapshot is being written", () => {
  it("counts as unsaved until the database has the snapshot", async () => {
    let commit: (saved: boolean) => void = () => undefined;
    const written: SnapshotWrite[] = [];
    const doc = new Y.Doc();
    doc.getText(DocLayout.code).insert(0, "unsaved");
    // The metadata the room would otherwise write (and log) into the document at once.
    doc.getMap(DocLayout.meta).set("title", "t");
    doc.getMap(DocLayout.meta).set("language", "javascript");
    const loaded: LoadedPad = {
      doc,
      loggedClock: 0,
      dirty: true, // the log holds an edit the database lacks
      wholeState: null,
      meta: { title: "t", language: "javascript" },
    };
    const room = new Room({
      padId: "dirtytest",
      loaded,
      loadPad: () => Promise.reject(new Error("the room never sleeps here")),
      // The database write stays pending until the test commits it.
      storage: {
        appendUpdate: (_padId, _update, done) => queueMicrotask(() => done(null, 0)),
        saveSnapshot: (_padId, snapshot) => {
          written.push(snapshot);
          return new Promise<boolean>((resolve) => (commit = resolve));
        },
        compactLog: () => Promise.resolve(),
        saveMeta: () => Promise.resolve(),
      },
      sessionDurationMs: 60_000,
      maxCodeBytes: 1_000_000,
      log: () => undefined,
    });
    try {
      assert.equal(room.isDirty, true);
      const saving = room.snapshot();
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(written.length, 1, "the snapshot is being written");
      assert.equal(room.isDirty, true, "not saved while the write is pending");
      commit(true);
      await saving;
      assert.equal(room.isDirty, false, "saved once the write committed");
    } finally {
      room.destroy();
    }
  });
});
