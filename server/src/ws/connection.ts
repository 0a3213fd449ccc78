import type { Socket } from "node:net";
import { WebSocket, type RawData } from "ws";
import { CloseCodes, type CloseCode, type PadUser } from "@codepad/shared";
import { PadGoneError } from "../rooms/pad-loader.ts";
import { PadTooLargeError } from "../rooms/pad-size-guard.ts";
import type { MessageEffect, Room } from "../rooms/room.ts";
import type { RoomMember } from "../rooms/room-member.ts";
import { MalformedMessageError } from "./frames.ts";
import { MessageBudget } from "./message-budget.ts";
import type { ReadTurns } from "./read-turns.ts";
import type { QueuedWrites, SocketWrites } from "./socket-writes.ts";
import { wireFrame, wireFrames } from "./wire-frame.ts";
import { keepMessageBytesYoung } from "./keep-message-bytes-young.ts";

/**
 * Frames a client may send before its room is loaded (it sends sync step 1 and its
 * awareness at once). They are kept, in order, and handled once the room is ready.
 */
const MAX_EARLY_FRAMES = 64;
const MAX_EARLY_BYTES = 16 * 1024 * 1024;

/**
 * Bytes we queue for a client that does not read. Past this it is dropped (it reconnects
 * and syncs the difference), so that one stalled socket cannot grow the server's memory.
 */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * Bytes of frames a connection handles in one turn of the event loop before its socket is
 * paused until the next one (see ReadTurns). A typist sends tens of bytes a key; a paste or
 * a first sync is one frame and waits at most a turn. One 64 KiB read of one-key updates
 * takes the server about 13 ms, which bounds what a streaming client delays the others.
 */
const MAX_BYTES_PER_TURN = 16 * 1024;

/**
 * Largest sum of payloads that a socket's frames of one turn are copied together for; above
 * it, each frame is written as it is (a broadcast's frame is shared by its recipients).
 */
const MAX_COPIED_BYTES = 16 * 1024;

export interface ConnectionOptions {
  /** WS_MESSAGE_RATE_MAX: messages handled per second; past it the socket closes with 4429. */
  messagesPerSecond: number;
  /** Largest frame handled; a larger one closes the socket with 4413. */
  maxMessageBytes: number;
  /** Where the socket's queued frames are written from, once per turn. */
  socketWrites: SocketWrites;
  /** The event loop's turns, to share reads between sockets. */
  readTurns: ReadTurns;
  /** Called for every frame the client sends. */
  onClientMessage?: () => void;
  log: (message: string, error?: unknown) => void;
}

/** One client's WebSocket: frames in strict order, liveness, and the room it joined. */
export class Connection implements RoomMember, QueuedWrites {
  user: PadUser | undefined;
  /** Set by the heartbeat; a client that has not answered the previous ping is dead. */
  alive = true;
  lastSentAt = Date.now();
  private room: Room | undefined;
  /**
   * Payloads queued this turn; framed when written. Two arrays, swapped and emptied, never
   * dropped: an array replaced after each write lives on, grows old between a client's
   * messages, and when dropped with the turn's frames in it, V8's young-generation
   * collector keeps those frames (any pointer from an old object counts as live) and
   * copies them to the old generation, where only a full collection frees them.
   */
  private outbox: Uint8Array[] = [];
  private spareOutbox: Uint8Array[] = [];
  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  private readonly messageBudget: MessageBudget;
  private readonly readTurns: ReadTurns;
  /** The turn `bytesThisTurn` counts. */
  private readTurn = -1;
  private bytesThisTurn = 0;

  private readonly maxMessageBytes: number;
  private readonly socketWrites: SocketWrites;
  private readonly onClientMessage: (() => void) | undefined;
  private readonly log: (message: string, error?: unknown) => void;

  constructor(
    readonly ws: WebSocket,
    options: ConnectionOptions,
  ) {
    this.messageBudget = new MessageBudget(options.messagesPerSecond);
    this.maxMessageBytes = options.maxMessageBytes;
    this.socketWrites = options.socketWrites;
    this.readTurns = options.readTurns;
    this.onClientMessage = options.onClientMessage;
    this.log = options.log;
    ws.binaryType = "nodebuffer";
    keepMessageBytesYoung(ws);
    ws.on("message", this.onMessage);
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("error", (error) => {
      // ws emits errors for protocol violations (e.g. oversized frames) and then closes.
      this.log("websocket error", error);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Queues a frame; all frames queued in one turn of the event loop go out in one write.
   * The kernel's per-write cost, not Yjs, is what limits a relay (one write per message
   * and recipient tops out near 14,000 messages/s here; coalesced, over 260,000). Frames
   * stay separate WebSocket messages; only the writes are merged.
   */
  send(frame: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.outbox.push(frame);
    if (this.outbox.length === 1) this.socketWrites.schedule(this);
  }

  close(closeCode: CloseCode): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      // What was queued before the refusal still goes out first.
      this.writeQueued(wireFrame);
      this.ws.close(closeCode.code, closeCode.reason);
    }
  }

