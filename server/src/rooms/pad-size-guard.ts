import * as Y from "yjs";
import { MalformedMessageError } from "../ws/frames.ts";
import { deletesNothingNew } from "./deletes-nothing-new.ts";

export class PadTooLargeError extends Error {}

/**
 * Keeps a pad's text within MAX_CODE_SIZE bytes of UTF-8 on every path, before an update is
 * logged or applied (Yjs cannot take an update back).
 *
 * Only Y.Text stores strings as ContentString, and `code` is the only text of a pad, so the
 * strings an update inserts bound how much it can grow the text. The exact size is
 * recomputed only when that bound says the limit might be crossed, which keeps the common
 * case to one pass over the update.
 */
export class PadSizeGuard {
  /** Upper bound of the text's size: exact after a measure, then only ever raised. */
  private boundBytes: number;

  private readonly text: Y.Text;

  constructor(
    private readonly doc: Y.Doc,
    private readonly textName: string,
    private readonly maxBytes: number,
  ) {
    this.text = doc.getText(textName);
    this.boundBytes = byteLength(this.text.toJSON());
  }

  /**
   * Throws MalformedMessageError for an update Yjs cannot decode, PadTooLargeError for one
   * that would push the text over the limit. `unapplied` are the updates accepted before
   * this one that the document does not hold yet, oldest first. `empty` tells an update
   * that changes nothing (the sync step 2 of a client that has nothing new: no items, and
   * only deletions the document already has).
   */
  check(update: Uint8Array, unapplied: () => readonly Uint8Array[]): { empty: boolean } {
    let inserted = 0;
    let empty: boolean;
    try {
      const decoded = Y.decodeUpdate(update);
      empty = decoded.structs.length === 0 && deletesNothingNew(this.doc, decoded.ds);
      for (const struct of decoded.structs) {
        if (struct instanceof Y.Item && struct.content instanceof Y.ContentString) {
          inserted += byteLength(struct.content.str);
        }
      }
    } catch (error) {
      throw new MalformedMessageError(
        `undecodable update: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (inserted === 0) return { empty };
    if (this.boundBytes + inserted <= this.maxBytes) {
      this.boundBytes += inserted;
      return { empty };
    }
    // Near the limit: measure what the text would really be (deletions, duplicates).
    // Listed only here, near the limit: building the list per update was quadratic in a burst.
    const earlierUpdates = unapplied();
    if (earlierUpdates.length === 0) {
      const current = byteLength(this.text.toJSON());
      if (current + inserted <= this.maxBytes) {
        this.boundBytes = current + inserted;
        return { empty };
      }
    }
    // Accepted updates still on their way to the log count too: one may be the deletion
    // that makes room for this insertion.
    const trial = new Y.Doc();
    try {
      Y.applyUpdate(trial, Y.encodeStateAsUpdate(this.doc));
      for (const earlier of earlierUpdates) Y.applyUpdate(trial, earlier);
      Y.applyUpdate(trial, update);
      const after = byteLength(trial.getText(this.textName).toJSON());
      if (after > this.maxBytes) {
        throw new PadTooLargeError(`the pad would be ${after} bytes, over ${this.maxBytes}`);
      }
      this.boundBytes = after;
    } finally {
      trial.destroy();
    }
    return { empty };
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
