/**
 * A full garbage collection once the instance has fallen quiet after pads let go of their
 * documents, so that the memory of pads nobody uses goes back to the system.
 *
 * V8 collects when its heap grows, not when it could shrink: after 1,000 pads went to sleep
 * and their clients sat idle for 20 s, no collection ran at all, and RSS still held 19 MiB of
 * their garbage (the benchmark's memory scenario). A full collection stops the event loop
 * for tens of milliseconds, so it runs only when no client has sent anything for `quietMs`:
 * nobody is typing or moving a cursor who could feel it. On an instance that never falls
 * quiet, V8's own schedule is all there is.
 */
export class QuietCollector {
  private lastMessageAt = performance.now();
  /** Documents were let go since the last collection. */
  private owed = false;

  constructor(
    /** The collection (see `server.ts`); without one this does nothing. */
    private readonly collect: (() => void) | undefined,
    private readonly quietMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A client sent a message (called for every frame: one clock read). */
  noteMessage(): void {
    this.lastMessageAt = this.now();
  }

  /** A room let go of its document (it went to sleep or was unloaded). */
  noteReleased(): void {
    this.owed = true;
  }

  /** Collects if documents were let go and no client has sent anything for `quietMs`. */
  collectIfQuiet(): boolean {
    if (!this.owed || this.collect === undefined) return false;
    if (this.now() - this.lastMessageAt < this.quietMs) return false;
    this.owed = false;
    this.collect();
    return true;
  }
}

/**
 * The collector node --expose-gc gives, if the server was started with it. Twice: with
 * --single-threaded-gc the pages a collection frees are swept lazily, as the program
 * allocates, and a quiet server hardly allocates; the second collection sweeps them and
 * gives them back (heap committed after the first: 52.6 MiB, after the second: 37.4 MiB).
 */
export function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") return undefined;
  return () => {
    gc();
    gc();
  };
}
