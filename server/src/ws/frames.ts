import * as decoding from "lib0/decoding";
import { MessageType, SyncMessageType } from "@codepad/shared";

/** One decoded client frame of the y-websocket protocol. */
export type ClientMessage =
  | { kind: "syncStep1"; stateVector: Uint8Array }
  /** Sync step 2 and update carry the same payload: a Yjs update. */
  | { kind: "update"; update: Uint8Array }
  | { kind: "awareness"; update: Uint8Array }
  | { kind: "auth" }
  | { kind: "queryAwareness" };

export class MalformedMessageError extends Error {}

/** Decodes a frame; throws MalformedMessageError for anything outside the protocol. */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        const syncType = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (syncType === SyncMessageType.step1) return { kind: "syncStep1", stateVector: payload };
        if (syncType === SyncMessageType.step2 || syncType === SyncMessageType.update) {
          return { kind: "update", update: payload };
        }
        throw new MalformedMessageError(`unknown sync message type ${syncType}`);
      }
      case MessageType.awareness:
        return { kind: "awareness", update: decoding.readVarUint8Array(decoder) };
      case MessageType.auth:
        return { kind: "auth" };
      case MessageType.queryAwareness:
        return { kind: "queryAwareness" };
      default:
        throw new MalformedMessageError(`unknown message type ${type}`);
    }
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    // lib0 throws plain Errors ("Unexpected end of array", "Integer out of range") on truncation.
    throw new MalformedMessageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * A frame of the protocol: its one-byte type fields, then the payload with its varuint
 * length, in one allocation (a frame is made for every update and cursor that goes out;
 * lib0's growing encoder allocated a 100-byte buffer, its state and a final copy for it).
 */
function frame(types: readonly number[], payload: Uint8Array): Uint8Array {
  const length = payload.byteLength;
  let lengthBytes = 1;
  for (let rest = length; rest > 0x7f; rest = Math.floor(rest / 0x80)) lengthBytes++;
  const out = new Uint8Array(types.length + lengthBytes + length);
  let offset = 0;
  for (const type of types) out[offset++] = type; // every message type is below 128
  let rest = length;
  while (rest > 0x7f) {
    out[offset++] = 0x80 | (rest & 0x7f);
    rest = Math.floor(rest / 0x80);
  }
  out[offset++] = rest;
  out.set(payload, offset);
  return out;
}

const SYNC_STEP1 = [MessageType.sync, SyncMessageType.step1];
const SYNC_STEP2 = [MessageType.sync, SyncMessageType.step2];
const SYNC_UPDATE = [MessageType.sync, SyncMessageType.update];
const AWARENESS = [MessageType.awareness];

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array =>
  frame(SYNC_STEP1, stateVector);

export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => frame(SYNC_STEP2, update);

/**
 * Updates are forwarded as `update`, never as `step2`: the y-websocket client marks itself
 * "synced" on the first step 2 it receives, which must be the answer to its own step 1.
 */
export const encodeUpdate = (update: Uint8Array): Uint8Array => frame(SYNC_UPDATE, update);

export const encodeAwareness = (update: Uint8Array): Uint8Array => frame(AWARENESS, update);

/**
 * An awareness update with no entries: it changes nothing for the client that applies it,
 * but it is a message. The stock y-websocket client closes and reconnects a socket that has
 * received no message for 30 s, which is what a lone client on a pad would otherwise see.
 */
export const KEEP_ALIVE_FRAME: Uint8Array = encodeAwareness(new Uint8Array([0]));
