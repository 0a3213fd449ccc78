import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { parseRoute } from "../src/app/route.ts";
import { buildRemoteCursorCss, escapeCssString } from "../src/editor/remote-cursor-styles.ts";

describe("remote cursor styles", () => {
  it("escapes names so that nothing can leave the CSS string", () => {
    const hostile = `"; } body { display: none } </style><script>alert(1)</script>\\`;
    const escaped = escapeCssString(hostile);
    assert.doesNotMatch(escaped, /["<>;{}]/);
    assert.equal(escapeCssString("Ada Lovelace 1815"), "Ada Lovelace 1815");
    assert.equal(escapeCssString("é"), "\\e9 ");
  });

  it("builds rules for the others only, with valid colors, from real awareness states", (t) => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    // Awareness runs a timer; destroy it even when an assertion fails.
    t.after(() => awareness.destroy());
    awareness.setLocalState({ user: { id: "me", name: "Me", color: "#112233" } });
    // Two remote clients, as the provider would receive them.
    const remote = (clientId: number, user: unknown) => {
      const other = new awarenessProtocol.Awareness(new Y.Doc());
      other.clientID = clientId;
      // A first state has clock 0, which receivers ignore (as for a real client's empty initial state).
      other.setLocalState({});
      other.setLocalState({ user });
      awarenessProtocol.applyAwarenessUpdate(
        awareness,
        awarenessProtocol.encodeAwarenessUpdate(other, [clientId]),
        "remote",
      );
      other.destroy();
    };
    remote(101, { id: "a", name: "Alice</style>", color: "#ff0000" });
    remote(202, { id: "b", name: "Bob", color: "red; } * { color: red" });
    const css = buildRemoteCursorCss(awareness, new Set([101]));
    assert.match(css, /yRemoteSelectionHead-101/);
    assert.match(css, /yRemoteSelectionHead-202/);
    assert.doesNotMatch(css, /yRemoteSelection-\d*\b[^]*Me/, "no rule for ourselves");
    assert.doesNotMatch(css, /<\/style>/);
    assert.doesNotMatch(css, /red; }/, "an invalid color is replaced, not pasted");
    // Only active people's labels show: a still label would hide the line above for good.
    const labelOpacity = (clientId: number) =>
      new RegExp(`yRemoteSelectionHead-${clientId}::after \\{[^}]*opacity: (\\d)`).exec(css)?.[1];
    assert.equal(labelOpacity(101), "1");
    assert.equal(labelOpacity(202), "0");
  });
});

describe("routes", () => {
  it("maps paths to pages as the server does", () => {
    assert.deepEqual(parseRoute("/"), { kind: "home" });
    assert.deepEqual(parseRoute("/abcdefghijkl"), { kind: "pad", sessionId: "abcdefghijkl" });
    assert.deepEqual(parseRoute("/abcdefghijk"), { kind: "not-found" });
    assert.deepEqual(parseRoute("/abcdefghijkl/x"), { kind: "not-found" });
  });
});
