import { setTimeout as sleep } from "node:timers/promises";
import { CloseCodes, type CloseCode } from "@codepad/shared";
import { batchPerTurn } from "../db/batch-per-turn.ts";
import type { PadSnapshotWrite, SessionsRepo } from "../db/sessions-repo.ts";
import type { UpdateLog } from "../persistence/update-log.ts";
import { yieldToEventLoop } from "../yield-to-event-loop.ts";
import type { PadFanout } from "./pad-fanout.ts";
import { createPadLoader, type PadLoader } from "./pad-loader.ts";
import { Room, type RoomStorage } from "./room.ts";

/** The other instances, as the registry sees them (scale-out; see `scale-out/`). */
export interface RoomFanout extends PadFanout {
  /**
   * Starts sharing a room that was just read from storage with the instances that hold its
   * pad, and resolves once they have sent what it lacks.
   */
  open(room: Room): Promise<void>;
  /** Stops sharing a room that leaves this instance. */
  close(room: Room): void;
  /** Whether another instance holds the pad live. */
  peersHold(padId: string): Promise<boolean>;
}

export interface RoomRegistryOptions {
  repo: SessionsRepo;
  updateLog: UpdateLog;
  sessionDurationMs: number;
  maxCodeBytes: number;
  /**
   * How long a room with nobody in it stays loaded, so that a page reload does not pay a
   * snapshot and a reload. After that its memory is given back.
   */
  idleUnloadMs: number;
  /** A room let go of its document: it went to sleep or was unloaded. */
  onReleased?: () => void;
  /** The other instances holding pads live (REDIS_URL); absent on a single instance. */
  fanout?: RoomFanout;
  log: (message: string, error?: unknown) => void;
}

/**
 * Snapshots written in one database transaction, at most. On embedded PGlite, a
 * transaction's fixed cost was almost all of a small pad's snapshot: 1.4–2.6 ms per pad one
 * at a time against 0.25 ms (1 KB pads) and 0.75 ms (10 KB pads) in groups of 25 (measured
 * on these machines, with PGlite on the server's thread; on its worker it still takes the
 * core from the typists where there is only one).
 */
const SNAPSHOTS_PER_TRANSACTION = 25;
/**
 * Document-state bytes plus text characters written in one transaction, at most (the text's
 * length stands in for its UTF-8 size; it only bounds the work): a group of large
 * pads holds the database as long as the sum of their saves (a pad larger than this is
 * saved alone). Six 10 KB pads took 4-5 ms on PGlite, where twelve (256 KB) took 7-8 ms.
 */
const SNAPSHOT_BYTES_PER_TRANSACTION = 128 * 1024;

