import { CloseCodes } from "@codepad/shared";
import type { SessionRow } from "../db/schema.ts";
import type { SessionsRepo } from "../db/sessions-repo.ts";
import type { UpdateLog } from "../persistence/update-log.ts";
import type { RoomRegistry } from "../rooms/registry.ts";

/** How a pad's life ends: by inactivity, or by its owner. */
export type PadEnd = "expired" | "deleted";

/**
 * Decides whether a pad has expired and ends pads. A loaded room knows of edits the
 * database has not seen yet, so it has the last word on the pad's latest activity.
 */
export class PadLifecycle {
  constructor(
    private readonly repo: SessionsRepo,
    private readonly registry: RoomRegistry,
    private readonly updateLog: UpdateLog,
    private readonly sessionDurationMs: number,
    /** Tells the other instances (scale-out) that a pad ended, so they close its clients. */
    private readonly announceEnd: (padId: string) => void = () => {},
  ) {}

  /** When the pad expires, taking the live room's activity into account. */
  expiresAt(row: SessionRow): Date {
    const room = this.registry.peek(row.sessionId);
    const lastActive = Math.max(row.lastActive.getTime(), room?.lastActivity ?? 0);
    return new Date(lastActive + this.sessionDurationMs);
  }

  lastActive(row: SessionRow): Date {
    const room = this.registry.peek(row.sessionId);
    return new Date(Math.max(row.lastActive.getTime(), room?.lastActivity ?? 0));
  }

  isExpired(row: SessionRow, now = new Date()): boolean {
    return this.expiresAt(row).getTime() <= now.getTime();
  }

  /**
   * Ends a pad: marks it inactive first (so no snapshot can write it again), closes its
   * clients with 4410, then deletes its document and its log. Returns false when it had
   * already ended.
   */
  async end(padId: string, how: PadEnd): Promise<boolean> {
    const ended = await this.repo.deactivate(padId, how, new Date());
    this.announceEnd(padId);
    await this.dropEndedPad(padId);
    return ended;
  }

  /**
   * What is left to do here once a pad has ended (here, or on another instance that said
   * so): its clients are closed with 4410 and this instance's log of it is deleted.
   */
  async dropEndedPad(padId: string): Promise<void> {
    await this.registry.evict(padId, CloseCodes.gone);
    await this.updateLog.clear(padId);
  }

  /** Ends the pad if it has expired; true when it is (now) over. */
  async endIfExpired(row: SessionRow): Promise<boolean> {
    if (!row.isActive) return true;
    if (!this.isExpired(row)) return false;
    await this.end(row.sessionId, "expired");
    return true;
  }
}
