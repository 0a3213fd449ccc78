import type { SessionsRepo } from "../db/sessions-repo.ts";
import type { PadLifecycle } from "../pads/pad-lifecycle.ts";

/** Pads ended per sweep; the next sweep takes the rest, so one sweep stays short. */
const SWEEP_BATCH = 100;

/**
 * Ends the pads whose last activity is older than SESSION_DURATION. The row's expiry can
 * be behind a loaded room's activity (edits are written with snapshots): such a pad is
 * not expired, and its row is brought up to date instead.
 */
export async function sweepExpiredPads(
  repo: SessionsRepo,
  lifecycle: PadLifecycle,
): Promise<number> {
  let ended = 0;
  for (const row of await repo.findExpired(new Date(), SWEEP_BATCH)) {
    if (await lifecycle.endIfExpired(row)) {
      ended += 1;
    } else {
      await repo.extend(row.sessionId, lifecycle.lastActive(row), lifecycle.expiresAt(row));
    }
  }
  return ended;
}

/** How often to sweep: often enough that a pad ends close to its expiry, at most each minute. */
export function sweepIntervalMs(sessionDurationSeconds: number): number {
  return Math.min(60_000, Math.max(500, (sessionDurationSeconds * 1000) / 4));
}
