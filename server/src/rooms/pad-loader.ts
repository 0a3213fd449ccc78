import * as Y from "yjs";
import { batchLookups } from "../db/batch-lookups.ts";
import type { SessionsRepo } from "../db/sessions-repo.ts";
import type { UpdateLog } from "../persistence/update-log.ts";
import type { PadMeta } from "./pad-document.ts";

export class PadNotFoundError extends Error {}
export class PadGoneError extends Error {}

/** A pad's document as storage holds it: the database snapshot with the log merged in. */
export interface LoadedPad {
  doc: Y.Doc;
  /** Clock of the newest logged update in `doc` (-1: none). */
  loggedClock: number;
  /** True when `doc` holds updates the database snapshot does not. */
  dirty: boolean;
  /**
   * The database snapshot when it is the whole of `doc` (no log entry went on top): an
   * encoding of the document that a new client can be sent as it is.
   */
  wholeState: Uint8Array | null;
  meta: PadMeta;
}

export type PadLoader = (padId: string) => Promise<LoadedPad>;

/** Pads whose rows are read with one query when many rooms open at once. */
const ROWS_PER_LOOKUP = 100;

/**
 * Reads a pad from storage. Throws PadNotFoundError or PadGoneError when it does not exist
 * or has ended, so that nothing is ever saved over the stored state of a pad that could
 * not be read.
 */
export function createPadLoader(
  repo: SessionsRepo,
  updateLog: UpdateLog,
  log: (message: string, error?: unknown) => void,
): PadLoader {
  const findRow = batchLookups((padIds: string[]) => repo.findManyForLoad(padIds), ROWS_PER_LOOKUP);
  return async (padId) => {
    const row = await findRow(padId);
    if (row === undefined) throw new PadNotFoundError(padId);
    if (!row.isActive) throw new PadGoneError(padId);
    // The pad id as guid spares a random UUID per load; it never leaves this process.
    const doc = new Y.Doc({ guid: padId });
    if (row.docState !== null) Y.applyUpdate(doc, row.docState);
    const updates = await updateLog.read(padId);
    const loggedClock = updateLog.currentClock(padId);
    for (const update of updates) {
      try {
        Y.applyUpdate(doc, update);
      } catch (error) {
        // One bad entry must not make the whole pad unreadable.
        log(`pad ${padId}: skipped an unreadable log entry`, error);
      }
    }
    return {
      doc,
      loggedClock,
      dirty: updates.length > 0,
      wholeState: updates.length === 0 ? row.docState : null,
      meta: { title: row.title, language: row.language },
    };
  };
}
