import { PadGoneError, PadNotFoundError } from "../rooms/pad-loader.ts";
import type { RoomRegistry } from "../rooms/registry.ts";
import type { UpdateLog } from "./update-log.ts";

/**
 * After a crash the log holds updates the database snapshot lacks. Folding them in at
 * start-up keeps the database the whole truth for pads nobody has opened yet (the REST API
 * reads their text from it). Returns the number of pads recovered.
 */
export async function recoverUpdateLog(
  updateLog: UpdateLog,
  registry: RoomRegistry,
  log: (message: string, error?: unknown) => void,
): Promise<number> {
  let recovered = 0;
  for (const padId of updateLog.padsWithEntries()) {
    try {
      const room = await registry.acquire(padId);
      try {
        await room.snapshot();
        recovered += 1;
      } finally {
        registry.release(room);
      }
    } catch (error) {
      if (error instanceof PadGoneError || error instanceof PadNotFoundError) {
        await updateLog.clear(padId); // the pad ended while its log was being written
      } else {
        log(`pad ${padId}: recovery from the update log failed`, error);
      }
    }
  }
  return recovered;
}
