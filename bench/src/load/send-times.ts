import { performance } from "node:perf_hooks";

/**
 * When each key and each cursor move was sent, by Yjs client id and clock. Every client of
 * the load generator lives in this one process, so a receiver looks the sender's time up
 * here, on the same monotonic clock, instead of parsing a timestamp out of the text.
 */
export class SendTimes {
  private readonly edits = new Map<number, number[]>();
  private readonly cursors = new Map<number, number[]>();

  markEdit(client: number, clock: number): void {
    mark(this.edits, client, clock);
  }

  markCursor(client: number, clock: number): void {
    mark(this.cursors, client, clock);
  }

  editSentAt(client: number, clock: number): number | undefined {
    return this.edits.get(client)?.[clock];
  }

  cursorSentAt(client: number, clock: number): number | undefined {
    return this.cursors.get(client)?.[clock];
  }
}

function mark(table: Map<number, number[]>, client: number, clock: number): void {
  let times = table.get(client);
  if (times === undefined) {
    times = [];
    table.set(client, times);
  }
  times[clock] = performance.now();
}

export const now = (): number => performance.now();
