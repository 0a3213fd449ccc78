import { yieldToEventLoop } from "../yield-to-event-loop.ts";

export interface BatchLimits<I> {
  /** Most items handed to `runMany` at once. */
  maxItems: number;
  /** Most total weight handed to `runMany` at once (an item heavier than this goes alone). */
  maxWeight?: number;
  weigh?: (item: I) => number;
  /**
   * When a group fails, run its items one by one, so that an item the database refuses
   * fails alone (writes); otherwise every item of the group gets the error (reads, which
   * fail together when the database is away).
   */
  retryEachOnFailure?: boolean;
}

/**
 * Gathers the calls made during one turn of the event loop and runs them with `runMany`,
 * in groups within `limits`, one group at a time with a turn of the event loop between two
 * (embedded PGlite shares the core with the typists where there is one). `runMany` answers
 * each item of a group in order.
 */
export function batchPerTurn<I, R>(
  runMany: (items: I[]) => Promise<R[]>,
  limits: BatchLimits<I>,
): (item: I) => Promise<R> {
  let waiting: Waiter<I, R>[] = [];
  let scheduled = false;

  const runGroup = async (group: Waiter<I, R>[]): Promise<void> => {
    try {
      const results = await runMany(group.map((waiter) => waiter.item));
      group.forEach((waiter, index) => waiter.resolve(results[index] as R));
      return;
    } catch (error) {
      if (group.length === 1 || limits.retryEachOnFailure !== true) {
        for (const waiter of group) waiter.reject(error);
        return;
      }
    }
    for (const waiter of group) await runGroup([waiter]);
  };

  const runWaiting = async (): Promise<void> => {
    scheduled = false;
    const batch = waiting;
    waiting = [];
    for (const [index, group] of groupsOf(batch, limits).entries()) {
      if (index > 0) await yieldToEventLoop();
      await runGroup(group);
    }
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // After the I/O callbacks of this turn, which are where the calls come from.
        setImmediate(() => void runWaiting());
      }
    });
}

function groupsOf<I, R>(batch: Waiter<I, R>[], limits: BatchLimits<I>): Waiter<I, R>[][] {
  const groups: Waiter<I, R>[][] = [];
  let group: Waiter<I, R>[] = [];
  let weight = 0;
  for (const waiter of batch) {
    const itemWeight = limits.weigh?.(waiter.item) ?? 0;
    const full =
      group.length === limits.maxItems ||
      (limits.maxWeight !== undefined &&
        group.length > 0 &&
        weight + itemWeight > limits.maxWeight);
    if (full) {
      groups.push(group);
      group = [];
      weight = 0;
    }
    group.push(waiter);
    weight += itemWeight;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

interface Waiter<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}
