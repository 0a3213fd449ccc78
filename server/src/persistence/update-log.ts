import fs from "node:fs/promises";
import * as encoding from "lib0/encoding";
import { getCurrentUpdateClock, getLevelUpdates, LeveldbPersistence } from "y-leveldb";
import * as Y from "yjs";

/**
 * y-leveldb's database handle, reached through its transaction queue. y-leveldb calls
 * `_transact` private, so the package is pinned to an exact version in package.json.
 */
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
 * y-leveldb runs every operation through one FIFO queue, and its own storeUpdate costs a
 * read and a write per update. With hundreds of pads typing at once that queue became the
 * bottleneck (p99 over 200 ms with 5,000 clients), so appends are group-committed: those
 * of one event-loop turn, from every pad, go to LevelDB in one batch, under y-leveldb's
 * key layout, so that everything else of y-leveldb reads them as its own.
 */
export class UpdateLog {
  private readonly persistence: LeveldbPersistence;
  private readonly transact: Transact;
  private pendingAppends: PendingAppend[] = [];
  /** The next clock of each pad that has appended since start (read from disk once). */
  private readonly nextClocks = new Map<string, number>();

  private constructor(persistence: LeveldbPersistence) {
    this.persistence = persistence;
    const internal = persistence as unknown as { _transact: Transact };
    this.transact = (run) => internal._transact(run);
  }

  static async open(directory: string): Promise<UpdateLog> {
    await fs.mkdir(directory, { recursive: true });
    return new UpdateLog(new LeveldbPersistence(directory));
  }

  /** Appends one update and returns its clock (position in this pad's log). */
  append(padId: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ padId, update, resolve, reject });
      if (this.pendingAppends.length === 1) setImmediate(this.writePendingAppends);
    });
  }

  private readonly writePendingAppends = (): void => {
    const appends = this.pendingAppends;
    this.pendingAppends = [];
    const written = this.transact(async (db) => {
      const operations: { type: "put"; key: unknown; value: Uint8Array }[] = [];
      const clocks: number[] = [];
      for (const { padId, update } of appends) {
        let clock = this.nextClocks.get(padId);
        if (clock === undefined) {
          clock = (await getCurrentUpdateClock(db, padId)) + 1;
          // y-leveldb lists documents by their state-vector key: write it with the first update.
          if (clock === 0) {
            operations.push({
              type: "put",
              key: ["v1_sv", padId],
              value: stateVectorEntry(update),
            });
          }
        }
        operations.push({
          type: "put",
          key: ["v1", padId, "update", clock],
          value: Buffer.from(update),
        });
        clocks.push(clock);
        this.nextClocks.set(padId, clock + 1);
      }
      await db.batch(operations);
      return clocks;
    });
    written
      .then((clocks) => {
        if (clocks === null) throw new Error("update log: batch write failed");
        appends.forEach((append, index) => append.resolve(clocks[index] as number));
      })
      .catch((error: unknown) => {
        // y-leveldb resolves null on failure; either way, re-read clocks from disk next time.
        for (const append of appends) {
          this.nextClocks.delete(append.padId);
          append.reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
  };

  /** The updates logged for a pad since its last compaction, oldest first. */
  async read(padId: string): Promise<Uint8Array[]> {
    const updates = await this.transact((db) => getLevelUpdates(db, padId));
    if (updates === null) throw new Error(`update log: read of ${padId} failed`);
    return updates;
  }

  /** The clock of the newest update logged for a pad, or -1 when its log is empty. */
  async currentClock(padId: string): Promise<number> {
    const clock = await this.transact((db) => getCurrentUpdateClock(db, padId));
    if (clock === null) throw new Error(`update log: clock of ${padId} failed`);
    return clock;
  }

  /** Drops the updates with clock <= upTo: they are in a database snapshot now. */
  async compact(padId: string, upTo: number): Promise<void> {
    const done = await this.transact(async (db) => {
      // Keys as y-leveldb builds them: ['v1', docName, 'update', clock].
      await db.clear({ gte: ["v1", padId, "update", 0], lt: ["v1", padId, "update", upTo + 1] });
      return true;
    });
    if (done === null) throw new Error(`update log: compaction of ${padId} failed`);
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
