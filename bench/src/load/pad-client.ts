import type { Socket } from "node:net";
import { WebSocket, type RawData } from "ws";
import * as Y from "yjs";
import type { Dialect } from "../targets/target.ts";
import { FrameCodec } from "./frames.ts";
import { now } from "./send-times.ts";

export interface PadClientOptions {
  url: string;
  dialect: Dialect;
  padId: string;
  /**
   * The client's document: its local changes are sent, the server's sync step 2 is applied
   * to it. Clients that only watch have none, and cost only a header parse per message.
   */
  doc?: Y.Doc;
  /** Apply others' updates to `doc` (typists need the text to type into; writers don't). */
  applyRemote?: boolean;
  /** Every update another client made, as it arrives. */
  onUpdate?: (update: Uint8Array, receivedAt: number) => void;
  /** Every awareness update, as it arrives. */
  onAwareness?: (update: Uint8Array, receivedAt: number) => void;
  syncTimeoutMs?: number;
}

/** Origin of updates that came from the server, so they are not sent back. */
const REMOTE = Symbol("remote");

const DEFAULT_SYNC_TIMEOUT_MS = 30_000;

/**
 * A lean y-websocket client: ws + yjs + lib0, no provider, no Awareness object. It speaks
 * the plain protocol (Codepad, reference), the Hocuspocus variant (document-name prefix and
 * an auth frame first), or nothing at all to the relay, which only forwards.
 */
export class PadClient {
  readonly codec: FrameCodec;
  /** Milliseconds from opening the socket to holding the server's state. */
  connectMs = 0;
  /** Close code when the server closed the socket after it synced. */
  closedWith: number | null = null;
  private ws: WebSocket | undefined;
  private outbox: Uint8Array[] = [];
  /** Where `send` puts frames while `framesOf` runs. */
  private captured: Uint8Array[] | null = null;

  private constructor(private readonly options: PadClientOptions) {
    this.codec = new FrameCodec(options.dialect, options.padId);
  }

  /** Opens the socket and resolves once synced (for the relay: once open). */
  static async open(options: PadClientOptions): Promise<PadClient> {
    const client = new PadClient(options);
    await client.connect();
    return client;
  }

