import { batchPerTurn } from "./batch-per-turn.ts";

/**
 * Gathers the keys looked up during one turn of the event loop and reads them with one
 * query. A reconnect storm opens hundreds of rooms within a few turns, and each room reads
 * its pad's row: on embedded PGlite one query for one pad cost 0.25 ms and one query for 50
 * pads 0.015 ms per pad (measured on these machines), so 1,250 rooms spent over 300 ms in
 * lookups. A key asked for while a batch is being read goes into the next.
 */
export function batchLookups<K, V>(
  readMany: (keys: K[]) => Promise<Map<K, V>>,
  maxBatch: number,
): (key: K) => Promise<V | undefined> {
  return batchPerTurn(
    async (keys: K[]) => {
      const found = await readMany([...new Set(keys)]);
      return keys.map((key) => found.get(key));
    },
    { maxItems: maxBatch },
  );
}
