import * as Y from "yjs";
import { encodeAwarenessState } from "./awareness.ts";
import type { PadClient } from "./pad-client.ts";
import type { SendTimes } from "./send-times.ts";

const KEYS = "abcdefghijklmnopqrstuvwxyz   ();{}\n";

/**
 * An editor user: one key at a time at a random place of the shared text, and a cursor
 * update (awareness, with a timestamp as a real editor's selection state would carry) after
 * each key. Bounded by a key count and by time.
 */
export class Typist {
  private awarenessClock = 0;
  keysSent = 0;

  constructor(
    readonly client: PadClient,
    private readonly sendTimes: SendTimes,
    private readonly random: () => number,
  ) {
    if (client.doc === undefined) throw new Error("a typist needs a document");
  }

  private get doc(): Y.Doc {
    return this.client.doc as Y.Doc;
  }

  /** Types `keysPerSecond` keys a second for `durationMs`, starting at a random phase. */
  async type(keysPerSecond: number, durationMs: number): Promise<void> {
    const interval = 1000 / keysPerSecond;
    const maxKeys = Math.floor((durationMs / 1000) * keysPerSecond);
    const deadline = Date.now() + durationMs;
    await sleep(this.random() * interval);
    for (let i = 0; i < maxKeys && Date.now() < deadline && this.client.isOpen; i++) {
      this.key();
      await sleep(interval);
    }
  }

  key(): void {
    const doc = this.doc;
    const text = doc.getText("code");
    const index = Math.floor(this.random() * (text.length + 1));
    const char = KEYS[Math.floor(this.random() * KEYS.length)] ?? "x";
    // The clock this insert gets: one clock per character.
    this.sendTimes.markEdit(doc.clientID, Y.getState(doc.store, doc.clientID));
    text.insert(index, char); // the client sends the update from the doc's update event
    this.keysSent++;
    this.awarenessClock++;
    this.sendTimes.markCursor(doc.clientID, this.awarenessClock);
    this.client.sendAwareness(
      encodeAwarenessState(doc.clientID, this.awarenessClock, {
        user: { id: String(doc.clientID), name: "bench", color: "#3366ff" },
        typing: true,
        selection: { anchor: index + 1, head: index + 1 },
        ts: Date.now(),
      }),
    );
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