/**
 * The live rooms of this process. Concurrent joins of one pad share one load; a room is
 * snapshotted and dropped once nobody holds it.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly holders = new Map<Room, number>();
  private readonly idleTimers = new Map<Room, NodeJS.Timeout>();
  /** Rooms waiting for their turn to be saved; see `saveInTurn`. */
  private saveQueue: QueuedSave[] = [];
  private savingQueue = false;
  private readonly storage: RoomStorage;
  private readonly loadPad: PadLoader;

  constructor(private readonly options: RoomRegistryOptions) {
    const { repo, updateLog } = options;
    this.loadPad = createPadLoader(repo, updateLog, options.log);
    // The snapshots asked for in one turn are written together (see `saveInTurn`).
    const saveSnapshot = batchPerTurn(
      async (writes: PadSnapshotWrite[]) => {
        const saved = await repo.saveSnapshots(writes);
        return writes.map((write) => saved.has(write.sessionId));
      },
      {
        maxItems: SNAPSHOTS_PER_TRANSACTION,
        maxWeight: SNAPSHOT_BYTES_PER_TRANSACTION,
        weigh: ({ snapshot }) => snapshot.docState.byteLength + snapshot.code.length,
        // A pad the database refuses must not keep the others of its group unsaved.
        retryEachOnFailure: true,
      },
    );
    this.storage = {
      appendUpdate: (padId, update, done) => updateLog.appendThen(padId, update, done),
      saveSnapshot: (padId, snapshot) => saveSnapshot({ sessionId: padId, snapshot }),
      compactLog: (padId, upTo) => updateLog.compact(padId, upTo),
      saveMeta: async (padId, meta) => {
        await repo.updateMeta(padId, meta);
        if (meta.language !== undefined) {
          await repo.insertActivity([
            { sessionId: padId, type: "language_change", details: meta.language },
          ]);
        }
      },
    };
  }

  /** The room of a pad if it is loaded; never loads. */
  peek(padId: string): Room | undefined {
    return this.rooms.get(padId);
  }

  /**
   * Resolves once the pad's room, if it is being unloaded, has been saved and let go: from
   * then on the database row holds everything the room had.
   */
  async unloaded(padId: string): Promise<void> {
    await this.unloading.get(padId);
  }

  get loadedRooms(): IterableIterator<Room> {
    return this.rooms.values();
  }

  /**
   * Holds the pad's room when it is not open here but another instance holds it live
   * (scale-out), so that REST reads the live text and changes reach that instance's
   * editors; `release` it after use. Undefined when the room is here already (`peek`) or
   * nobody holds the pad live (the database row is the whole pad).
   */
  async acquireIfLiveElsewhere(padId: string): Promise<Room | undefined> {
    const fanout = this.options.fanout;
    if (fanout === undefined || this.rooms.has(padId)) return undefined;
    if (!(await fanout.peersHold(padId))) return undefined;
    return this.acquire(padId);
  }

  /** Gets or loads a pad's room and holds it until `release`. */
  async acquire(padId: string): Promise<Room> {
    for (;;) {
      const unloading = this.unloading.get(padId);
      if (unloading !== undefined) {
        await unloading;
        continue;
      }
      const loaded = this.rooms.get(padId);
      if (loaded !== undefined) {
        this.hold(loaded);
        return loaded;
      }
      let loading = this.loading.get(padId);
      if (loading === undefined) {
        loading = this.load(padId).finally(() => this.loading.delete(padId));
        this.loading.set(padId, loading);
      }
      const room = await loading;
      // It may have been evicted while we waited: then look again.
      if (this.rooms.get(padId) !== room) continue;
      this.hold(room);
      return room;
    }
  }

  release(room: Room): void {
    const count = (this.holders.get(room) ?? 0) - 1;
    if (count > 0) {
      this.holders.set(room, count);
      return;
    }
    this.holders.delete(room);
    if (this.rooms.get(room.padId) !== room) return;
    this.idleTimers.set(
      room,
      setTimeout(() => {
        this.idleTimers.delete(room);
        void this.unload(room);
      }, this.options.idleUnloadMs),
    );
  }

  /**
   * Snapshots every changed room, a group of SNAPSHOTS_PER_TRANSACTION at a time so that
   * saves never pile up, the groups spaced evenly over `spreadMs` so that the event loop
   * keeps serving typists in between. Once `signal` aborts (shutdown), the rest are saved
   * without waiting.
   */
  async snapshotAll(pacing?: { spreadMs: number; signal: AbortSignal }): Promise<void> {
    const dirty = [...this.rooms.values()].filter((room) => room.isDirty);
    const groups: Room[][] = [];
    for (let start = 0; start < dirty.length; start += SNAPSHOTS_PER_TRANSACTION) {
      groups.push(dirty.slice(start, start + SNAPSHOTS_PER_TRANSACTION));
    }
    const gapMs = pacing === undefined ? 0 : pacing.spreadMs / groups.length;
    for (const [index, group] of groups.entries()) {
      if (index > 0 && gapMs >= 1 && pacing?.signal.aborted === false) {
        await sleep(gapMs, undefined, { signal: pacing.signal }).catch(() => undefined);
      }
      // A room may have been unloaded (and saved) or ended while we waited.
      const stillDirty = group.filter(
        (room) => this.rooms.get(room.padId) === room && room.isDirty,
      );
      await Promise.all(
        stillDirty.map((room) =>
          this.saveInTurn(room).catch((error: unknown) => {
            this.options.log(`pad ${room.padId}: snapshot failed`, error);
          }),
        ),
      );
    }
  }

  /**
   * Puts to sleep the rooms whose pad nobody has changed or joined for `idleMs` (see
   * `Room.hibernate`): each is snapshotted first if it needs to be, in turn with the other
   * saves, and sleeps only if it stayed idle meanwhile.
   */
  async hibernateIdle(idleMs: number): Promise<void> {
    const idleSince = () => Date.now() - idleMs;
    const idle = [...this.rooms.values()].filter(
      (room) => !room.isSleeping && room.lastActivity <= idleSince(),
    );
    await Promise.all(
      idle.map(async (room) => {
        if (this.rooms.get(room.padId) !== room || room.lastActivity > idleSince()) return;
        try {
          if (room.isDirty) await this.saveInTurn(room);
        } catch (error) {
          this.options.log(`pad ${room.padId}: snapshot before sleeping failed`, error);
          return;
        }
        const stillHere = this.rooms.get(room.padId) === room;
        if (stillHere && room.lastActivity <= idleSince()) {
          room.hibernate();
          this.options.onReleased?.();
        }
      }),
    );
  }

  /**
   * Ends a pad that expired or was deleted: its clients are closed with `closeCode` and the
   * room is dropped without a snapshot (its content is being deleted).
   */
  async evict(padId: string, closeCode: CloseCode): Promise<void> {
    const loading = this.loading.get(padId);
    if (loading !== undefined) await loading.catch(() => undefined);
    const room = this.rooms.get(padId);
    if (room === undefined) return;
    this.rooms.delete(padId);
    this.options.fanout?.close(room);
    this.clearIdleTimer(room);
    room.close(closeCode);
    await room.drain();
    room.destroy();
  }

  /** Shutdown: every client is told to reconnect later, every changed room is saved. */
  async closeAll(): Promise<void> {
    await Promise.allSettled(this.loading.values());
    const rooms = [...this.rooms.values()];
    for (const room of rooms) {
      this.options.fanout?.close(room);
      room.close(CloseCodes.goingAway);
    }
    // All at once: the snapshots asked for in one turn are written in shared transactions.
    await Promise.all(
      rooms.map(async (room) => {
        this.clearIdleTimer(room);
        await room.drain();
        try {
          await room.snapshot();
        } catch (error) {
          this.options.log(`pad ${room.padId}: snapshot at shutdown failed`, error);
        }
        this.rooms.delete(room.padId);
        room.destroy();
      }),
    );
    await Promise.allSettled(this.unloading.values());
  }

  /** Reads the pad from storage (see `createPadLoader`); a failed load registers nothing. */
  private async load(padId: string): Promise<Room> {
    const { fanout } = this.options;
    const room = new Room({
      padId,
      loaded: await this.loadPad(padId),
      loadPad: this.loadPad,
      storage: this.storage,
      sessionDurationMs: this.options.sessionDurationMs,
      maxCodeBytes: this.options.maxCodeBytes,
      ...(fanout ? { fanout } : {}),
      log: this.options.log,
    });
    if (fanout !== undefined) {
      try {
        await fanout.open(room);
      } catch (error) {
        fanout.close(room);
        room.destroy();
        throw error;
      }
    }
    this.rooms.set(padId, room);
    return room;
  }

  /**
   * Saves of a running server go a group at a time (up to SNAPSHOTS_PER_TRANSACTION rooms,
   * which share their transactions), with a turn of the event loop between two groups: when
   * the 1,250 rooms of 5,000 departed clients unloaded at once, their saves held the event
   * loop for over a second (PGlite then ran on this thread) and every typist waited. The
   * database is not the only cost: each save encodes its document here.
   */
  private saveInTurn(room: Room): Promise<void> {
    return new Promise((resolve, reject) => {
      this.saveQueue.push({ room, resolve, reject });
      if (!this.savingQueue) void this.saveQueued();
    });
  }

  private async saveQueued(): Promise<void> {
    this.savingQueue = true;
    while (this.saveQueue.length > 0) {
      await yieldToEventLoop();
      const group = this.saveQueue.splice(0, SNAPSHOTS_PER_TRANSACTION);
      // Each room asks for its write in this same turn, so they are written together.
      await Promise.all(
        group.map(({ room, resolve, reject }) => room.snapshot().then(resolve, reject)),
      );
    }
    this.savingQueue = false;
  }

  private hold(room: Room): void {
    this.clearIdleTimer(room);
    this.holders.set(room, (this.holders.get(room) ?? 0) + 1);
  }

  private clearIdleTimer(room: Room): void {
    const timer = this.idleTimers.get(room);
    if (timer !== undefined) clearTimeout(timer);
    this.idleTimers.delete(room);
  }

  private async unload(room: Room): Promise<void> {
    if (this.rooms.get(room.padId) !== room || this.holders.has(room)) return;
    this.rooms.delete(room.padId);
    this.options.fanout?.close(room);
    const done = (async () => {
      await room.drain();
      try {
        await this.saveInTurn(room);
        room.destroy();
      } catch (error) {
        // Keep the log: the next load merges it, nothing is lost.
        this.options.log(`pad ${room.padId}: snapshot on unload failed`, error);
        room.destroy();
      }
    })().finally(() => {
      this.unloading.delete(room.padId);
      this.options.onReleased?.();
    });
    this.unloading.set(room.padId, done);
    await done;
  }
}

interface QueuedSave {
  room: Room;
  resolve: () => void;
  reject: (error: unknown) => void;
}
