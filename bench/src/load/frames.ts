import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { Dialect } from "../targets/target.ts";

/** Message types of the y-websocket protocol, and Hocuspocus' additions. */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** Hocuspocus: a sync message that does not ask for another step 1. */
  syncReply: 4,
  /** Hocuspocus: acknowledges each update a client sent. */
  syncStatus: 8,
} as const;

export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

/** Hocuspocus' auth sub-messages (its @hocuspocus/common AuthMessageType). */
const AuthType = { token: 0, permissionDenied: 1, authenticated: 2 } as const;

export type ServerMessage =
  | { kind: "syncStep1"; stateVector: Uint8Array }
  | { kind: "syncStep2"; update: Uint8Array }
  | { kind: "update"; update: Uint8Array }
  | { kind: "awareness"; update: Uint8Array }
  | { kind: "authenticated" }
  | { kind: "denied"; reason: string }
  | { kind: "other" };

/**
 * Encodes and decodes the frames of one pad. Hocuspocus multiplexes documents on a socket,
 * so each of its frames starts with the document name as a varString; the other targets
 * take the pad from the URL and frames start with the message type.
 */
export class FrameCodec {
  private readonly prefixed: boolean;

  constructor(
    dialect: Dialect,
    private readonly docName: string,
  ) {
    this.prefixed = dialect === "hocuspocus";
  }

  private frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
    const encoder = encoding.createEncoder();
    if (this.prefixed) encoding.writeVarString(encoder, this.docName);
    write(encoder);
    return encoding.toUint8Array(encoder);
  }

  private sync(syncType: number, payload: Uint8Array): Uint8Array {
    return this.frame((encoder) => {
      encoding.writeVarUint(encoder, MessageType.sync);
      encoding.writeVarUint(encoder, syncType);
      encoding.writeVarUint8Array(encoder, payload);
    });
  }

  syncStep1 = (stateVector: Uint8Array) => this.sync(SyncType.step1, stateVector);
  syncStep2 = (update: Uint8Array) => this.sync(SyncType.step2, update);
  update = (update: Uint8Array) => this.sync(SyncType.update, update);

  awareness(update: Uint8Array): Uint8Array {
    return this.frame((encoder) => {
      encoding.writeVarUint(encoder, MessageType.awareness);
      encoding.writeVarUint8Array(encoder, update);
    });
  }

  /** Hocuspocus wants a token before anything else; it accepts any when no hook checks. */
  auth(): Uint8Array {
    return this.frame((encoder) => {
      encoding.writeVarUint(encoder, MessageType.auth);
      encoding.writeVarUint(encoder, AuthType.token);
      encoding.writeVarString(encoder, "");
    });
  }

  decode(frame: Uint8Array): ServerMessage {
    const decoder = decoding.createDecoder(frame);
    if (this.prefixed) decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync:
      case MessageType.syncReply: {
        const syncType = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (syncType === SyncType.step1) return { kind: "syncStep1", stateVector: payload };
        if (syncType === SyncType.step2) return { kind: "syncStep2", update: payload };
        return { kind: "update", update: payload };
      }
      case MessageType.awareness:
        return { kind: "awareness", update: decoding.readVarUint8Array(decoder) };
      case MessageType.auth: {
        const authType = decoding.readVarUint(decoder);
        if (authType === AuthType.authenticated) return { kind: "authenticated" };
        if (authType === AuthType.permissionDenied) {
          return { kind: "denied", reason: decoding.readVarString(decoder) };
        }
        return { kind: "other" };
      }
      default:
        return { kind: "other" };
    }
  }
}