  get doc(): Y.Doc | undefined {
    return this.options.doc;
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in this socket, not yet written to the kernel. */
  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  private connect(): Promise<void> {
    const started = now();
    const { options, codec } = this;
    const doc = options.doc;
    const ws = new WebSocket(options.url, {
      // Browsers offer compression, but the servers here do not take it (ws' default).
      perMessageDeflate: false,
      // A zero masking key makes ws skip the XOR of every payload: the load generator's core
      // is the scarce one. RFC 6455 allows any key; random ones guard proxies' caches, and
      // there is no proxy on loopback.
      generateMask: (mask: Buffer) => {
        mask.fill(0);
      },
    });
    this.ws = ws;
    ws.binaryType = "nodebuffer";
    return new Promise<void>((resolve, reject) => {
      let synced = false;
      const timer = setTimeout(() => {
        fail(new Error(`not synced within ${options.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS} ms`));
      }, options.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS);
      const done = (at = now()) => {
        if (synced) return;
        synced = true;
        clearTimeout(timer);
        this.connectMs = at - started;
        resolve();
      };
      const fail = (error: Error) => {
        if (synced) return;
        synced = true;
        clearTimeout(timer);
        ws.terminate();
        reject(error);
      };

      ws.on("open", () => {
        if (options.dialect === "relay") return done();
        if (options.dialect === "hocuspocus") this.send(codec.auth());
        this.send(
          codec.syncStep1(doc === undefined ? EMPTY_STATE_VECTOR : Y.encodeStateVector(doc)),
        );
      });
      ws.on("message", (data: RawData) => {
        const at = now();
        const frame = data as Buffer;
        if (options.dialect === "relay") {
          // The relay forwards other clients' frames as they are: updates and awareness.
          this.handleRelayed(frame, at);
          return;
        }
        const message = codec.decode(frame);
        switch (message.kind) {
          case "syncStep1":
            // What the server lacks: all of our document (nothing for a watcher).
            this.send(
              codec.syncStep2(
                doc === undefined ? EMPTY_UPDATE : Y.encodeStateAsUpdate(doc, message.stateVector),
              ),
            );
            break;
          case "syncStep2":
            // Synced when the state arrives; applying it is the load generator's own cost.
            done(at);
            if (doc !== undefined) Y.applyUpdate(doc, message.update, REMOTE);
            break;
          case "update":
            if (doc !== undefined && options.applyRemote === true) {
              Y.applyUpdate(doc, message.update, REMOTE);
            }
            options.onUpdate?.(message.update, at);
            break;
          case "awareness":
            options.onAwareness?.(message.update, at);
            break;
          case "denied":
            fail(new Error(`permission denied: ${message.reason}`));
            break;
          default:
            break;
        }
      });
      ws.on("close", (code, reason) => {
        this.closedWith = code;
        fail(new Error(`closed ${code} ${reason.toString()} before sync`));
      });
      ws.on("error", (error) => fail(error));
      doc?.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin !== REMOTE) this.send(codec.update(update));
      });
    });
  }

  private handleRelayed(frame: Buffer, at: number): void {
    const message = this.codec.decode(frame);
    if (message.kind === "update") {
      if (this.options.doc !== undefined && this.options.applyRemote === true) {
        Y.applyUpdate(this.options.doc, message.update, REMOTE);
      }
      this.options.onUpdate?.(message.update, at);
    } else if (message.kind === "awareness") {
      this.options.onAwareness?.(message.update, at);
    }
  }

  sendUpdate(update: Uint8Array): void {
    this.send(this.codec.update(update));
  }

  sendAwareness(update: Uint8Array): void {
    this.send(this.codec.awareness(update));
  }

  /**
   * Queues a frame; the frames of one event-loop turn leave in one corked write, so the
   * load generator pays one syscall per socket and turn, as a good server does.
   */
  send(frame: Uint8Array): void {
    if (this.captured !== null) {
      this.captured.push(frame);
      return;
    }
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.outbox.push(frame);
    if (this.outbox.length === 1) setImmediate(this.flush);
  }

  /** Runs `act` and returns the frames it sends, instead of sending them. */
  framesOf(act: () => void): Uint8Array[] {
    const captured: Uint8Array[] = [];
    this.captured = captured;
    try {
      act();
    } finally {
      this.captured = null;
    }
    return captured;
  }

  /**
   * Writes what is queued now instead of at the end of the turn. A typist calls it after
   * each key: its send time is taken at the key, and waiting for the turn to end would add
   * the load generator's own reading of thousands of other sockets to every latency.
   */
  flushNow(): void {
    if (this.outbox.length > 0) this.flush();
  }

  private readonly flush = (): void => {
    const frames = this.outbox;
    if (frames.length === 0) return;
    this.outbox = [];
    const ws = this.ws;
    if (ws?.readyState !== WebSocket.OPEN) return;
    const socket = (ws as unknown as { _socket?: Socket })._socket;
    socket?.cork();
    for (const frame of frames) ws.send(frame);
    socket?.uncork();
  };

  /**
   * Writes ready-made wire frames (see client-wire-frames.ts) straight to the socket, after
   * whatever this client has queued: one write, no framing cost at the time it is sent.
   */
  writeWire(wire: Buffer): void {
    this.flush();
    const socket = (this.ws as unknown as { _socket?: Socket } | undefined)?._socket;
    if (socket === undefined || this.ws?.readyState !== WebSocket.OPEN) return;
    socket.write(wire);
  }

  close(): void {
    this.ws?.removeAllListeners("close");
    this.ws?.on("close", () => undefined);
    this.ws?.close();
    this.options.doc?.destroy();
  }
}

const EMPTY_STATE_VECTOR = new Uint8Array([0]);
const EMPTY_UPDATE = new Uint8Array([0, 0]);
