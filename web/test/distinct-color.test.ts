import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import {
  chooseDistinctColor,
  distinctColorOnPad,
  type ColorClaim,
} from "../src/collab/distinct-color.ts";
import { USER_COLORS } from "../src/collab/identity.ts";

const [red, orange, yellow] = USER_COLORS;

describe("a color of one's own on a pad", () => {
  it("keeps the preferred color when nobody with precedence has it", () => {
    const self = { clientId: 5, userId: "me", color: red };
    assert.equal(chooseDistinctColor(self, [], USER_COLORS), red);
    // A later arrival (higher client id) with the same color moves, not us.
    assert.equal(
      chooseDistinctColor(self, [{ clientId: 9, userId: "b", color: red }], USER_COLORS),
      red,
    );
  });

  it("moves to a color nobody uses when someone with precedence has ours", () => {
    const self = { clientId: 5, userId: "me", color: red };
    const others = [
      { clientId: 1, userId: "a", color: red },
      { clientId: 9, userId: "b", color: orange },
    ];
    assert.equal(chooseDistinctColor(self, others, USER_COLORS), yellow);
  });

  it("lets two tabs of the same person share a color", () => {
    const self = { clientId: 5, userId: "me", color: red };
    assert.equal(
      chooseDistinctColor(self, [{ clientId: 1, userId: "me", color: red }], USER_COLORS),
      red,
    );
  });

  it("settles on distinct colors when everyone starts with the same one", () => {
    // Every client recomputes from what the others published, in arbitrary order, until
    // nothing changes: the result must be distinct colors, reached in a few rounds.
    const clients: ColorClaim[] = [42, 7, 300, 13, 99, 1].map((clientId) => ({
      clientId,
      userId: `user-${clientId}`,
      color: red,
    }));
    const preferred = new Map(clients.map((client) => [client.clientId, client.color]));
    let rounds = 0;
    for (let changed = true; changed; rounds++) {
      assert.ok(rounds < clients.length + 1, "colors keep changing");
      changed = false;
      for (const client of clients) {
        const others = clients.filter((other) => other !== client);
        const self = { ...client, color: preferred.get(client.clientId) ?? red };
        const next = chooseDistinctColor(self, others, USER_COLORS);
        if (next !== client.color) {
          client.color = next;
          changed = true;
        }
      }
    }
    assert.equal(new Set(clients.map((client) => client.color)).size, clients.length);
    // The client with precedence keeps the color it asked for.
    assert.equal(clients.find((client) => client.clientId === 1)?.color, red);
  });

  it("shares a color only when there are more people than colors", () => {
    const others = USER_COLORS.map((color, index) => ({
      clientId: index,
      userId: `u${index}`,
      color,
    }));
    const self = { clientId: 100, userId: "me", color: red };
    assert.equal(chooseDistinctColor(self, others, USER_COLORS), red);
  });

  it("reads the others' colors from real awareness states", (t) => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    t.after(() => awareness.destroy());
    awareness.clientID = 500;
    const other = new awarenessProtocol.Awareness(new Y.Doc());
    t.after(() => other.destroy());
    other.clientID = 10;
    other.setLocalState({});
    other.setLocalState({ user: { id: "alice", name: "Alice", color: red } });
    awarenessProtocol.applyAwarenessUpdate(
      awareness,
      awarenessProtocol.encodeAwarenessUpdate(other, [10]),
      "remote",
    );
    assert.equal(
      distinctColorOnPad(awareness, { userId: "bob", preferredColor: red }, USER_COLORS),
      orange,
    );
    assert.equal(
      distinctColorOnPad(awareness, { userId: "bob", preferredColor: yellow }, USER_COLORS),
      yellow,
    );
  });
});