  /**
   * Writes the frames queued since the last write (SocketWrites calls it once a turn, with
   * `frame` sharing the wire bytes of a broadcast between its recipients).
   */
  writeQueued(frame: (payload: Uint8Array) => Buffer): void {
    if (this.outbox.length === 0) return;
    const payloads = this.outbox;
    this.outbox = this.spareOutbox;
    try {
      this.writePayloads(payloads, frame);
    } finally {
      payloads.length = 0;
      this.spareOutbox = payloads;
    }
  }

  private writePayloads(payloads: Uint8Array[], frame: (payload: Uint8Array) => Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      return;
    }
    // Whole frames straight to the socket, as ws's own sender writes them (no extension
    // is negotiated, so ws keeps no per-message state). Small ones are copied into one
    // buffer; large ones (a first sync, a paste) are corked and leave in one writev.
    const socket = (this.ws as unknown as { _socket: Socket })._socket;
    if (payloads.length === 1) {
      socket.write(frame(payloads[0] as Uint8Array));
    } else if (totalLength(payloads) <= MAX_COPIED_BYTES) {
      socket.write(wireFrames(payloads));
    } else {
      socket.cork();
      for (const payload of payloads) socket.write(frame(payload));
      socket.uncork();
    }
    this.lastSentAt = Date.now();
  }

  /** Joins the room and handles, in order, what the client sent while it was loading. */
  attach(room: Room): void {
    this.room = room;
    room.join(this);
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    for (const frame of early) {
      if (!this.isOpen) return;
      this.handle(room, frame);
    }
  }

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    this.onClientMessage?.();
    if (!isBinary) {
      this.close(CloseCodes.malformed); // the protocol is binary; text is not one of its frames
      return;
    }
    if (!this.isOpen) return;
    const frame = toUint8Array(data);
    if (frame.byteLength > this.maxMessageBytes) {
      this.close(CloseCodes.tooLarge);
      return;
    }
    this.shareReads(frame.byteLength);
    if (this.room === undefined) {
      this.count("effective");
      this.early.push(frame);
      this.earlyBytes += frame.byteLength;
      if (this.early.length > MAX_EARLY_FRAMES || this.earlyBytes > MAX_EARLY_BYTES) {
        this.close(CloseCodes.tooManyRequests);
      }
      return;
    }
    this.handle(this.room, frame);
  };

  /**
   * Pauses the socket once it has had its share of this turn: the frames already read are
   * still handled, in order, and reading resumes after the other sockets had their turn.
   */
  private shareReads(bytes: number): void {
    const turn = this.readTurns.current();
    if (turn !== this.readTurn) {
      this.readTurn = turn;
      this.bytesThisTurn = 0;
    }
    this.bytesThisTurn += bytes;
    if (this.bytesThisTurn > MAX_BYTES_PER_TURN && !this.ws.isPaused) {
      this.ws.pause();
      setImmediate(this.resumeReading);
    }
  }

  private readonly resumeReading = (): void => {
    this.ws.resume();
  };

  /**
   * Spends this message's points; a flood is closed at the first message past its budget.
   * Echoes cost a tenth: a client echoes what others send.
   */
  private count(effect: MessageEffect): void {
    if (!this.messageBudget.spend(effect === "echo" ? 0.1 : 1)) {
      this.close(CloseCodes.tooManyRequests);
    }
  }

  private handle(room: Room, frame: Uint8Array): void {
    try {
      this.count(room.receive(this, frame));
    } catch (error) {
      this.count("effective");
      this.refuse(error);
    }
  }

  refuse(error: unknown): void {
    if (error instanceof MalformedMessageError) {
      this.close(CloseCodes.malformed);
      return;
    }
    if (error instanceof PadTooLargeError) {
      this.close(CloseCodes.tooLarge);
      return;
    }
    if (error instanceof PadGoneError) {
      this.close(CloseCodes.gone);
      return;
    }
    this.log(`pad ${this.room?.padId ?? "?"}: failed to handle a message`, error);
    this.close(CloseCodes.internalError);
  }
}

function totalLength(payloads: readonly Uint8Array[]): number {
  let length = 0;
  for (const payload of payloads) length += payload.byteLength;
  return length;
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
