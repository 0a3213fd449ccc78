import type { NewActivityRow } from "../db/schema.ts";
import type { PadPresence, SessionsRepo } from "../db/sessions-repo.ts";
import { yieldToEventLoop } from "../yield-to-event-loop.ts";

/**
 * Rows per statement. Embedded PGlite takes ~30 µs a row on one core of these machines, so
 * 64 rows keep each statement near 2 ms. (250 rows, when PGlite still ran on the server's
 * thread, held the event loop for 7-16 ms, long enough to show in every typist's p99 while
 * a few thousand clients joined; on its worker they still share a one-core machine.)
 */
const ROWS_PER_INSERT = 64;

interface PadActivity {
  activeUsers: number;
  /** Set when someone joined: joining is activity, so the pad's expiry moves. */
  joinedAt: Date | undefined;
}

/**
 * Joins and leaves, written to the database in batches. A reconnect storm of thousands
 * of sockets would otherwise cost two queries per socket, and embedded PGlite runs each on
 * the core that also relays everyone's typing.
 */
export class ActivityRecorder {
  private rows: NewActivityRow[] = [];
  private pads = new Map<string, PadActivity>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: SessionsRepo,
    private readonly sessionDurationMs: number,
    private readonly flushIntervalMs: number,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  joined(padId: string, activeUsers: number): void {
    const at = new Date();
    this.rows.push({ sessionId: padId, type: "join", createdAt: at });
    this.pads.set(padId, { activeUsers, joinedAt: at });
    this.schedule();
  }

  left(padId: string, user: { id: string; name: string } | undefined, activeUsers: number): void {
    this.rows.push({
      sessionId: padId,
      type: "leave",
      userId: user?.id.slice(0, 64) ?? null,
      userName: user?.name.slice(0, 64) ?? null,
      createdAt: new Date(),
    });
    this.pads.set(padId, { activeUsers, joinedAt: this.pads.get(padId)?.joinedAt });
    this.schedule();
  }

  /** Writes what is pending (at shutdown, before the database closes). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  private flush(): Promise<void> {
    const rows = this.rows;
    const pads = this.pads;
    this.rows = [];
    this.pads = new Map();
    // One flush at a time, in order, so a pad's counts never go back in time.
    this.flushing = this.flushing.then(async () => {
      if (rows.length === 0 && pads.size === 0) return;
      try {
        for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
          await this.repo.insertActivity(rows.slice(start, start + ROWS_PER_INSERT));
          await yieldToEventLoop();
        }
        const presence = [...pads].map(([padId, pad]): PadPresence => {
          const joined =
            pad.joinedAt === undefined
              ? undefined
              : {
                  at: pad.joinedAt,
                  expiresAt: new Date(pad.joinedAt.getTime() + this.sessionDurationMs),
                };
          return { sessionId: padId, activeUsers: pad.activeUsers, joined };
        });
        for (let start = 0; start < presence.length; start += ROWS_PER_INSERT) {
          await this.repo.recordPresence(presence.slice(start, start + ROWS_PER_INSERT));
          await yieldToEventLoop();
        }
      } catch (error) {
        this.log("recording join/leave activity failed", error);
      }
    });
    return this.flushing;
  }
}
