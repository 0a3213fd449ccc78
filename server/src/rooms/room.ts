import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import {
  CloseCodes,
  DocLayout,
  isLanguageId,
  TITLE_MAX_LENGTH,
  type CloseCode,
  type PadUser,
} from "@codepad/shared";
import type { SnapshotWrite } from "../db/sessions-repo.ts";
import type { NewActivityRow } from "../db/schema.ts";
import {
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  MalformedMessageError,
} from "../ws/frames.ts";
import type { PadMeta } from "./pad-document.ts";
import { PadSizeGuard } from "./pad-size-guard.ts";
import type { RoomMember } from "./room-member.ts";

/** What a room needs from storage: the update log, the database, and nothing else. */
export interface RoomStorage {
  appendUpdate(padId: string, update: Uint8Array): Promise<number>;
  saveSnapshot(padId: string, snapshot: SnapshotWrite): Promise<boolean>;
  compactLog(padId: string, upToClock: number): Promise<void>;
  saveMeta(padId: string, meta: Partial<PadMeta>): Promise<void>;
}

export interface RoomOptions {
  padId: string;
  doc: Y.Doc;
  /** Clock of the newest logged update already in `doc` (-1: none). */
  loggedClock: number;
  /** True when `doc` holds updates the database snapshot does not. */
  dirty: boolean;
  meta: PadMeta;
  storage: RoomStorage;
  sessionDurationMs: number;
  /** MAX_CODE_SIZE: bytes of UTF-8 the pad's text may hold. */
  maxCodeBytes: number;
  log: (message: string, error?: unknown) => void;
}

interface PendingUpdate {
  update: Uint8Array;
  from: RoomMember | typeof SERVER_ORIGIN;
  /** Server-side changes are applied at once and only their broadcast waits for the log. */
  applied: boolean;
}

/**
 * A member's awareness news that arrived while updates were waiting for the log. It is
 * forwarded after them: a cursor never reaches anyone before the text it points into (an
 * editor sends its edit and its new cursor together), and both leave in one write.
 */
interface PendingAwareness {
  awarenessFrame: Uint8Array;
  from: RoomMember;
}

type PendingItem = PendingUpdate | PendingAwareness;

/**
 * What a client message did: "echo" is an awareness message that told the server nothing
 * new (the stock client echoes others' awareness), which rate limits treat as cheap.
 */
export type MessageEffect = "effective" | "echo";

/** Origin of client updates applied after they were logged. */
const LOGGED_ORIGIN = Symbol("logged");

/** Origin of changes the server makes itself (REST PATCH, reverting invalid metadata). */
const SERVER_ORIGIN = Symbol("server");

/**
 * Largest number of updates merged into one log write. Merging is what makes a burst
 * cheap (one write per batch), but Y.mergeUpdates over tens of thousands of updates blocks
 * the event loop for seconds (seen in Hocuspocus), so batches are bounded.
 */
const MAX_BATCH = 256;

/**
 * One live pad: its Y.Doc, its awareness, and the clients connected to it.
 *
 * Invariant: an update from a client is appended to the update log before it is applied
 * to the document or sent to anyone, so nothing is ever sent on (or answered in a sync
 * step 2) that the log does not hold. Updates that arrive while a log write is under way
 * are merged into the next write, applied together and broadcast as one message.
 */
export class Room {
  readonly padId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  /** Each member with the awareness client ids it controls, to clear them when it leaves. */
  private readonly members = new Map<RoomMember, Set<number>>();
  private readonly storage: RoomStorage;
  private readonly sessionDurationMs: number;
  private readonly log: RoomOptions["log"];
  private readonly sizeGuard: PadSizeGuard;
  private meta: PadMeta;

  /** Set by the awareness listener while a member's awareness message is applied. */
  private awarenessChanged = false;
  private pending: PendingItem[] = [];
  /** The batch being appended to the log right now: accepted, not yet applied. */
  private inFlight: PendingUpdate[] = [];
  private flushing: Promise<void> | null = null;
  private loggedClock: number;
  private dirty: boolean;
  private snapshotting: Promise<void> | null = null;
  private closed = false;
  /** Milliseconds since the epoch of the last edit or join. */
  lastActivity = Date.now();
  private editsByUser = new Map<string, { name: string | null; count: number }>();

