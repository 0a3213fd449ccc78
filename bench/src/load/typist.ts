import * as Y from "yjs";
import { encodeAwarenessState } from "./awareness.ts";
import { clientWireFrames } from "./client-wire-frames.ts";
import type { PadClient } from "./pad-client.ts";
import type { SendTimes } from "./send-times.ts";

const KEYS = "abcdefghijklmnopqrstuvwxyz   ();{}\n";

/** What one key press sends: its edit's clock, its cursor update's clock. */
interface Key {
  editClock: number;
  cursorClock: number;
}

/** A key typed ahead: its clocks and its two messages, framed as the client sends them. */
interface PreparedKey extends Key {
  wire: Buffer;
}

/**
 * An editor user: one key at a time at a random place of the shared text, and a cursor
 * update (awareness, with a timestamp as a real editor's selection state would carry) after
 * each key. Bounded by a key count and by time.
 */
export class Typist {
  private awarenessClock = 0;
  private prepared: PreparedKey[] = [];
  private nextPrepared = 0;
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

  /**
   * Types the next `count` keys into the document now and frames what they send; `type`
   * then sends them, one write per key. Only for a typist alone on its pad: nobody else
   * changes its text, so these are exactly the keys it would type live. With 2,500 typists
   * (10,000 clients), the Yjs transaction, the cursor's JSON and the framing of every key
   * were half of the load generator's allocation, and its stalls were in every target's p99.
   */
  prepare(count: number): void {
    for (let i = 0; i < count; i++) {
      let key: Key | undefined;
      const frames = this.client.framesOf(() => {
        key = this.typeKey();
      });
      if (key !== undefined) this.prepared.push({ ...key, wire: clientWireFrames(frames) });
    }
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

  /** Sends the next key: a prepared one if any is left, else one typed now. */
  key(): void {
    const prepared = this.prepared[this.nextPrepared];
    if (prepared !== undefined) {
      this.nextPrepared++;
      this.markSent(prepared);
      this.client.writeWire(prepared.wire);
      return;
    }
    const key = this.typeKey(); // queued in the client, not written yet
    this.markSent(key);
    this.client.flushNow(); // the key and its cursor in one write, at the time marked
  }

  private markSent(key: Key): void {
    const clientId = this.doc.clientID;
    this.sendTimes.markEdit(clientId, key.editClock);
    this.sendTimes.markCursor(clientId, key.cursorClock);
    this.keysSent++;
  }

  /** One key into the text and the cursor after it; the client queues both messages. */
  private typeKey(): Key {
    const doc = this.doc;
    const text = doc.getText("code");
    const index = Math.floor(this.random() * (text.length + 1));
    const char = KEYS[Math.floor(this.random() * KEYS.length)] ?? "x";
    // The clock this insert gets: one clock per character.
    const editClock = Y.getState(doc.store, doc.clientID);
    text.insert(index, char); // the client queues the update from the doc's update event
    this.awarenessClock++;
    this.client.sendAwareness(
      encodeAwarenessState(doc.clientID, this.awarenessClock, {
        user: { id: String(doc.clientID), name: "bench", color: "#3366ff" },
        typing: true,
        selection: { anchor: index + 1, head: index + 1 },
        ts: Date.now(),
      }),
    );
    return { editClock, cursorClock: this.awarenessClock };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
