/**
 * Which remote carets moved recently: their name labels show for LABEL_VISIBLE_MS after the
 * last move. Only a moved caret or selection counts (an edit moves it too); the typing flag
 * and the keep-alive renewals of awareness change nothing one can see.
 */

/** How long a name label stays up after its person's last cursor move or edit. */
export const LABEL_VISIBLE_MS = 2500;

export interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export class CaretActivity {
  /** Each remote client's last selection, as JSON, to tell a move from other changes. */
  private readonly lastSelection = new Map<number, string>();
  private readonly lastMoved = new Map<number, number>();

  constructor(private readonly selfClientId: number) {}

  /** Takes note of an awareness change; `states` is the awareness' map of states. */
  noteChange(change: AwarenessChange, states: Map<number, unknown>, now: number): void {
    for (const clientId of [...change.added, ...change.updated]) {
      if (clientId === this.selfClientId) continue;
      const state = states.get(clientId) as { selection?: unknown } | null | undefined;
      const selection = JSON.stringify(state?.selection ?? null);
      if (selection === this.lastSelection.get(clientId)) continue;
      this.lastSelection.set(clientId, selection);
      this.lastMoved.set(clientId, now);
    }
    for (const clientId of change.removed) {
      this.lastSelection.delete(clientId);
      this.lastMoved.delete(clientId);
    }
  }

  /** The clients whose labels show at `now`, and when the next one of them hides. */
  active(now: number): { clients: Set<number>; nextChangeAt: number | null } {
    const clients = new Set<number>();
    let nextChangeAt: number | null = null;
    for (const [clientId, movedAt] of this.lastMoved) {
      const hideAt = movedAt + LABEL_VISIBLE_MS;
      if (hideAt <= now) continue;
      clients.add(clientId);
      nextChangeAt = nextChangeAt === null ? hideAt : Math.min(nextChangeAt, hideAt);
    }
    return { clients, nextChangeAt };
  }
}
