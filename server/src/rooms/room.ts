import * as Y from "yjs";
import {
  CloseCodes,
  DocLayout,
  isLanguageId,
  isValidTitle,
  type CloseCode,
  type PadUser,
} from "@codepad/shared";
import type { SnapshotWrite } from "../db/sessions-repo.ts";
import type { AppendDone } from "../persistence/update-log.ts";
import type { NewActivityRow } from "../db/schema.ts";
import {
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  KEEP_ALIVE_FRAME,
  MalformedMessageError,
} from "../ws/frames.ts";
import { applyUpdateWithoutPromotion } from "./apply-update-without-promotion.ts";
import { FullStateAnswer } from "./full-state-answer.ts";
import { mergeUpdatesInGroups } from "./merge-updates.ts";
import { PadAwareness, type AwarenessChange } from "./pad-awareness.ts";
import { updateMadeBy } from "./update-made-by.ts";
import type { PadFanout } from "./pad-fanout.ts";
import type { PadMeta } from "./pad-document.ts";
import type { LoadedPad, PadLoader } from "./pad-loader.ts";
import { PadSizeGuard } from "./pad-size-guard.ts";
import type { RoomMember } from "./room-member.ts";

/** What a room needs from storage: the update log, the database, and nothing else. */
export interface RoomStorage {
  /**
   * Appends an update to the pad's log and calls `done` once it is written, with its clock,
   * or with the error that kept it out. `done` is always called later, never from inside.
   */
  appendUpdate(padId: string, update: Uint8Array, done: AppendDone): void;
  saveSnapshot(padId: string, snapshot: SnapshotWrite): Promise<boolean>;
  compactLog(padId: string, upToClock: number): Promise<void>;
  saveMeta(padId: string, meta: Partial<PadMeta>): Promise<void>;
}

export interface RoomOptions {
  padId: string;
  /** The pad as storage held it when the room was opened. */
  loaded: LoadedPad;
  /** Reads the pad again when a room that let go of its document needs it back. */
  loadPad: PadLoader;
  storage: RoomStorage;
  sessionDurationMs: number;
  /** MAX_CODE_SIZE: bytes of UTF-8 the pad's text may hold. */
  maxCodeBytes: number;
  /** The other instances holding this pad live (REDIS_URL); absent on a single instance. */
  fanout?: PadFanout;
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

/** Silence after which a client's awareness renewal is answered with KEEP_ALIVE_FRAME. */
const KEEP_ALIVE_AFTER_MS = 10_000;

/**
 * A client state not renewed for this long is removed, and how often that is checked: the
 * stock client renews its own every 15 s and drops others' after 30 s (y-protocols).
 */
const AWARENESS_TIMEOUT_MS = 30_000;
const AWARENESS_CHECK_MS = 3_000;

/**
 * Awareness client ids one connection may announce as its own. The stock client announces
 * one (its document's); each id costs the room an entry for as long as it lives, so a
 * client announcing thousands in one message is refused (4400) before any is kept.
 */
const MAX_AWARENESS_IDS_PER_CLIENT = 8;

/** Origin of client updates applied after they were logged. */
const LOGGED_ORIGIN = Symbol("logged");

/** Origin of changes the server makes itself (REST PATCH, reverting invalid metadata). */
const SERVER_ORIGIN = Symbol("server");

/**
 * Origin of updates and awareness from another instance (scale-out): already logged there,
 * so they are applied and sent to this room's members, never logged or published again.
 */
const REMOTE_ORIGIN = Symbol("remote");

/**
 * Largest number of updates merged into one log write. Merging is what makes a burst
 * cheap (one write per batch), but merging tens of thousands of updates blocks the event
 * loop for seconds (seen in Hocuspocus), so batches are bounded (see merge-updates.ts).
 */
const MAX_BATCH = 1024;

/**
 * A frame that needs the document, waiting for the room to read it back from storage. Its
 * member is null for what another instance sent (scale-out), which `fail` is told of.
 */
interface WaitingFrame {
  member: RoomMember | null;
  handle: (doc: Y.Doc) => void;
  fail?: (error: unknown) => void;
}

/**
 * One live pad: its Y.Doc, its awareness, and the clients connected to it.
 *
 * Invariant: an update from a client is appended to the update log before it is applied
 * to the document or sent to anyone, so nothing is ever sent on (or answered in a sync
 * step 2) that the log does not hold. Updates that arrive while a log write is under way
 * are merged into the next write, applied together and broadcast as one message.
 *
 * A room whose pad nobody has changed for a while lets go of its document (`hibernate`)
 * once the database snapshot holds all of it, and keeps only its clients and their
 * awareness: an open but idle tab then costs a socket, not a copy of the pad. The first
 * frame that needs the document reads it back from storage (a few milliseconds); frames
 * wait in order meanwhile. Awareness never needs the document, so cursors and presence
 * keep flowing while it sleeps.
 */
export class Room {
  readonly padId: string;
  /** The pad's document; null while the room sleeps. */
  private doc: Y.Doc | null = null;
  private readonly awareness = new PadAwareness();
  private readonly awarenessCheck: NodeJS.Timeout;
  /** Each member with the awareness client ids it controls, to clear them when it leaves. */
  private readonly members = new Map<RoomMember, Set<number>>();
  /** Awareness client ids of the clients of other instances (scale-out). */
  private readonly remoteClients = new Set<number>();
  private readonly fanout: PadFanout | undefined;
  private readonly storage: RoomStorage;
  private readonly sessionDurationMs: number;
  private readonly log: RoomOptions["log"];
  private sizeGuard: PadSizeGuard | null = null;
  /** Answers sync step 1 from the document (present with it). */
  private syncAnswer: FullStateAnswer | null = null;
  private meta: PadMeta;
  private readonly loadPad: PadLoader;
  private readonly maxCodeBytes: number;
  /** The document's state vector while it sleeps: a joining client is told it. */
  private sleepingStateVector: Uint8Array | null = null;
  /** Frames that need the document, in order, while it is read back. */
  private waiting: WaitingFrame[] = [];
  private waking: Promise<void> | null = null;

