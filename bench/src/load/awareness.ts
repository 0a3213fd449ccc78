import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * An awareness update of one client, written by hand: the load generator has no Awareness
 * object per client (a real editor's state is one small JSON per key press).
 */
export function encodeAwarenessState(client: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}

/** The (client, clock) pairs of an awareness update, without parsing the states. */
export function awarenessClocks(update: Uint8Array): { client: number; clock: number }[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: { client: number; clock: number }[] = [];
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
    entries.push({ client, clock });
  }
  return entries;
}
