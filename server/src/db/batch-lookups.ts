/**
 * Gathers the keys looked up during one turn of the event loop and reads them with one
 * query. A reconnect storm opens hundreds of rooms within a few turns, and each room reads
 * its pad's row: on embedded PGlite one query for one pad cost 0.25 ms of the event loop and
 * one query for 50 pads 0.015 ms per pad (measured on these machines), so 1,250 rooms spent
 * over 300 ms in lookups. A key asked for while a batch is being read goes into the next.
 */
export function batchLookups<K, V>(
  readMany: (keys: K[]) => Promise<Map<K, V>>,
  maxBatch: number,
): (key: K) => Promise<V | undefined> {
  let waiting = new Map<K, Waiter<V>[]>();
  let scheduled = false;

  const readWaiting = async (): Promise<void> => {
    scheduled = false;
    const batch = waiting;
    waiting = new Map();
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += maxBatch) {
      const chunk = keys.slice(start, start + maxBatch);
      try {
        const found = await readMany(chunk);
        for (const key of chunk)
          for (const waiter of batch.get(key) ?? []) waiter.resolve(found.get(key));
      } catch (error) {
        for (const key of chunk) for (const waiter of batch.get(key) ?? []) waiter.reject(error);
      }
    }
  };

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      const waiters = waiting.get(key);
      if (waiters === undefined) waiting.set(key, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // After the I/O callbacks of this turn, which are where the lookups come from.
        setImmediate(() => void readWaiting());
      }
    });
}

interface Waiter<V> {
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
}
