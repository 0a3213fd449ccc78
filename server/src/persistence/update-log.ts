import fs from "node:fs/promises";
import * as encoding from "lib0/encoding";
import { getCurrentUpdateClock, getLevelUpdates, LeveldbPersistence } from "y-leveldb";
import * as Y from "yjs";
import { UpdateLogKeys } from "./update-log-keys.ts";

/**
 * y-leveldb's LevelDB handle. Its default encodings are y-leveldb's (array keys), used by
 * `clear`; batches pass raw bytes instead (`RAW_BYTES`, keys from `UpdateLogKeys`).
 */
interface LevelHandle {
  clear(range: { gte: unknown; lt: unknown }): Promise<void>;
  batch(operations: LevelOperation[], options: BatchOptions): Promise<void>;
}
type LevelOperation = { type: "put"; key: Buffer; value: Buffer } | { type: "del"; key: Buffer };
/** Keys and values go to LevelDB as the bytes they are (see `UpdateLogKeys`). */
const RAW_BYTES = { keyEncoding: "buffer", valueEncoding: "buffer" } as const;
type BatchOptions = typeof RAW_BYTES;

/** Called once an append is written, with its clock, or with the error that kept it out. */
export type AppendDone = (error: Error | null, clock: number) => void;

interface PendingAppend {
  padId: string;
  update: Uint8Array;
  done: AppendDone;
}

/** Deletions of log entries that a snapshot covers, written with the next batch. */
interface PendingCompaction {
  keys: Buffer[];
  resolve: () => void;
  reject: (error: Error) => void;
}

type Transact = <T>(run: (db: LevelHandle) => Promise<T>) => Promise<T | null>;

/** A log entry's key, as y-leveldb builds it. */
const updateKey = (padId: string, clock: number) => ["v1", padId, "update", clock];

/**
 * The write-ahead log of every pad: each accepted update is appended here before it is
 * applied or sent to anyone, so a crash loses nothing that a client has seen. Snapshots
 * into the database make a prefix of the log redundant, and `compact` drops it.
 *
 * Everything is stored under y-leveldb's key layout, so y-leveldb reads it as its own, but
 * not through y-leveldb's one FIFO queue for every operation (its `_transact`, private, so
 * the package is pinned to an exact version): behind that queue, an append waited for every
 * read of a loading pad and every compaction before it, and the snapshots of 500 pads
 * stalled typing on all of them for 90 ms. LevelDB itself is safe for concurrent reads and
 * writes, and one process at a time holds its directory.
 *
 * The next clock of every pad with entries is read once, at open; from then on this object
 * is the only writer, so a pad it has no clock for has an empty log, and loading it costs
 * no read at all (two LevelDB iterators per load were a fifth of the cost of 5,000 joins).
 *
 * Appends are group-committed: one batch in flight at a time, and everything that arrives
 * meanwhile, from every pad, goes to LevelDB in the next one. Compactions ride in the same
 * batches, as deletions of the exact keys they drop: as range clears on the thread pool they
 * took up to 60 ms each and held up the appends of everyone typing.
 */
export class UpdateLog {
  private readonly persistence: LeveldbPersistence;
  private readonly db: LevelHandle;
  private readonly keys = new UpdateLogKeys();
  private pendingAppends: PendingAppend[] = [];
  private pendingCompactions: PendingCompaction[] = [];
  /** A batch is scheduled or being written. */
  private writing = false;
  /** The next clock of each pad that has (or had, since open) entries in the log. */
  private readonly nextClocks: Map<string, number>;
  /**
   * The clock up to which each pad's log is known to be empty (-1: from its start). Absent
   * for a log that an earlier process left, until its first compaction.
   */
  private readonly compactedThrough = new Map<string, number>();

  private constructor(
    persistence: LeveldbPersistence,
    db: LevelHandle,
    nextClocks: Map<string, number>,
  ) {
    this.persistence = persistence;
    this.db = db;
    this.nextClocks = nextClocks;
  }

  static async open(directory: string): Promise<UpdateLog> {
    await fs.mkdir(directory, { recursive: true });
    const persistence = new LeveldbPersistence(directory);
    const transact = (persistence as unknown as { _transact: Transact })._transact;
    // The handle is only handed out inside a transaction; once open, it is used directly.
    const db = await transact((handle) => Promise.resolve(handle));
    if (db === null) throw new Error(`update log: cannot open ${directory}`);
    // y-leveldb lists every pad that has had a log (until its log is cleared).
    const nextClocks = new Map<string, number>();
    for (const padId of (await persistence.getAllDocNames()) ?? []) {
      const clock = await getCurrentUpdateClock(db, padId);
      if (clock >= 0) nextClocks.set(padId, clock + 1);
    }
    return new UpdateLog(persistence, db, nextClocks);
  }

  /** Pads whose log may hold entries; at start, those a crash left behind. */
  padsWithEntries(): string[] {
    return [...this.nextClocks.keys()];
  }

