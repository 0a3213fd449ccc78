import * as decoding from "lib0/decoding";
import * as Y from "yjs";

/** The clocks [from, to) of one client that an update carries. */
export interface ClockRange {
  client: number;
  from: number;
  to: number;
}

/** Struct info bits and content ref of Yjs' v1 update encoding (yjs src/structs/Item.js). */
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;
const HAS_PARENT_SUB = 0x20;
const CONTENT_MASK = 0x1f;
const CONTENT_STRING = 4;

/**
 * Which clocks of which clients an update holds. The load generator receives hundreds of
 * thousands of updates a second in the throughput scenario, and Y.parseUpdateMeta builds a
 * struct object per item; a typed key is one update with one string item, which is read
 * here directly. Anything else (merged updates, deletions) goes through Yjs.
 */
export function updateClockRanges(update: Uint8Array): ClockRange[] {
  const fast = singleStringItem(update);
  if (fast !== null) return [fast];
  const meta = Y.parseUpdateMeta(update);
  const ranges: ClockRange[] = [];
  for (const [client, from] of meta.from) {
    const to = meta.to.get(client) ?? from;
    if (to > from) ranges.push({ client, from, to });
  }
  return ranges;
}

function singleStringItem(update: Uint8Array): ClockRange | null {
  try {
    const decoder = decoding.createDecoder(update);
    if (decoding.readVarUint(decoder) !== 1) return null; // clients
    if (decoding.readVarUint(decoder) !== 1) return null; // structs of that client
    const client = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const info = decoding.readUint8(decoder);
    if ((info & CONTENT_MASK) !== CONTENT_STRING) return null;
    const cantCopyParentInfo = (info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0;
    if ((info & HAS_ORIGIN) !== 0) skipId(decoder);
    if ((info & HAS_RIGHT_ORIGIN) !== 0) skipId(decoder);
    if (cantCopyParentInfo) {
      if (decoding.readVarUint(decoder) === 1) decoding.readVarString(decoder);
      else skipId(decoder);
      if ((info & HAS_PARENT_SUB) !== 0) decoding.readVarString(decoder);
    }
    const text = decoding.readVarString(decoder);
    return { client, from: clock, to: clock + text.length };
  } catch {
    return null;
  }
}

function skipId(decoder: decoding.Decoder): void {
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
}
