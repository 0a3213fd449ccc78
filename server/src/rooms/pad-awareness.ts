import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * The awareness of one pad's clients (cursors, selections, names), as the y-websocket
 * protocol defines it: each client id has a clock and a JSON state, the higher clock wins,
 * and a `null` state means the client is gone.
 *
 * The server never reads these states. It checks them, forwards them, and gives them to
 * clients that join. So each state is kept as the UTF-8 bytes it arrived in, copied into a
 * buffer that the client's entry reuses. y-protocols' `Awareness` instead parses every
 * state into a tree of objects and replaces that tree on each cursor move. A tree lives
 * until the next move (half a second for a typist), so V8 promotes it to the old
 * generation, and only a full collection frees it. With 10,000 clients, that was about a
 * third of all old-generation garbage. Here a cursor move leaves nothing behind: its
 * parsed JSON dies young.
 *
 * Unlike y-protocols, a client whose state was removed (for example, its socket dropped)
 * and that comes back with a newer clock is reported as `added`, not `updated`. Whoever
 * announces a state owns it again, and its cursor goes away when that socket closes.
 */
export class PadAwareness {
  private readonly entries = new Map<number, AwarenessEntry>();

  /**
   * Applies an awareness update (the payload of an awareness message). Throws on a
   * truncated update, invalid UTF-8 or invalid JSON, or when it would add more than
   * `maxAdded` clients, and then nothing of it is applied. Entries older than what is
   * known (the stock client echoes others' states) change nothing. `onState` gets the
   * parsed state of each added or updated client.
   */
  apply(
    update: Uint8Array,
    now: number,
    options: {
      onState?: (clientId: number, state: unknown) => void;
      maxAdded?: number;
    } = {},
  ): AwarenessChange {
    const incoming = decodeEntries(update);
    if (options.maxAdded !== undefined) {
      let adding = 0;
      for (const entry of incoming) if (this.adds(entry)) adding++;
      if (adding > options.maxAdded) {
        throw new Error(`${adding} new awareness clients in one update, over ${options.maxAdded}`);
      }
    }
    const change: AwarenessChange = { added: [], updated: [], removed: [] };
    for (const { clientId, clock, json, state } of incoming) {
      const entry = this.entries.get(clientId);
      const known = entry?.state ?? null;
      if (!this.changes(entry, clock, state)) continue;
      if (entry === undefined) {
        this.entries.set(clientId, {
          clock,
          state: state === null ? null : copyInto(null, json),
          lastUpdated: now,
        });
      } else {
        entry.clock = clock;
        entry.state = state === null ? null : copyInto(known, json);
        entry.lastUpdated = now;
      }
      if (state === null) {
        if (known !== null) change.removed.push(clientId);
      } else {
        if (known === null) change.added.push(clientId);
        else change.updated.push(clientId);
        options.onState?.(clientId, state);
      }
    }
    return change;
  }

  /** Whether an incoming entry would change what is held about its client. */
  private changes(entry: AwarenessEntry | undefined, clock: number, state: unknown): boolean {
    if (entry === undefined || clock > entry.clock) return true;
    // The same clock with a null state is a removal another server made of what we hold.
    return clock === entry.clock && state === null && entry.state !== null;
  }

  /** Whether an incoming entry would give a state to a client that has none. */
  private adds({ clientId, clock, state }: IncomingEntry): boolean {
    const entry = this.entries.get(clientId);
    return state !== null && (entry?.state ?? null) === null && this.changes(entry, clock, state);
  }

  /**
   * Removes the states of `clientIds` (their client left); returns the ids that had one.
   * Their clocks stay, so an older message about them cannot bring them back.
   */
  remove(clientIds: Iterable<number>): number[] {
    const removed: number[] = [];
    for (const clientId of clientIds) {
      const entry = this.entries.get(clientId);
      if (entry?.state == null) continue;
      entry.state = null;
      removed.push(clientId);
    }
    return removed;
  }

  /**
   * Removes the states not renewed for `timeoutMs` (the stock client renews its state
   * every 15 s and drops others' after 30 s); returns their ids.
   */
  removeOutdated(now: number, timeoutMs: number): number[] {
    const outdated: number[] = [];
    for (const [clientId, entry] of this.entries) {
      if (entry.state !== null && now - entry.lastUpdated >= timeoutMs) outdated.push(clientId);
    }
    return this.remove(outdated);
  }

  /** Ids of the clients that have a state. */
  clientIds(): number[] {
    const ids: number[] = [];
    for (const [clientId, entry] of this.entries) if (entry.state !== null) ids.push(clientId);
    return ids;
  }

  /** The JSON state of a client, or undefined if it has none. */
  stateOf(clientId: number): string | undefined {
    const state = this.entries.get(clientId)?.state;
    return state == null ? undefined : utf8.decode(state.bytes.subarray(0, state.length));
  }

  /**
   * An awareness update announcing `clientIds` as known: each with its clock and its
   * state, or `null` for one that was removed. Unknown ids are left out.
   */
  encode(clientIds: readonly number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    const known = clientIds.filter((clientId) => this.entries.has(clientId));
    encoding.writeVarUint(encoder, known.length);
    for (const clientId of known) {
      const entry = this.entries.get(clientId) as AwarenessEntry;
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, entry.clock);
      encoding.writeVarUint8Array(
        encoder,
        entry.state === null ? NULL_JSON : entry.state.bytes.subarray(0, entry.state.length),
      );
    }
    return encoding.toUint8Array(encoder);
  }
}

/** What one update did. */
export interface AwarenessChange {
  /** Clients that had no state and have one now. */
  added: number[];
  /** Clients whose state was renewed or changed. */
  updated: number[];
  /** Clients whose state was removed. */
  removed: number[];
}

interface AwarenessEntry {
  clock: number;
  /** The client's JSON state; null once it was removed (the clock is kept). */
  state: StateBytes | null;
  /** Milliseconds since the epoch of the last update of this entry. */
  lastUpdated: number;
}

/** UTF-8 JSON in a buffer reused while the state fits in it. */
interface StateBytes {
  bytes: Uint8Array;
  length: number;
}

interface IncomingEntry {
  clientId: number;
  clock: number;
  /** The state's JSON bytes: a view into the update, copied before it is kept. */
  json: Uint8Array;
  state: unknown;
}

/**
 * Room added when a state outgrows its buffer, so that the next cursor moves (a few more
 * digits) fit. A first state gets a buffer of its own size: a client that announces many
 * ids must not cost much more memory than its message did.
 */
const STATE_HEADROOM = 64;
const NULL_JSON = new TextEncoder().encode("null");
const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeEntries(update: Uint8Array): IncomingEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: IncomingEntry[] = [];
  for (let index = 0; index < count; index++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarUint8Array(decoder);
    // Other clients parse what is forwarded to them: what they could not read stops here.
    const state: unknown = JSON.parse(utf8.decode(json));
    entries.push({ clientId, clock, json, state });
  }
  return entries;
}

function copyInto(previous: StateBytes | null, json: Uint8Array): StateBytes {
  if (previous !== null && previous.bytes.length >= json.length) {
    previous.bytes.set(json);
    previous.length = json.length;
    return previous;
  }
  const bytes = new Uint8Array(previous === null ? json.length : json.length + STATE_HEADROOM);
  bytes.set(json);
  return { bytes, length: json.length };
}
