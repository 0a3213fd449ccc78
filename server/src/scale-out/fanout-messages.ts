import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * What instances tell each other through Redis about a pad. Every message names the
 * instance that sent it: Redis delivers a publisher's messages back to it when it is
 * subscribed to the same channel, and an instance ignores its own.
 *
 * On a pad's channel:
 * - `update`: a Yjs update the sender has logged and applied (it is in the sender's update
 *   log, so the receiver forwards it without logging it again);
 * - `awareness`: a y-websocket awareness frame, forwarded to local clients as it is;
 * - `syncRequest`: "I just opened this pad: send me what my state vector lacks", answered on
 *   the requester's own channel;
 * - `ended`: the pad was deleted or expired; its clients everywhere are closed with 4410.
 *
 * On an instance's own channel:
 * - `syncReply`: the answer to a `syncRequest`: the update the requester lacks and the
 *   awareness states of the replier's own clients.
 */
export type FanoutMessage =
  | { kind: "update"; from: string; update: Uint8Array }
  | { kind: "awareness"; from: string; frame: Uint8Array }
  | { kind: "syncRequest"; from: string; requestId: number; stateVector: Uint8Array }
  | { kind: "ended"; from: string }
  | {
      kind: "syncReply";
      from: string;
      padId: string;
      requestId: number;
      update: Uint8Array;
      awareness: Uint8Array | null;
    };

const Kind = { update: 0, awareness: 1, syncRequest: 2, ended: 3, syncReply: 4 } as const;

export function encodeFanoutMessage(message: FanoutMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, Kind[message.kind]);
  encoding.writeVarString(encoder, message.from);
  switch (message.kind) {
    case "update":
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case "awareness":
      encoding.writeVarUint8Array(encoder, message.frame);
      break;
    case "syncRequest":
      encoding.writeVarUint(encoder, message.requestId);
      encoding.writeVarUint8Array(encoder, message.stateVector);
      break;
    case "ended":
      break;
    case "syncReply":
      encoding.writeVarString(encoder, message.padId);
      encoding.writeVarUint(encoder, message.requestId);
      encoding.writeVarUint8Array(encoder, message.update);
      encoding.writeVarUint8Array(encoder, message.awareness ?? new Uint8Array(0));
      break;
  }
  return encoding.toUint8Array(encoder);
}

/** Decodes a message; throws on bytes that are not one (another program on the channel). */
export function decodeFanoutMessage(bytes: Uint8Array): FanoutMessage {
  const decoder = decoding.createDecoder(bytes);
  const kind = decoding.readVarUint(decoder);
  const from = decoding.readVarString(decoder);
  switch (kind) {
    case Kind.update:
      return { kind: "update", from, update: decoding.readVarUint8Array(decoder) };
    case Kind.awareness:
      return { kind: "awareness", from, frame: decoding.readVarUint8Array(decoder) };
    case Kind.syncRequest:
      return {
        kind: "syncRequest",
        from,
        requestId: decoding.readVarUint(decoder),
        stateVector: decoding.readVarUint8Array(decoder),
      };
    case Kind.ended:
      return { kind: "ended", from };
    case Kind.syncReply: {
      const padId = decoding.readVarString(decoder);
      const requestId = decoding.readVarUint(decoder);
      const update = decoding.readVarUint8Array(decoder);
      const awareness = decoding.readVarUint8Array(decoder);
      return {
        kind: "syncReply",
        from,
        padId,
        requestId,
        update,
        awareness: awareness.length > 0 ? awareness : null,
      };
    }
    default:
      throw new Error(`unknown fan-out message kind ${kind}`);
  }
}
