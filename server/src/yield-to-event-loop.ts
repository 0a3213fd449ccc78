/**
 * Lets the event loop run I/O callbacks before the caller goes on. The continuation of an
 * awaited promise is a microtask: a loop of awaited work (encoding pads to save them, reading
 * expired pads) would otherwise hold the event loop, and every typist on the instance, until
 * the last one is done.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