  private pending: PendingItem[] = [];
  /** The batch being appended to the log right now: accepted, not yet applied. */
  private inFlight: PendingUpdate[] = [];
  /** The awareness news that waits for `inFlight`, and the update it was merged into. */
  private inFlightAwareness: PendingAwareness[] = [];
  private inFlightUpdate: Uint8Array | null = null;
  /** A batch is being logged; what arrives meanwhile waits in `pending`. */
  private flushing = false;
  /** `drain` calls waiting for the flush to end. */
  private drainWaiters: (() => void)[] = [];
  private loggedClock: number;
  private dirty: boolean;
  private snapshotting: Promise<void> | null = null;
  private closed = false;
  /** Milliseconds since the epoch of the last edit or join. */
  lastActivity = Date.now();
  private editsByUser = new Map<string, { name: string | null; count: number }>();

  constructor(options: RoomOptions) {
    this.padId = options.padId;
    this.storage = options.storage;
    this.sessionDurationMs = options.sessionDurationMs;
    this.log = options.log;
    this.loadPad = options.loadPad;
    this.maxCodeBytes = options.maxCodeBytes;
    this.fanout = options.fanout;
    this.meta = options.loaded.meta;
    this.loggedClock = options.loaded.loggedClock;
    this.dirty = options.loaded.dirty;
    // Awareness outlives the pad's document when the room sleeps.
    this.awarenessCheck = setInterval(() => this.removeOutdatedAwareness(), AWARENESS_CHECK_MS);
    this.awarenessCheck.unref();
    this.attachDocument(options.loaded);
  }

  /** True while the room has let go of its document. */
  get isSleeping(): boolean {
    return this.doc === null;
  }

  /** Clients connected to this instance. */
  get memberCount(): number {
    return this.members.size;
  }

  /** People on the pad: this instance's clients and those other instances announced. */
  get userCount(): number {
    return this.members.size + this.remoteClients.size;
  }

  /**
   * The database lacks some of this room's changes: they are not snapshotted, or their
   * snapshot is still being written (`dirty` is cleared when the snapshot's state is taken,
   * so that changes made during the write mark the room again; until the write commits,
   * the room is not saved, and /api/health must not count it as saved).
   */
  get isDirty(): boolean {
    return this.dirty || this.snapshotting !== null;
  }

