import fs from "node:fs/promises";
import { getCurrentUpdateClock, getLevelUpdates, LeveldbPersistence } from "y-leveldb";

/**
 * y-leveldb's database handle, reached through its transaction queue. y-leveldb calls
 * `_transact` private, so the package is pinned to an exact version in package.json.
 */
interface LevelHandle {
  clear(range: { gte: unknown; lt: unknown }): Promise<void>;
}
type Transact = <T>(run: (db: LevelHandle) => Promise<T>) => Promise<T | null>;

/**
 * The write-ahead log of every pad: each accepted update is appended here before it is
 * applied or sent to anyone, so a crash loses nothing that a client has seen. Snapshots
 * into the database make a prefix of the log redundant, and `compact` drops it.
 *
 * y-leveldb runs every operation through one FIFO queue, so the clocks it hands out for
 * one pad grow in the order of the appends.
 */
export class UpdateLog {
  private readonly persistence: LeveldbPersistence;
  private readonly transact: Transact;

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
  async append(padId: string, update: Uint8Array): Promise<number> {
    // y-leveldb swallows errors in its queue and resolves null: turn that back into a failure.
    const clock = (await this.persistence.storeUpdate(padId, update)) as number | null;
    if (typeof clock !== "number") throw new Error(`update log: append to ${padId} failed`);
    return clock;
  }

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
  }

  /** Pads that have had a log at some point (their log may be empty since compaction). */
  async padIds(): Promise<string[]> {
    return (await this.persistence.getAllDocNames()) ?? [];
  }

  async close(): Promise<void> {
    await this.persistence.destroy();
  }
}
