import { wireFrame } from "./wire-frame.ts";

/** Something with frames queued to write (a connection). */
export interface QueuedWrites {
  writeQueued(frame: (payload: Uint8Array) => Buffer): void;
}

/**
 * Writes what many sockets queued during one turn of the event loop, after that turn's I/O
 * callbacks, with one setImmediate for all of them: a broadcast to a hundred clients
 * otherwise scheduled a hundred. Each socket's frames still leave in one write (see
 * `Connection.send`).
 *
 * A payload is framed once per pass, however many sockets it goes to: a broadcast hands
 * every recipient the same payload, and so the same wire bytes.
 */
export class SocketWrites {
  private queued: QueuedWrites[] = [];

  /** Call once per turn per socket, when its first frame of the turn is queued. */
  schedule(writes: QueuedWrites): void {
    if (this.queued.push(writes) === 1) setImmediate(this.writeAll);
  }

  private readonly writeAll = (): void => {
    const queued = this.queued;
    this.queued = [];
    // A new map for every pass, dropped young with the frames it holds. A map kept across
    // passes grows old, and `clear()` leaves its old table pointing at that pass's frames:
    // V8's young-generation collector then keeps them, and they are copied to the old
    // generation, where only a full collection frees them.
    const framed = new Map<Uint8Array, Buffer>();
    const frameOnce = (payload: Uint8Array): Buffer => {
      let frame = framed.get(payload);
      if (frame === undefined) {
        frame = wireFrame(payload);
        framed.set(payload, frame);
      }
      return frame;
    };
    for (const writes of queued) writes.writeQueued(frameOnce);
  };
}