  /** Title and language as the pad's clients see them now. */
  currentMeta(): PadMeta {
    return this.meta;
  }

  /**
   * The pad's live text, or undefined while the room sleeps: then the database snapshot
   * holds all of it.
   */
  text(): string | undefined {
    return this.doc?.getText(DocLayout.code).toJSON();
  }

  /** Joins a client: it gets our state vector (so it sends what we lack) and who is here. */
  join(member: RoomMember): void {
    this.members.set(member, new Set());
    this.lastActivity = Date.now();
    const stateVector =
      this.doc === null ? this.sleepingStateVector : Y.encodeStateVector(this.doc);
    if (stateVector !== null) member.send(encodeSyncStep1(stateVector));
    const present = this.awareness.clientIds();
    if (present.length > 0) member.send(encodeAwareness(this.awareness.encode(present)));
  }

  /** Removes a client and, at once, its awareness states (so its cursor disappears). */
  leave(member: RoomMember): void {
    const clientIds = this.members.get(member);
    if (clientIds === undefined) return;
    this.members.delete(member);
    if (clientIds.size > 0) this.announceRemoved(this.awareness.remove(clientIds));
  }

  /**
   * Handles one frame of a member. Throws MalformedMessageError for a frame outside the
   * protocol or an update Yjs cannot decode, PadTooLargeError for an update that would push
   * the text over MAX_CODE_SIZE; nothing of such a frame is logged or applied.
   */
  receive(member: RoomMember, frame: Uint8Array): MessageEffect {
    const message = decodeClientMessage(frame);
    switch (message.kind) {
      case "syncStep1": {
        const doc = this.readyDocument();
        if (doc !== null) this.answerSyncStep1(member, doc, message.stateVector);
        else
          this.afterWaking(member, (woken) =>
            this.answerSyncStep1(member, woken, message.stateVector),
          );
        return "effective";
      }
      case "update":
        if (this.readyDocument() !== null) this.accept(member, message.update);
        else this.afterWaking(member, () => this.accept(member, message.update));
        return "effective";
      case "awareness": {
        // Bad JSON, truncated entries or too many ids throw here, before anything is applied
        // or forwarded.
        const owned = this.members.get(member)?.size ?? 0;
        const change = malformedIfThrows(() =>
          this.awareness.apply(message.update, Date.now(), {
            maxAdded: MAX_AWARENESS_IDS_PER_CLIENT - owned,
            onState: (_clientId, state) => {
              member.user = readUser(state, member.user);
            },
          }),
        );
        this.trackOwnership(member, change);
        // Clients renew their awareness every 15 s; one that has heard nothing from us for a
        // while (alone on the pad) gets a keep-alive, or its client would reconnect at 30 s.
        if (Date.now() - member.lastSentAt >= KEEP_ALIVE_AFTER_MS) member.send(KEEP_ALIVE_FRAME);
        // The stock client sends back every awareness change it receives, others' included.
        // Such echoes carry nothing new: forwarding them would multiply traffic by the
        // number of clients, so only news is forwarded, as the client's own bytes.
        if (!changedAnything(change)) return "echo";
        if (!this.flushing) this.sendAwarenessOn(frame, member);
        else this.pending.push({ awarenessFrame: frame, from: member });
        return "effective";
      }
      case "queryAwareness":
        member.send(encodeAwareness(this.awareness.encode(this.awareness.clientIds())));
        return "effective";
      case "auth":
        return "effective"; // no auth messages are defined by the server; ignoring them is the protocol's rule
    }
  }

  /**
   * An update another instance logged and applied (scale-out): applied here and sent to
   * this room's members. A sleeping room reads its document back first.
   */
  applyRemoteUpdate(update: Uint8Array): void {
    if (this.closed) return;
    const doc = this.readyDocument();
    if (doc !== null) this.integrateRemoteUpdate(doc, update);
    else this.afterWaking(null, (woken) => this.integrateRemoteUpdate(woken, update));
  }

