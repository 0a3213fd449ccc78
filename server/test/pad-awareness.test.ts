import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { PadAwareness } from "../src/rooms/pad-awareness.ts";

/** y-protocols' awareness runs a timer until destroyed. */
const created: awarenessProtocol.Awareness[] = [];
function stockAwareness(): awarenessProtocol.Awareness {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  created.push(awareness);
  return awareness;
}
after(() => {
  for (const awareness of created) awareness.destroy();
});

/** A stock client's awareness, as y-protocols keeps it in the browser. */
function stockClient(state: Record<string, unknown> | null) {
  const awareness = stockAwareness();
  awareness.setLocalState(state);
  return {
    awareness,
    id: awareness.clientID,
    /** The update the stock client sends for its own state. */
    update: () => awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]),
  };
}

/** An update written by hand: entries of [client id, clock, JSON bytes]. */
function handmade(entries: [number, number, Uint8Array][]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const [clientId, clock, json] of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarUint8Array(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("PadAwareness", () => {
  it("speaks y-protocols: stock states go in, and stock clients read back what it encodes", () => {
    const alice = stockClient({ user: { id: "a", name: "Alice" }, cursor: { anchor: 1 } });
    const bob = stockClient({ user: { id: "b", name: "Bob" } });
    const pad = new PadAwareness();
    assert.deepEqual(pad.apply(alice.update(), 0), { added: [alice.id], updated: [], removed: [] });
    pad.apply(bob.update(), 0);

    const joiner = stockAwareness();
    awarenessProtocol.applyAwarenessUpdate(joiner, pad.encode(pad.clientIds()), "server");
    assert.deepEqual(joiner.getStates().get(alice.id), alice.awareness.getLocalState());
    assert.deepEqual(joiner.getStates().get(bob.id), bob.awareness.getLocalState());
    assert.equal(joiner.meta.get(alice.id)?.clock, alice.awareness.meta.get(alice.id)?.clock);
  });

  it("reports news once: an echo or an older state changes nothing", () => {
    const alice = stockClient({ cursor: 1 });
    const pad = new PadAwareness();
    const first = alice.update();
    pad.apply(first, 0);
    assert.deepEqual(pad.apply(first, 0), { added: [], updated: [], removed: [] });

    alice.awareness.setLocalState({ cursor: 2 });
    const second = alice.update();
    assert.deepEqual(pad.apply(second, 0), { added: [], updated: [alice.id], removed: [] });
    assert.deepEqual(pad.apply(first, 0), { added: [], updated: [], removed: [] });
    assert.equal(pad.stateOf(alice.id), JSON.stringify({ cursor: 2 }));
  });

  it("keeps the latest state whether it grows past its buffer or shrinks", () => {
    const pad = new PadAwareness();
    const long = { name: "x".repeat(1000) };
    pad.apply(handmade([[7, 1, json({ a: 1 })]]), 0);
    pad.apply(handmade([[7, 2, json(long)]]), 0);
    assert.equal(pad.stateOf(7), JSON.stringify(long));
    pad.apply(handmade([[7, 3, json({ b: 2 })]]), 0);
    assert.equal(pad.stateOf(7), JSON.stringify({ b: 2 }));
  });

  it("removes a state on null, and a client that comes back is added again", () => {
    const alice = stockClient({ cursor: 1 });
    const pad = new PadAwareness();
    pad.apply(alice.update(), 0);
    alice.awareness.setLocalState(null);
    assert.deepEqual(pad.apply(alice.update(), 0), { added: [], updated: [], removed: [alice.id] });
    assert.deepEqual(pad.clientIds(), []);
    alice.awareness.setLocalState({ cursor: 3 });
    // y-protocols calls this "updated"; the room must see that the client owns it again.
    assert.deepEqual(pad.apply(alice.update(), 0), { added: [alice.id], updated: [], removed: [] });
  });

  it("removes what it holds on a null at the same clock (another server's removal)", () => {
    const pad = new PadAwareness();
    pad.apply(handmade([[5, 4, json({ cursor: 1 })]]), 0);
    const removal = handmade([[5, 4, json(null)]]);
    assert.deepEqual(pad.apply(removal, 0), { added: [], updated: [], removed: [5] });
    assert.deepEqual(pad.apply(removal, 0), { added: [], updated: [], removed: [] });
  });

  it("announces removed clients as null with their clock, which stock clients apply", () => {
    const alice = stockClient({ cursor: 1 });
    const pad = new PadAwareness();
    pad.apply(alice.update(), 0);
    const bob = stockAwareness();
    awarenessProtocol.applyAwarenessUpdate(bob, pad.encode(pad.clientIds()), "server");
    assert.ok(bob.getStates().has(alice.id));

    assert.deepEqual(pad.remove([alice.id, 999]), [alice.id]);
    assert.deepEqual(pad.remove([alice.id]), [], "already gone");
    awarenessProtocol.applyAwarenessUpdate(bob, pad.encode([alice.id]), "server");
    assert.equal(bob.getStates().has(alice.id), false);
    // The clock stays: the same old state cannot come back.
    assert.deepEqual(pad.apply(alice.update(), 0).added, []);
  });

  it("removes states not renewed within the timeout", () => {
    const pad = new PadAwareness();
    pad.apply(handmade([[1, 1, json({ a: 1 })]]), 1_000);
    pad.apply(handmade([[2, 1, json({ b: 1 })]]), 20_000);
    assert.deepEqual(pad.removeOutdated(31_000, 30_000), [1]);
    assert.deepEqual(pad.clientIds(), [2]);
    pad.apply(handmade([[2, 2, json({ b: 2 })]]), 45_000);
    assert.deepEqual(pad.removeOutdated(60_000, 30_000), [], "renewed at 45 s");
  });

  it("refuses truncated updates, invalid JSON and invalid UTF-8, applying none of their entries", () => {
    const good = json({ cursor: 1 });
    const cases: [string, Uint8Array][] = [
      ["truncated", handmade([[1, 1, good]]).slice(0, -3)],
      [
        "invalid JSON",
        handmade([
          [1, 1, good],
          [2, 1, new TextEncoder().encode("{oops")],
        ]),
      ],
      [
        "invalid UTF-8",
        handmade([
          [1, 1, good],
          [2, 1, new Uint8Array([0x22, 0xff, 0x22])],
        ]),
      ],
    ];
    for (const [name, update] of cases) {
      const pad = new PadAwareness();
      assert.throws(() => pad.apply(update, 0), name);
      assert.deepEqual(pad.clientIds(), [], `${name}: nothing applied`);
    }
  });

  it("gives each added or updated state, parsed, to onState", () => {
    const pad = new PadAwareness();
    const seen: [number, unknown][] = [];
    pad.apply(
      handmade([
        [1, 1, json({ user: { name: "A" } })],
        [2, 1, json(null)],
      ]),
      0,
      { onState: (clientId, state) => seen.push([clientId, state]) },
    );
    assert.deepEqual(seen, [[1, { user: { name: "A" } }]]);
  });

  it("refuses an update that would add more clients than allowed, keeping none of them", () => {
    const pad = new PadAwareness();
    pad.apply(handmade([[1, 1, json({ a: 1 })]]), 0);
    const many = handmade(
      Array.from({ length: 1000 }, (_, index): [number, number, Uint8Array] => [
        100 + index,
        1,
        json(0),
      ]),
    );
    assert.throws(() => pad.apply(many, 0, { maxAdded: 8 }), /1000 new awareness clients/);
    assert.deepEqual(pad.clientIds(), [1]);
    // Known clients renewing, and removals, are not additions: an echo of a 100-client pad
    // passes, and so does a client's own renewal.
    const renewal = handmade([[1, 2, json({ a: 2 })]]);
    assert.deepEqual(pad.apply(renewal, 0, { maxAdded: 0 }).updated, [1]);
    const removal = handmade([[1, 3, json(null)]]);
    assert.deepEqual(pad.apply(removal, 0, { maxAdded: 0 }).removed, [1]);
  });
});
