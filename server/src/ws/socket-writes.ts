/** Something with frames queued to write (a connection). */
export interface QueuedWrites {
  writeQueued(): void;
}

/**
 * Writes what many sockets queued during one turn of the event loop, after that turn's I/O
 * callbacks, with one setImmediate for all of them: a broadcast to a hundred clients
 * otherwise scheduled a hundred. Each socket's frames still leave in one write (see
 * `Connection.send`).
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
    for (const writes of queued) writes.writeQueued();
  };
}