  /** An awareness frame of another instance's clients: applied and sent to the members. */
  applyRemoteAwareness(frame: Uint8Array): void {
    if (this.closed) return;
    const message = decodeClientMessage(frame);
    if (message.kind !== "awareness") throw new MalformedMessageError("not an awareness frame");
    const change = this.awareness.apply(message.update, Date.now());
    // Sent on as the other instance's frame.
    for (const id of change.added) this.remoteClients.add(id);
    for (const id of change.updated) this.remoteClients.add(id);
    for (const id of change.removed) this.remoteClients.delete(id);
    this.broadcast(frame, null);
  }

  /** The document's state vector: what another instance is asked to complete. */
  stateVector(): Uint8Array {
    return this.doc === null
      ? (this.sleepingStateVector ?? new Uint8Array([0]))
      : Y.encodeStateVector(this.doc);
  }

  /**
   * For another instance that opened the pad: what its `stateVector` lacks, and the
   * awareness of this instance's own clients.
   */
  stateForPeer(
    stateVector: Uint8Array,
  ): Promise<{ update: Uint8Array; awareness: Uint8Array | null }> {
    return new Promise((resolve, reject) => {
      const answer = (doc: Y.Doc) => {
        const clientIds = [...this.members.values()].flatMap((ids) => [...ids]);
        resolve({
          update: Y.encodeStateAsUpdate(doc, stateVector),
          awareness: clientIds.length === 0 ? null : this.awareness.encode(clientIds),
        });
      };
      const doc = this.readyDocument();
      if (doc !== null) answer(doc);
      else this.afterWaking(null, answer, reject);
    });
  }

  /**
   * Applies a title/language change made by the server (REST PATCH). A sleeping room takes
   * it when it wakes (and wakes for it, so that its clients see it now).
   */
  setMeta(meta: Partial<PadMeta>): void {
    this.meta = { ...this.meta, ...meta };
    if (this.doc === null) this.wake();
    else this.writeMeta(this.doc, meta);
  }

  /** Waits until every accepted update is logged and applied. */
  async drain(): Promise<void> {
    while (this.flushing || this.waking !== null) {
      await (this.waking ?? new Promise<void>((resolve) => this.drainWaiters.push(resolve)));
    }
  }

  /**
   * Lets go of the document if the database snapshot holds all of it and nothing is under
   * way; returns whether it did. The document comes back from storage when needed.
   */
  hibernate(): boolean {
    const doc = this.doc;
    if (doc === null || this.closed || this.dirty) return false;
    if (this.flushing || this.snapshotting !== null || this.waking !== null) return false;
    this.sleepingStateVector = Y.encodeStateVector(doc);
    this.detachDocument(doc);
    doc.destroy();
    return true;
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
    clearInterval(this.awarenessCheck);
    this.doc?.destroy();
  }

  private attachDocument({ doc, wholeState }: LoadedPad): void {
    this.doc = doc;
    this.sleepingStateVector = null;
    this.sizeGuard = new PadSizeGuard(doc, DocLayout.code, this.maxCodeBytes);
    const syncAnswer = new FullStateAnswer(doc);
    this.syncAnswer = syncAnswer;
    doc.getMap<string>(DocLayout.meta).observe(this.onMetaChange);
    // The database is the truth for metadata: it may have changed (REST) since it was read.
    const metaChanged = this.writeMeta(doc, this.meta);
    if (wholeState !== null && !metaChanged) syncAnswer.seed(wholeState);
  }

  private detachDocument(doc: Y.Doc): void {
    doc.getMap<string>(DocLayout.meta).unobserve(this.onMetaChange);
    this.doc = null;
    this.sizeGuard = null;
    this.syncAnswer?.dispose();
    this.syncAnswer = null;
  }

  /**
   * A change the server makes itself: applied at once, and logged and broadcast as the
   * clients' updates are (it takes its place in the queue behind them). Returns whether
   * the document changed.
   */
  private writeMeta(doc: Y.Doc, meta: Partial<PadMeta>): boolean {
    const map = doc.getMap<string>(DocLayout.meta);
    const update = updateMadeBy(doc, () => {
      doc.transact(() => {
        for (const [key, value] of Object.entries(meta)) {
          if (map.get(key) !== value) map.set(key, value);
        }
      }, SERVER_ORIGIN);
    });
    if (update === null) return false;
    this.enqueue({ update, from: SERVER_ORIGIN, applied: true });
    return true;
  }