  constructor(options: RoomOptions) {
    this.padId = options.padId;
    this.doc = options.doc;
    this.storage = options.storage;
    this.sessionDurationMs = options.sessionDurationMs;
    this.log = options.log;
    this.meta = options.meta;
    this.loggedClock = options.loggedClock;
    this.dirty = options.dirty;
    this.sizeGuard = new PadSizeGuard(this.doc, DocLayout.code, options.maxCodeBytes);
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null); // the server itself is nobody on the pad

    this.doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
    this.doc.getMap<string>(DocLayout.meta).observe(this.onMetaChange);
    // The database is the truth for metadata: it may have changed (REST) while unloaded.
    this.setMeta(this.meta);
  }

  get memberCount(): number {
    return this.members.size;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** Title and language as the pad's clients see them now. */
  currentMeta(): PadMeta {
    return this.meta;
  }

  text(): string {
    return this.doc.getText(DocLayout.code).toJSON();
  }

  /** Joins a client: it gets our state vector (so it sends what we lack) and who is here. */
  join(member: RoomMember): void {
    this.members.set(member, new Set());
    this.lastActivity = Date.now();
    member.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      member.send(
        encodeAwareness(
          awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()]),
        ),
      );
    }
  }

  /** Removes a client and, at once, its awareness states (so its cursor disappears). */
  leave(member: RoomMember): void {
    const clientIds = this.members.get(member);
    if (clientIds === undefined) return;
    this.members.delete(member);
    if (clientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...clientIds], member);
    }
  }

  /**
   * Handles one frame of a member. Throws MalformedMessageError for a frame outside the
   * protocol or an update Yjs cannot decode, PadTooLargeError for an update that would push
   * the text over MAX_CODE_SIZE; nothing of such a frame is logged or applied.
   */
  receive(member: RoomMember, frame: Uint8Array): MessageEffect {
    const message = decodeClientMessage(frame);
    switch (message.kind) {
      case "syncStep1":
        member.send(
          encodeSyncStep2(
            malformedIfThrows(() => Y.encodeStateAsUpdate(this.doc, message.stateVector)),
          ),
        );
        return "effective";
      case "update":
        if (this.sizeGuard.check(message.update, () => this.unappliedUpdates()).empty) {
          return "effective"; // nothing to log, apply or send on
        }
        this.countEdit(member);
        this.enqueue({ update: message.update, from: member, applied: false });
        return "effective";
      case "awareness": {
        this.awarenessChanged = false;
        // Bad JSON or truncated entries throw here, before anything is forwarded.
        malformedIfThrows(() =>
          awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, member),
        );
        // The stock client sends back every awareness change it receives, others' included.
        // Such echoes carry nothing new: forwarding them would multiply traffic by the
        // number of clients, so only news is forwarded, as the client's own bytes.
        if (!this.awarenessChanged) return "echo";
        if (this.flushing === null) this.broadcast(frame, member);
        else this.pending.push({ awarenessFrame: frame, from: member });
        return "effective";
      }
      case "queryAwareness":
        member.send(
          encodeAwareness(
            awarenessProtocol.encodeAwarenessUpdate(this.awareness, [
              ...this.awareness.getStates().keys(),
            ]),
          ),
        );
        return "effective";
      case "auth":
        return "effective"; // no auth messages are defined by the server; ignoring them is the protocol's rule
    }
  }

  /** Applies a title/language change made by the server (REST PATCH). */
  setMeta(meta: Partial<PadMeta>): void {
    this.meta = { ...this.meta, ...meta };
    const map = this.doc.getMap<string>(DocLayout.meta);
    this.doc.transact(() => {
      for (const [key, value] of Object.entries(meta)) {
        if (map.get(key) !== value) map.set(key, value);
      }
    }, SERVER_ORIGIN);
  }

  /** Waits until every accepted update is logged and applied. */
  async drain(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
  }

  /**
   * Writes the document and its text to the database, then drops the log prefix that the
   * snapshot covers. Concurrent calls share one run.
   */
  snapshot(): Promise<void> {
    this.snapshotting ??= this.writeSnapshot().finally(() => {
      this.snapshotting = null;
    });
    return this.snapshotting;
  }

  /** Closes every member with `closeCode` and stops accepting updates. */
  close(closeCode: CloseCode): void {
    this.closed = true;
    for (const member of [...this.members.keys()]) {
      this.leave(member);
      member.close(closeCode);
    }
  }

  destroy(): void {
    this.closed = true;
    this.awareness.destroy();
    this.doc.destroy();
  }

  private enqueue(pending: PendingUpdate): void {
    if (this.closed) return;
    this.pending.push(pending);
    if (this.flushing === null) this.startFlush();
  }

  private startFlush(): void {
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      // Something enqueued after the loop's last look (e.g. from a microtask) still goes out.
      if (this.pending.length > 0) this.startFlush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const { batch, awareness } = this.takeBatch();
      if (batch.length === 0) {
        this.forwardAwareness(awareness);
        continue;
      }
      this.inFlight = batch;
      let merged: Uint8Array;
      try {
        merged = mergeBatch(batch);
      } catch (error) {
        // Each update decoded alone but they do not merge: take them one at a time, so
        // that only the sender of the bad one is refused.
        this.log(`pad ${this.padId}: updates did not merge; applying them one by one`, error);
        this.pending.unshift(...batch.slice(1), ...awareness);
        awareness.length = 0;
        merged = (batch[0] as PendingUpdate).update;
        batch.length = 1;
      }
      let clock: number;
      try {
        clock = await this.storage.appendUpdate(this.padId, merged);
      } catch (error) {
        // Not logged means not accepted: the senders reconnect and resend from their state.
        this.log(`pad ${this.padId}: update log append failed`, error);
        for (const item of batch) {
          if (item.from !== SERVER_ORIGIN) item.from.close(CloseCodes.internalError);
        }
        this.inFlight = [];
        this.forwardAwareness(awareness);
        continue;
      }
      this.inFlight = [];
      this.loggedClock = clock;
      this.dirty = true;
      this.lastActivity = Date.now();
      try {
        // One apply and one encoding for the whole batch; Yjs skips what it already has
        // (the server's own changes, duplicates).
        Y.applyUpdate(this.doc, merged, LOGGED_ORIGIN);
      } catch (error) {
        // Decodable but not applicable: refuse the senders; the log entry is skipped on load.
        this.log(`pad ${this.padId}: update rejected`, error);
        for (const item of batch) {
          if (item.from !== SERVER_ORIGIN) item.from.close(CloseCodes.malformed);
        }
        this.forwardAwareness(awareness);
        continue;
      }
      // The same bytes go to every member; a lone sender does not get its own update back.
      const senders = new Set(batch.map((item) => item.from));
      const [only] = senders;
      this.broadcast(
        encodeUpdate(merged),
        senders.size === 1 && only !== SERVER_ORIGIN ? (only ?? null) : null,
      );
      this.forwardAwareness(awareness);
    }
  }

  /**
   * The next batch: up to MAX_BATCH updates, and the awareness news that arrived among them
   * (forwarded once those updates are). News that arrived after the last update taken waits
   * for the updates that follow it, if any.
   */
  private takeBatch(): { batch: PendingUpdate[]; awareness: PendingAwareness[] } {
    const batch: PendingUpdate[] = [];
    const awareness: PendingAwareness[] = [];
    let taken = 0;
    for (const item of this.pending) {
      if ("awarenessFrame" in item) {
        awareness.push(item);
      } else {
        if (batch.length === MAX_BATCH) break;
        batch.push(item);
      }
      taken++;
    }
    this.pending.splice(0, taken);
    return { batch, awareness };
  }

  private forwardAwareness(awareness: PendingAwareness[]): void {
    for (const { awarenessFrame, from } of awareness) this.broadcast(awarenessFrame, from);
  }

  /** Client updates accepted but not yet in the document, oldest first. */
  private unappliedUpdates(): Uint8Array[] {
    const unapplied: Uint8Array[] = [];
    for (const item of [...this.inFlight, ...this.pending]) {
      if (!("awarenessFrame" in item) && !item.applied) unapplied.push(item.update);
    }
    return unapplied;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    // Updates of clients come from the log (LOGGED_ORIGIN) and are broadcast by `flush`.
    // The server's own changes are applied at once; they are broadcast once logged.
    if (origin === SERVER_ORIGIN) this.enqueue({ update, from: SERVER_ORIGIN, applied: true });
  };

  private readonly onAwarenessUpdate = (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (!this.isMember(origin)) {
      // A member left or timed out: tell the others its cursor is gone.
      if (change.removed.length > 0) {
        this.broadcast(
          encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, change.removed)),
          null,
        );
      }
      return;
    }
    this.awarenessChanged = true;
    const clientIds = this.members.get(origin);
    if (clientIds === undefined) return;
    for (const id of change.added) clientIds.add(id);
    for (const id of change.removed) clientIds.delete(id);
    for (const id of [...change.added, ...change.updated]) {
      const user = readUser(this.awareness.getStates().get(id));
      if (user !== undefined) origin.user = user;
    }
  };

  private readonly onMetaChange = (
    event: Y.YMapEvent<string>,
    transaction: Y.Transaction,
  ): void => {
    if (transaction.origin === SERVER_ORIGIN) return;
    const map = event.target;
    const accepted: Partial<PadMeta> = {};
    const revert: Partial<PadMeta> = {};
    for (const key of event.keysChanged as Set<string>) {
      const value = map.get(key);
      if (key === "title") {
        if (typeof value === "string" && value.length <= TITLE_MAX_LENGTH) accepted.title = value;
        else revert.title = this.meta.title;
      } else if (key === "language") {
        if (typeof value === "string" && isLanguageId(value)) accepted.language = value;
        else revert.language = this.meta.language;
      }
    }
    if (Object.keys(revert).length > 0) {
      // A client wrote a value the database would refuse: put the valid one back, for everyone.
      queueMicrotask(() => {
        if (!this.closed) this.setMeta(revert);
      });
    }
    if (Object.keys(accepted).length === 0) return;
    this.meta = { ...this.meta, ...accepted };
    this.storage.saveMeta(this.padId, accepted).catch((error: unknown) => {
      this.log(`pad ${this.padId}: saving metadata failed`, error);
    });
  };

  private broadcast(frame: Uint8Array, except: RoomMember | null): void {
    for (const member of this.members.keys()) {
      if (member !== except) member.send(frame);
    }
  }

  private isMember(origin: unknown): origin is RoomMember {
    return this.members.has(origin as RoomMember);
  }

  private countEdit(member: RoomMember): void {
    const key = member.user?.id ?? "anonymous";
    const entry = this.editsByUser.get(key);
    if (entry === undefined)
      this.editsByUser.set(key, { name: member.user?.name ?? null, count: 1 });
    else entry.count += 1;
  }

  private async writeSnapshot(): Promise<void> {
    if (!this.dirty) return;
    // Everything below is read in one synchronous step, so the state, the text and the log
    // clock describe the same moment.
    const clock = this.loggedClock;
    const docState = Y.encodeStateAsUpdate(this.doc);
    const code = this.text();
    const edits = this.editsByUser;
    this.editsByUser = new Map();
    this.dirty = false;
    const now = new Date();
    const activity: NewActivityRow[] = [...edits].map(([userId, entry]) => ({
      sessionId: this.padId,
      type: "edit",
      userId: userId === "anonymous" ? null : userId.slice(0, 64),
      userName: entry.name?.slice(0, 64) ?? null,
      count: entry.count,
      createdAt: now,
    }));
    const lastActive = new Date(this.lastActivity);
    try {
      const saved = await this.storage.saveSnapshot(this.padId, {
        docState,
        code,
        lastActive,
        expiresAt: new Date(this.lastActivity + this.sessionDurationMs),
        activeUsers: this.members.size,
        edits: activity.reduce((sum, row) => sum + (row.count ?? 0), 0),
        activity,
      });
      // A pad that was deleted meanwhile keeps no log either; the deleter clears it.
      if (saved && clock >= 0) await this.storage.compactLog(this.padId, clock);
    } catch (error) {
      this.dirty = true;
      for (const [userId, entry] of edits) {
        const current = this.editsByUser.get(userId);
        if (current === undefined) this.editsByUser.set(userId, entry);
        else current.count += entry.count;
      }
      throw error;
    }
  }
}

/** Runs a decoding step of client input; whatever it throws means the input is malformed. */
function mergeBatch(batch: PendingUpdate[]): Uint8Array {
  if (batch.length === 1) return (batch[0] as PendingUpdate).update;
  return Y.mergeUpdates(batch.map((item) => item.update));
}

function malformedIfThrows<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new MalformedMessageError(error instanceof Error ? error.message : String(error));
  }
}

function readUser(state: Record<string, unknown> | undefined): PadUser | undefined {
  const user = state?.["user"];
  if (typeof user !== "object" || user === null) return undefined;
  const { id, name, color } = user as Record<string, unknown>;
  if (typeof id !== "string" || typeof name !== "string") return undefined;
  return { id, name, color: typeof color === "string" ? color : "" };
}
