/**
 * Lets the event loop run I/O callbacks before the caller goes on. Embedded PGlite runs
 * every query synchronously on this thread, and the continuation of an awaited query is a
 * microtask: a loop of queries would otherwise hold the event loop, and every typist on the
 * instance, until the last one is done.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