  /**
   * The document, if a frame that needs it can be handled now: it is here and no earlier
   * frame waits for it. Else null, and the frame goes through `afterWaking`.
   */
  private readyDocument(): Y.Doc | null {
    return this.waiting.length === 0 ? this.doc : null;
  }

  /**
   * Runs `handle` once the document is read back, after the frames that wait before it.
   * What it throws refuses its member, as a throw from `receive` would.
   */
  private afterWaking(
    member: RoomMember | null,
    handle: (doc: Y.Doc) => void,
    fail?: (error: unknown) => void,
  ): void {
    this.waiting.push({ member, handle, ...(fail ? { fail } : {}) });
    this.wake();
  }

  private answerSyncStep1(member: RoomMember, doc: Y.Doc, stateVector: Uint8Array): void {
    const answer = this.doc === doc ? this.syncAnswer : null;
    const update = malformedIfThrows(() =>
      answer !== null ? answer.for(stateVector) : Y.encodeStateAsUpdate(doc, stateVector),
    );
    member.send(encodeSyncStep2(update));
  }

  private wake(): void {
    if (this.waking !== null || this.closed) return;
    this.waking = this.loadPad(this.padId)
      .then(
        (loaded) => {
          if (this.closed) {
            loaded.doc.destroy();
            return;
          }
          this.loggedClock = loaded.loggedClock;
          this.dirty = loaded.dirty;
          this.attachDocument(loaded);
          this.handleWaiting(loaded.doc);
        },
        (error: unknown) => {
          this.log(`pad ${this.padId}: reading the pad back failed`, error);
          const waiting = this.waiting;
          this.waiting = [];
          for (const { member, fail } of waiting) {
            member?.refuse(error);
            fail?.(error);
          }
        },
      )
      .finally(() => {
        this.waking = null;
      });
  }

  private handleWaiting(doc: Y.Doc): void {
    const waiting = this.waiting;
    this.waiting = [];
    // A refused member's socket is closing: its later frames are dropped, as they would be
    // had they not waited.
    const refused = new Set<RoomMember>();
    for (const { member, handle, fail } of waiting) {
      if (member !== null && (!this.members.has(member) || refused.has(member))) continue;
      try {
        handle(doc);
      } catch (error) {
        if (member === null) {
          fail?.(error);
          continue;
        }
        refused.add(member);
        member.refuse(error);
      }
    }
  }

  /** A client's update: checked, then logged, applied and sent on in `flush`. */
  private accept(member: RoomMember, update: Uint8Array): void {
    const sizeGuard = this.sizeGuard as PadSizeGuard; // present with the document
    if (sizeGuard.check(update, () => this.unappliedUpdates()).empty) {
      return; // nothing to log, apply or send on
    }
    this.countEdit(member);
    this.enqueue({ update, from: member, applied: false });
  }

  private enqueue(pending: PendingUpdate): void {
    if (this.closed) return;
    this.pending.push(pending);
    if (!this.flushing) this.flush();
  }

