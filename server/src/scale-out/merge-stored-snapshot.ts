import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { DocLayout } from "@codepad/shared";
import type { SnapshotWrite } from "../db/sessions-repo.ts";

/**
 * A snapshot merged with the one the database holds, for instances that share pads
 * (scale-out). Two instances snapshot the same pad; one's snapshot may miss an update the
 * other had already snapshotted and dropped from its log (it was still on its way through
 * Redis), and written over it, that update would live only in memory. Merged, nothing any
 * snapshot held is ever dropped. The text is read again only when the stored state has
 * updates the new one lacks (rare: the new one is usually the newer).
 */
export function mergeStoredSnapshot(stored: Uint8Array, snapshot: SnapshotWrite): SnapshotWrite {
  const docState = Y.mergeUpdates([stored, snapshot.docState]);
  if (!hasUpdatesBeyond(stored, snapshot.docState)) return { ...snapshot, docState };
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, docState);
    return { ...snapshot, docState, code: doc.getText(DocLayout.code).toJSON() };
  } finally {
    doc.destroy();
  }
}

/** Whether `update` holds a client's updates past those in `other` (by their clocks). */
function hasUpdatesBeyond(update: Uint8Array, other: Uint8Array): boolean {
  const theirs = clocksOf(other);
  for (const [client, clock] of clocksOf(update)) {
    if (clock > (theirs.get(client) ?? 0)) return true;
  }
  return false;
}

function clocksOf(update: Uint8Array): Map<number, number> {
  const decoder = decoding.createDecoder(Y.encodeStateVectorFromUpdate(update));
  const clocks = new Map<number, number>();
  for (let entries = decoding.readVarUint(decoder); entries > 0; entries--) {
    const client = decoding.readVarUint(decoder);
    clocks.set(client, decoding.readVarUint(decoder));
  }
  return clocks;
}
