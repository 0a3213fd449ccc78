import { updateClockRanges } from "./update-meta.ts";

/**
 * Counts, per sending Yjs client, the clocks that reached each receiver and the highest
 * clock any receiver has seen, which is the sender's acknowledgement: the y-websocket
 * protocol has none, and an update that came back through the server was accepted by it.
 */
export class EditCounter {
  /** Highest clock + 1 of each sender seen by any receiver. */
  readonly acked = new Map<number, number>();
  /** Clocks received, per receiver and sender. */
  private readonly received: Map<number, number>[] = [];
  delivered = 0;
  /** Called when a sender's acknowledgement moves. */
  onAck: ((sender: number) => void) | undefined;

  /** A handler for receiver number `receiver`, whose own client id is `self`. */
  receiverHandler(receiver: number, self: number | null): (update: Uint8Array) => void {
    const counts = new Map<number, number>();
    this.received[receiver] = counts;
    return (update) => {
      for (const { client, from, to } of updateClockRanges(update)) {
        if (client === self) continue;
        counts.set(client, (counts.get(client) ?? 0) + (to - from));
        this.delivered += to - from;
        if (to > (this.acked.get(client) ?? 0)) {
          this.acked.set(client, to);
          this.onAck?.(client);
        }
      }
    };
  }

  /** Clocks of `sender` that receiver `receiver` has. */
  receivedBy(receiver: number, sender: number): number {
    return this.received[receiver]?.get(sender) ?? 0;
  }
}