  /**
   * Sends on what is pending, in order, until a batch of updates has to be logged first: it
   * is handed to the log, and `onLogged` goes on once it is written. No promise or async
   * function per batch: a typist's every key comes through here, and their garbage was a
   * tenth of what the server allocated.
   */
  private flush(): void {
    this.flushing = true;
    while (this.pending.length > 0) {
      const { batch, awareness } = this.takeBatch();
      if (batch.length === 0) {
        this.forwardAwareness(awareness);
        continue;
      }
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
      this.inFlight = batch;
      this.inFlightAwareness = awareness;
      this.inFlightUpdate = merged;
      this.storage.appendUpdate(this.padId, merged, this.onLogged);
      return;
    }
    this.flushing = false;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private readonly onLogged: AppendDone = (error, clock) => {
    const batch = this.inFlight;
    const awareness = this.inFlightAwareness;
    const merged = this.inFlightUpdate as Uint8Array;
    this.inFlight = [];
    this.inFlightAwareness = [];
    this.inFlightUpdate = null;
    try {
      if (error === null) this.integrateLogged(batch, merged, clock);
      else {
        // Not logged means not accepted: the senders reconnect and resend from their state.
        this.log(`pad ${this.padId}: update log append failed`, error);
        closeSenders(batch, CloseCodes.internalError);
      }
      this.forwardAwareness(awareness);
    } catch (unexpected) {
      this.log(`pad ${this.padId}: sending on a logged batch failed`, unexpected);
    } finally {
      this.flush(); // what arrived meanwhile, or the end of the flush
    }
  };

  /** A logged batch: applied to the document and sent to the members and other instances. */
  private integrateLogged(batch: PendingUpdate[], merged: Uint8Array, clock: number): void {
    this.loggedClock = clock;
    this.dirty = true;
    this.lastActivity = Date.now();
    try {
      // One apply and one encoding for the whole batch; Yjs skips what it already has
      // (the server's own changes, duplicates). Present: a room with updates under way
      // does not sleep.
      applyUpdateWithoutPromotion(this.doc as Y.Doc, merged, LOGGED_ORIGIN);
    } catch (error) {
      // Decodable but not applicable: refuse the senders; the log entry is skipped on load.
      this.log(`pad ${this.padId}: update rejected`, error);
      closeSenders(batch, CloseCodes.malformed);
      return;
    }
    // The same bytes go to every member; a lone sender does not get its own update back.
    const except = soleClientSender(batch);
    // Framed only if someone else is here: alone on a pad, a client pasting 10 KB would
    // otherwise cost a 10 KB copy that nobody reads.
    if (this.hasMemberOtherThan(except)) this.broadcast(encodeUpdate(merged), except);
    this.fanout?.publishUpdate(this.padId, merged);
  }

  private integrateRemoteUpdate(doc: Y.Doc, update: Uint8Array): void {
    let changed: Uint8Array | null;
    try {
      changed = updateMadeBy(doc, () => applyUpdateWithoutPromotion(doc, update, REMOTE_ORIGIN));
    } catch (error) {
      this.log(`pad ${this.padId}: an update from another instance did not apply`, error);
      return;
    }
    if (changed === null) return; // it had nothing this document lacked
    // This instance snapshots it too: the sender's snapshot may be written before ours and
    // be overwritten by it, so every instance that holds an update saves it.
    this.dirty = true;
    this.lastActivity = Date.now();
    if (this.members.size > 0) this.broadcast(encodeUpdate(update), null);
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
    for (const { awarenessFrame, from } of awareness) this.sendAwarenessOn(awarenessFrame, from);
  }

  /** A member's awareness news: to the other members, and to the other instances. */
  private sendAwarenessOn(frame: Uint8Array, from: RoomMember | null): void {
    this.broadcast(frame, from);
    this.fanout?.publishAwareness(this.padId, frame);
  }

  /** Client updates accepted but not yet in the document, oldest first. */
  private unappliedUpdates(): Uint8Array[] {
    const unapplied: Uint8Array[] = [];
    for (const item of [...this.inFlight, ...this.pending]) {
      if (!("awarenessFrame" in item) && !item.applied) unapplied.push(item.update);
    }
    return unapplied;
  }

  /** The awareness client ids a member announced are its own, to remove when it leaves. */
  private trackOwnership(member: RoomMember, change: AwarenessChange): void {
    const clientIds = this.members.get(member);
    if (clientIds === undefined) return;
    for (const id of change.added) clientIds.add(id);
    for (const id of change.removed) clientIds.delete(id);
  }

  /** Clients whose states were removed (their member left, or went silent): tell everyone. */
  private announceRemoved(removed: number[]): void {
    if (removed.length === 0) return;
    this.broadcast(encodeAwareness(this.awareness.encode(removed)), null);
    // Other instances hear only of this instance's own clients: a client of another
    // instance timing out here (its renewals were late) must not be removed there too.
    const own = removed.filter((id) => !this.remoteClients.delete(id));
    if (own.length > 0 && this.fanout !== undefined) {
      this.fanout.publishAwareness(this.padId, encodeAwareness(this.awareness.encode(own)));
    }
  }

  private removeOutdatedAwareness(): void {
    this.announceRemoved(this.awareness.removeOutdated(Date.now(), AWARENESS_TIMEOUT_MS));
  }

  private readonly onMetaChange = (
    event: Y.YMapEvent<string>,
    transaction: Y.Transaction,
  ): void => {
    if (transaction.origin === SERVER_ORIGIN) return;
    const map = event.target;
    if (transaction.origin === REMOTE_ORIGIN) {
      // Checked and saved by the instance it came from; here it is only the current value.
      for (const key of event.keysChanged as Set<string>) {
        const value = map.get(key);
        if (key === "title" && typeof value === "string" && isValidTitle(value)) {
          this.meta = { ...this.meta, title: value };
        } else if (key === "language" && typeof value === "string" && isLanguageId(value)) {
          this.meta = { ...this.meta, language: value };
        }
      }
      return;
    }
    const accepted: Partial<PadMeta> = {};
    const revert: Partial<PadMeta> = {};
    for (const key of event.keysChanged as Set<string>) {
      const value = map.get(key);
      if (key === "title") {
        if (typeof value === "string" && isValidTitle(value)) accepted.title = value;
        else revert.title = this.meta.title;
      } else if (key === "language") {
        if (typeof value === "string" && isLanguageId(value)) accepted.language = value;
        else revert.language = this.meta.language;
      }
    }
    if (Object.keys(revert).length > 0) {
      // A client wrote a value the database would refuse: put the valid one back, for everyone.
      const doc = event.target.doc;
      queueMicrotask(() => {
        if (!this.closed && doc !== null && this.doc === doc) this.writeMeta(doc, revert);
      });
    }
    if (Object.keys(accepted).length === 0) return;
    this.meta = { ...this.meta, ...accepted };
    this.storage.saveMeta(this.padId, accepted).catch((error: unknown) => {
      this.log(`pad ${this.padId}: saving metadata failed`, error);
    });
  };

  private hasMemberOtherThan(member: RoomMember | null): boolean {
    return this.members.size > (member !== null && this.members.has(member) ? 1 : 0);
  }

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
    // A room with changes the database lacks never sleeps.
    const doc = this.doc;
    if (!this.dirty || doc === null) return;
    // Everything below is read in one synchronous step, so the state, the text and the log
    // clock describe the same moment.
    const clock = this.loggedClock;
    const docState = Y.encodeStateAsUpdate(doc);
    const code = doc.getText(DocLayout.code).toJSON();
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

function closeSenders(batch: PendingUpdate[], closeCode: CloseCode): void {
  for (const item of batch) {
    if (item.from !== SERVER_ORIGIN) item.from.close(closeCode);
  }
}

/** The client that sent every update of the batch, or null (several, or the server). */
function soleClientSender(batch: PendingUpdate[]): RoomMember | null {
  const first = (batch[0] as PendingUpdate).from;
  if (first === SERVER_ORIGIN) return null;
  for (const item of batch) if (item.from !== first) return null;
  return first;
}

/** The batch's updates as one, for one log write, one apply and one broadcast. */
function mergeBatch(batch: PendingUpdate[]): Uint8Array {
  if (batch.length === 1) return (batch[0] as PendingUpdate).update;
  return mergeUpdatesInGroups(batch.map((item) => item.update));
}

/** Runs a decoding step of client input; whatever it throws means the input is malformed. */
function malformedIfThrows<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new MalformedMessageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The user a client's awareness state announces, or `current` if it announces none or the
 * same one: kept as it is, the member's user object stays the one it has (a new one per
 * cursor move would only be garbage for the old generation).
 */
function readUser(state: unknown, current: PadUser | undefined): PadUser | undefined {
  if (typeof state !== "object" || state === null) return current;
  const user = (state as Record<string, unknown>)["user"];
  if (typeof user !== "object" || user === null) return current;
  const { id, name, color } = user as Record<string, unknown>;
  if (typeof id !== "string" || typeof name !== "string") return current;
  const colorText = typeof color === "string" ? color : "";
  if (current?.id === id && current.name === name && current.color === colorText) return current;
  return { id, name, color: colorText };
}

/** The update added, renewed or removed a state: news for the other clients. */
function changedAnything(change: AwarenessChange): boolean {
  return change.added.length > 0 || change.updated.length > 0 || change.removed.length > 0;
}