  /** Appends one update and returns its clock (position in this pad's log). */
  append(padId: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.appendThen(padId, update, (error, clock) => (error ? reject(error) : resolve(clock)));
    });
  }

  /**
   * `append` for the hot path: `done` is called once the update is written (always later,
   * never from inside this call), with no promise per update.
   */
  appendThen(padId: string, update: Uint8Array, done: AppendDone): void {
    this.pendingAppends.push({ padId, update, done });
    this.scheduleWrite();
  }

  /** Drops the updates with clock <= upTo: they are in a database snapshot now. */
  async compact(padId: string, upTo: number): Promise<void> {
    const from = this.compactedThrough.get(padId);
    if (from === undefined) {
      // A log left by an earlier process: where it starts is unknown, so clear the range.
      await this.db.clear({ gte: updateKey(padId, 0), lt: updateKey(padId, upTo + 1) });
    } else if (upTo > from) {
      const keys: Buffer[] = [];
      for (let clock = from + 1; clock <= upTo; clock++) keys.push(this.keys.update(padId, clock));
      await new Promise<void>((resolve, reject) => {
        this.pendingCompactions.push({ keys, resolve, reject });
        this.scheduleWrite();
      });
    }
    this.compactedThrough.set(padId, Math.max(from ?? -1, upTo));
    // Compacted through its newest entry, the pad is likely idle: its key template can go.
    if (upTo >= this.currentClock(padId)) this.keys.forget(padId);
  }

  private scheduleWrite(): void {
    if (this.writing) return;
    this.writing = true;
    // Start as soon as the current callback is done (waiting for the end of the event-loop
    // turn cost typists latency); what arrives while a batch is written joins the next one.
    queueMicrotask(() => void this.writePending());
  }

  /**
   * Group commit: one batch in flight at a time; what arrives meanwhile is the next batch.
   * Under load the batches grow instead of the queue of LevelDB writes.
   */
  private async writePending(): Promise<void> {
    while (this.pendingAppends.length > 0 || this.pendingCompactions.length > 0) {
      const appends = this.pendingAppends;
      const compactions = this.pendingCompactions;
      this.pendingAppends = [];
      this.pendingCompactions = [];
      let clocks: number[];
      try {
        clocks = await this.writeBatch(appends, compactions);
      } catch (error) {
        const reason = error instanceof Error ? error : new Error(String(error));
        for (const append of appends) callDone(append.done, reason, -1);
        for (const compaction of compactions) compaction.reject(reason);
        continue;
      }
      appends.forEach((append, index) => callDone(append.done, null, clocks[index] as number));
      for (const compaction of compactions) compaction.resolve();
    }
    this.writing = false;
  }

  private async writeBatch(
    appends: PendingAppend[],
    compactions: PendingCompaction[],
  ): Promise<number[]> {
    const operations: LevelOperation[] = [];
    for (const { keys } of compactions) {
      for (const key of keys) operations.push({ type: "del", key });
    }
    const clocksBefore = new Map<string, number | undefined>();
    const clocks: number[] = [];
    for (const { padId, update } of appends) {
      if (!clocksBefore.has(padId)) clocksBefore.set(padId, this.nextClocks.get(padId));
      const clock = this.nextClocks.get(padId) ?? 0;
      if (clock === 0) {
        // y-leveldb lists documents by their state-vector key (and so does `open` after a
        // crash): write it with a pad's first update.
        const key = this.keys.stateVector(padId);
        operations.push({ type: "put", key, value: asBuffer(stateVectorEntry(update)) });
        if (!this.compactedThrough.has(padId)) this.compactedThrough.set(padId, -1);
      }
      // LevelDB's "buffer" encoding takes a Buffer as it is, and copies it
      // before batch() returns, so a view of the update's bytes is enough: no copy here.
      const value = asBuffer(update);
      operations.push({ type: "put", key: this.keys.update(padId, clock), value });
      clocks.push(clock);
      this.nextClocks.set(padId, clock + 1);
    }
    try {
      await this.db.batch(operations, RAW_BYTES);
    } catch (error) {
      // Nothing of the batch was written (LevelDB batches are atomic): take the clocks back.
      for (const [padId, clock] of clocksBefore) {
        if (clock === undefined) this.nextClocks.delete(padId);
        else this.nextClocks.set(padId, clock);
      }
      throw error;
    }
    return clocks;
  }

  /** The updates logged for a pad since its last compaction, oldest first. */
  async read(padId: string): Promise<Uint8Array[]> {
    // Known empty: no entries since open, or every one of them compacted (a pad that went
    // to sleep after its snapshot wakes without a LevelDB read).
    const next = this.nextClocks.get(padId);
    if (next === undefined) return [];
    const emptyThrough = this.compactedThrough.get(padId);
    if (emptyThrough !== undefined && emptyThrough >= next - 1) return [];
    return getLevelUpdates(this.db, padId);
  }

  /** The clock of the newest update logged for a pad, or -1 when its log is empty. */
  currentClock(padId: string): number {
    return (this.nextClocks.get(padId) ?? 0) - 1;
  }

  /** Deletes a pad's log entirely (the pad expired or was deleted). */
  async clear(padId: string): Promise<void> {
    await this.persistence.clearDocument(padId);
    this.nextClocks.delete(padId);
    this.compactedThrough.delete(padId);
    this.keys.forget(padId);
  }

  async close(): Promise<void> {
    await this.persistence.destroy();
  }
}

/**
 * Calls one waiter of a batch. A waiter that throws (a bug: rooms catch their own errors)
 * must not keep the others of the batch from hearing that their updates are written.
 */
function callDone(done: AppendDone, error: Error | null, clock: number): void {
  try {
    done(error, clock);
  } catch (thrown) {
    process.emitWarning(thrown instanceof Error ? thrown : new Error(String(thrown)));
  }
}

/** A Buffer view of the same bytes, without a copy (what the "buffer" encoding takes as is). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The value y-leveldb keeps under a document's state-vector key: clock, then state vector. */
function stateVectorEntry(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint8Array(encoder, Y.encodeStateVectorFromUpdate(update));
  return encoding.toUint8Array(encoder);
}
