import { awarenessClocks } from "./awareness.ts";
import type { PadClientOptions } from "./pad-client.ts";
import { Samples } from "./samples.ts";
import { now, type SendTimes } from "./send-times.ts";
import { updateClockRanges } from "./update-meta.ts";

/**
 * Edit and cursor latency from the sender's send to each other client's receipt. Clients
 * get their handlers from here; only keys sent between startRecording and stopRecording
 * are measured, so that connecting and warming up are not.
 */
export class LatencyProbe {
  readonly edits = new Samples();
  readonly cursors = new Samples();
  /** Edits received by clients other than their sender while recording. */
  editDeliveries = 0;
  /**
   * Worst edit latency per second of sending, kept when BENCH_TIMELINE is set: it shows
   * whether a p99 comes from steady slowness or from stalls (e.g. a snapshot every 30 s).
   */
  readonly worstPerSecond = new Map<number, number>();
  private readonly timeline = process.env.BENCH_TIMELINE !== undefined;
  /** Only what was sent from this moment on is measured (a warm-up goes before it). */
  private since = Infinity;

  startRecording(): void {
    this.since = now();
  }

  stopRecording(): void {
    this.since = Infinity;
  }

  constructor(readonly sendTimes: SendTimes) {}

  /** Handlers for a client whose own Yjs client id is `self` (null: it never sends). */
  handlers(self: number | null): Pick<PadClientOptions, "onUpdate" | "onAwareness"> {
    return {
      onUpdate: (update, at) => {
        if (this.since === Infinity) return;
        for (const range of updateClockRanges(update)) {
          if (range.client === self) continue; // the reference server echoes to the sender
          for (let clock = range.from; clock < range.to; clock++) {
            const sentAt = this.sendTimes.editSentAt(range.client, clock);
            if (sentAt === undefined || sentAt < this.since) continue;
            this.edits.add(at - sentAt);
            if (this.timeline) {
              const second = Math.floor((sentAt - this.since) / 1000);
              this.worstPerSecond.set(
                second,
                Math.max(this.worstPerSecond.get(second) ?? 0, at - sentAt),
              );
            }
            this.editDeliveries++;
          }
        }
      },
      onAwareness: (update, at) => {
        if (this.since === Infinity) return;
        for (const { client, clock } of awarenessClocks(update)) {
          if (client === self) continue;
          const sentAt = this.sendTimes.cursorSentAt(client, clock);
          if (sentAt !== undefined && sentAt >= this.since) this.cursors.add(at - sentAt);
        }
      },
    };
  }
}
