import * as Y from "yjs";

/** The deletions of a decoded update (Yjs does not export the DeleteSet type). */
type Deletions = ReturnType<typeof Y.decodeUpdate>["ds"];

/**
 * Whether every deletion in `deletions` is of an item `doc` holds and has already deleted,
 * so that applying them would change nothing.
 *
 * A client's sync step 2 always carries its document's whole delete set: Yjs does not
 * track deletions in state vectors, so it cannot send only the ones the server lacks. On
 * any pad where someone has ever pressed backspace, a client that reconnects with nothing
 * new (every open editor does, after a restart of the server or a dropped connection)
 * still sends every deletion the pad has had. Taken as a change, that was logged, sent to
 * every other client, and made the room encode the whole pad again for the next newcomer.
 *
 * Deletions of items the document does not hold yet (their insertion may still be on its
 * way to the log) are not known to be redundant: the answer is then false.
 */
export function deletesNothingNew(doc: Y.Doc, deletions: Deletions): boolean {
  for (const [client, ranges] of deletions.clients) {
    if (ranges.length === 0) continue;
    const structs = doc.store.clients.get(client);
    if (structs === undefined) return false;
    const last = structs[structs.length - 1];
    const heldUpTo = last === undefined ? 0 : last.id.clock + last.length;
    for (const { clock, len } of ranges) {
      const end = clock + len;
      if (end > heldUpTo) return false;
      for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
        const struct = structs[index] as Y.Item | Y.GC;
        if (struct.id.clock >= end) break;
        if (!struct.deleted) return false;
      }
    }
  }
  return true;
}
