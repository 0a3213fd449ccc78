import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as Y from "yjs";
import { CloseCodes, DocLayout, type CloseCode, type PadUser } from "@codepad/shared";
import type { AppendDone } from "../src/persistence/update-log.ts";
import { decodeClientMessage, encodeUpdate } from "../src/ws/frames.ts";
import type { RoomMember } from "../src/rooms/room-member.ts";
import { Room } from "../src/rooms/room.ts";

/** A member that records what the room sends it and how it was closed. */
class RecordingMember implements RoomMember {
  readonly sent: Uint8Array[] = [];
  closedWith: CloseCode | null = null;
  lastSentAt = Date.now();
  user: PadUser | undefined;
  send(frame: Uint8Array): void {
    this.sent.push(frame);
  }
  close(closeCode: CloseCode): void {
    this.closedWith = closeCode;
  }
  refuse(): void {
    this.closedWith = CloseCodes.internalError;
  }
  /** The updates the room sent on (not the sync step 1 it greets with). */
  updates(): Uint8Array[] {
    return this.sent
      .map((frame) => decodeClientMessage(frame))
      .flatMap((message) => (message.kind === "update" ? [message.update] : []));
  }
}

/** The update log as a room sees it, failing the appends the test tells it to. */
class ScriptedLog {
  readonly logged: Uint8Array[] = [];
  failNext = 0;
  append = (_padId: string, update: Uint8Array, done: AppendDone): void => {
    queueMicrotask(() => {
      if (this.failNext > 0) {
        this.failNext--;
        done(new Error("disk full"), -1);
        return;
      }
      this.logged.push(update);
      done(null, this.logged.length - 1);
    });
  };
}

function roomOn(log: ScriptedLog): Room {
  const doc = new Y.Doc();
  doc.getMap(DocLayout.meta).set("title", "t");
  doc.getMap(DocLayout.meta).set("language", "javascript");
  return new Room({
    padId: "flushtest",
    loaded: {
      doc,
      loggedClock: -1,
      dirty: false,
      wholeState: null,
      meta: { title: "t", language: "javascript" },
    },
    loadPad: () => Promise.reject(new Error("the room never sleeps here")),
    storage: {
      appendUpdate: log.append,
      saveSnapshot: () => Promise.resolve(true),
      compactLog: () => Promise.resolve(),
      saveMeta: () => Promise.resolve(),
    },
    sessionDurationMs: 60_000,
    maxCodeBytes: 1_000_000,
    log: () => undefined,
  });
}

function typed(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText(DocLayout.code).insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe("a room's flush of client updates", () => {
  it("logs, applies and sends on an update, then lets drain() return", async () => {
    const log = new ScriptedLog();
    const room = roomOn(log);
    const [writer, reader] = [new RecordingMember(), new RecordingMember()];
    room.join(writer);
    room.join(reader);
    try {
      room.receive(writer, encodeUpdate(typed("hello")));
      assert.equal(reader.updates().length, 0, "nothing is sent before it is logged");
      await room.drain();
      assert.equal(log.logged.length, 1);
      assert.equal(room.text(), "hello");
      assert.equal(reader.updates().length, 1);
      assert.equal(writer.updates().length, 0, "the sender does not get its own update back");
    } finally {
      room.destroy();
    }
  });

  it("refuses the senders of a batch the log could not take, and goes on with the next", async () => {
    const log = new ScriptedLog();
    const room = roomOn(log);
    const [failed, later, reader] = [
      new RecordingMember(),
      new RecordingMember(),
      new RecordingMember(),
    ];
    for (const member of [failed, later, reader]) room.join(member);
    try {
      log.failNext = 1;
      room.receive(failed, encodeUpdate(typed("lost")));
      await new Promise((resolve) => setImmediate(resolve));
      room.receive(later, encodeUpdate(typed("kept")));
      await room.drain();
      assert.equal(failed.closedWith, CloseCodes.internalError, "not logged means not accepted");
      assert.equal(later.closedWith, null);
      assert.equal(room.text(), "kept", "the refused update was neither applied nor sent on");
      assert.equal(reader.updates().length, 1);
      assert.equal(log.logged.length, 1);
    } finally {
      room.destroy();
    }
  });

  it("sends what arrives while a batch is being logged in the next batch, merged", async () => {
    const log = new ScriptedLog();
    const room = roomOn(log);
    const [first, second, third, reader] = [1, 2, 3, 4].map(() => new RecordingMember()) as [
      RecordingMember,
      RecordingMember,
      RecordingMember,
      RecordingMember,
    ];
    for (const member of [first, second, third, reader]) room.join(member);
    try {
      room.receive(first, encodeUpdate(typed("a")));
      room.receive(second, encodeUpdate(typed("b")));
      room.receive(third, encodeUpdate(typed("c")));
      await room.drain();
      assert.equal(log.logged.length, 2, "the first alone, then the two that waited for it");
      assert.equal(reader.updates().length, 2);
      assert.equal(room.text()?.length, 3);
    } finally {
      room.destroy();
    }
  });
});
