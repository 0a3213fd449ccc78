import fs from "node:fs/promises";
import * as encoding from "lib0/encoding";
import { getCurrentUpdateClock, getLevelUpdates, LeveldbPersistence } from "y-leveldb";
import * as Y from "yjs";

/** y-leveldb's LevelDB handle (with y-leveldb's key and value encodings). */
interface LevelHandle {
  clear(range: { gte: unknown; lt: unknown }): Promise<void>;
  batch(operations: { type: "put"; key: unknown; value: Uint8Array }[]): Promise<void>;
}

interface PendingAppend {
  padId: string;
  update: Uint8Array;
  resolve: (clock: number) => void;
  reject: (error: Error) => void;
}
type Transact = <T>(run: (db: LevelHandle) => Promise<T>) => Promise<T | null>;

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
 * writes. Appends are group-committed: those of one event-loop turn, from every pad, go to
 * LevelDB in one batch, with clocks kept in memory.
 */
export class UpdateLog {
  private readonly persistence: LeveldbPersistence;
  private readonly db: LevelHandle;
  private pendingAppends: PendingAppend[] = [];
  /** A batch is scheduled or being written. */
  private writing = false;
  /** The next clock of each pad whose clock has been read since start. */
  private readonly nextClocks = new Map<string, number>();
  /** Clock reads in progress, so that concurrent first appends of a pad share one. */
  private readonly clockReads = new Map<string, Promise<void>>();

  private constructor(persistence: LeveldbPersistence, db: LevelHandle) {
    this.persistence = persistence;
    this.db = db;
  }

  static async open(directory: string): Promise<UpdateLog> {
    await fs.mkdir(directory, { recursive: true });
    const persistence = new LeveldbPersistence(directory);
    const transact = (persistence as unknown as { _transact: Transact })._transact;
    // The handle is only handed out inside a transaction; once open, it is used directly.
    const db = await transact((handle) => Promise.resolve(handle));
    if (db === null) throw new Error(`update log: cannot open ${directory}`);
    return new UpdateLog(persistence, db);
  }

  /** Appends one update and returns its clock (position in this pad's log). */
  append(padId: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ padId, update, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // The rest of this turn's appends, from every pad, join the same batch.
        setImmediate(() => void this.writePendingAppends());
      }
    });
  }

  /**
   * Group commit: one batch in flight at a time; what arrives meanwhile is the next batch.
   * Under load the batches grow instead of the queue of LevelDB writes.
   */
  private async writePendingAppends(): Promise<void> {
    while (this.pendingAppends.length > 0) {
      const appends = this.pendingAppends;
      this.pendingAppends = [];
      try {
        const unknown = new Set<string>();
        for (const { padId } of appends) if (!this.nextClocks.has(padId)) unknown.add(padId);
        // Rare: a pad's first append since start without a load that read its clock.
        if (unknown.size > 0) await Promise.all([...unknown].map((id) => this.readClock(id)));
        const clocks = await this.writeBatch(appends);
        appends.forEach((append, index) => append.resolve(clocks[index] as number));
      } catch (error) {
        const reason = error instanceof Error ? error : new Error(String(error));
        for (const append of appends) append.reject(reason);
      }
    }
    this.writing = false;
  }

  /** Writes appends whose pads' clocks are all known, in one LevelDB batch. */
  private async writeBatch(appends: PendingAppend[]): Promise<number[]> {
    const operations: { type: "put"; key: unknown; value: Uint8Array }[] = [];
    const clocks: number[] = [];
    for (const { padId, update } of appends) {
      const clock = this.nextClocks.get(padId) ?? 0;
      // y-leveldb lists documents by their state-vector key: write it with the first update.
      if (clock === 0) {
        operations.push({ type: "put", key: ["v1_sv", padId], value: stateVectorEntry(update) });
      }
      operations.push({
        type: "put",
        key: ["v1", padId, "update", clock],
        value: Buffer.from(update),
      });
      clocks.push(clock);
      this.nextClocks.set(padId, clock + 1);
    }
    try {
      await this.db.batch(operations);
    } catch (error) {
      // Nothing of the batch was written (LevelDB batches are atomic): re-read the clocks
      // from disk before the next append of these pads.
      for (const append of appends) this.nextClocks.delete(append.padId);
      throw error;
    }
    return clocks;
  }

  private readClock(padId: string): Promise<void> {
    let reading = this.clockReads.get(padId);
    if (reading === undefined) {
      reading = getCurrentUpdateClock(this.db, padId)
        .then((clock) => {
          // An append may have set it meanwhile; the value in memory is never older than disk.
          if (!this.nextClocks.has(padId)) this.nextClocks.set(padId, clock + 1);
        })
        .finally(() => this.clockReads.delete(padId));
      this.clockReads.set(padId, reading);
    }
    return reading;
  }

  /** The updates logged for a pad since its last compaction, oldest first. */
  read(padId: string): Promise<Uint8Array[]> {
    return getLevelUpdates(this.db, padId);
  }

  /** The clock of the newest update logged for a pad, or -1 when its log is empty. */
  async currentClock(padId: string): Promise<number> {
    const next = this.nextClocks.get(padId);
    if (next !== undefined) return next - 1;
    await this.readClock(padId);
    return (this.nextClocks.get(padId) ?? 0) - 1;
  }

  /** Drops the updates with clock <= upTo: they are in a database snapshot now. */
  compact(padId: string, upTo: number): Promise<void> {
    // Keys as y-leveldb builds them: ['v1', docName, 'update', clock].
    return this.db.clear({
      gte: ["v1", padId, "update", 0],
      lt: ["v1", padId, "update", upTo + 1],
    });
  }

  /** Deletes a pad's log entirely (the pad expired or was deleted). */
  async clear(padId: string): Promise<void> {
    await this.persistence.clearDocument(padId);
    this.nextClocks.delete(padId);
  }

  /** Pads that have had a log at some point (their log may be empty since compaction). */
  async padIds(): Promise<string[]> {
    return (await this.persistence.getAllDocNames()) ?? [];
  }

  async close(): Promise<void> {
    await this.persistence.destroy();
  }
}

/** The value y-leveldb keeps under a document's state-vector key: clock, then state vector. */
function stateVectorEntry(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint8Array(encoder, Y.encodeStateVectorFromUpdate(update));
  return encoding.toUint8Array(encoder);
}
