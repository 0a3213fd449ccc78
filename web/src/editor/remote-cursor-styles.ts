/**
 * Colors and name labels for other people's cursors. y-monaco decorates each remote selection
 * with the classes `yRemoteSelection-<clientID>` (the selected text) and
 * `yRemoteSelectionHead-<clientID>` (the caret); one <style> element, rewritten whenever the
 * awareness states change, gives each client its rules.
 *
 * A name label shows while its person is active (their state changed in the last
 * LABEL_VISIBLE_MS) and then fades out: a label sits above the caret, over the line above,
 * and a still one would hide code for good. The colored caret stays.
 *
 * Names and colors come from other clients, so they are untrusted: names are escaped
 * character by character for a CSS string, colors must be plain #rrggbb, and the rules are set
 * through `textContent`, never parsed as HTML.
 */
import type { Awareness } from "y-protocols/awareness";
import { peerFromState, type Peer } from "../collab/use-awareness-peers.ts";
import { readableTextColor, withAlpha } from "../collab/user-color.ts";

/**
 * `value` as the inside of a double-quoted CSS string: every character other than ASCII
 * letters, digits and space becomes a `\HEX ` escape, so nothing can close the string, the
 * rule or the style element. NUL is not allowed in CSS and becomes U+FFFD.
 */
export function escapeCssString(value: string): string {
  let escaped = "";
  for (const char of value) {
    if (/^[A-Za-z0-9 ]$/.test(char)) {
      escaped += char;
    } else {
      const codePoint = char.codePointAt(0) ?? 0xfffd;
      escaped += `\\${(codePoint === 0 ? 0xfffd : codePoint).toString(16)} `;
    }
  }
  return escaped;
}

/** How long a name label stays up after its person's last cursor move or edit. */
export const LABEL_VISIBLE_MS = 2500;

function rulesFor(peer: Peer, labelVisible: boolean): string {
  // clientId is a number from the awareness map's keys, so it is safe in a class name.
  const id = peer.clientId;
  const { color } = peer;
  return `
.yRemoteSelection-${id} { background-color: ${withAlpha(color, 0.28)}; }
.yRemoteSelectionHead-${id} { border-left: 2px solid ${color}; }
.yRemoteSelectionHead-${id}::after {
  content: "${escapeCssString(peer.name)}";
  background-color: ${color};
  color: ${readableTextColor(color)};
  opacity: ${labelVisible ? 1 : 0};
}`;
}

/**
 * The stylesheet for every remote client of `awareness` that has a user; the name labels of
 * `activeClients` are shown.
 */
export function buildRemoteCursorCss(
  awareness: Awareness,
  activeClients: ReadonlySet<number>,
): string {
  const rules: string[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID) continue;
    const peer = peerFromState(clientId, state, awareness.clientID);
    if (peer && Number.isSafeInteger(clientId)) {
      rules.push(rulesFor(peer, activeClients.has(clientId)));
    }
  }
  return rules.join("\n");
}

/** Keeps a <style> element in step with `awareness`; returns the function that removes it. */
export function mountRemoteCursorStyles(awareness: Awareness): () => void {
  const style = document.createElement("style");
  style.dataset.codepad = "remote-cursors";
  document.head.append(style);
  /** When each remote client last changed its state (moved, typed, renamed). */
  const lastActive = new Map<number, number>();
  let hideTimer: ReturnType<typeof setTimeout> | undefined;

  const render = () => {
    const now = Date.now();
    const active = new Set<number>();
    let nextExpiry = Infinity;
    for (const [clientId, at] of lastActive) {
      const expiry = at + LABEL_VISIBLE_MS;
      if (expiry <= now) {
        lastActive.delete(clientId);
        continue;
      }
      active.add(clientId);
      nextExpiry = Math.min(nextExpiry, expiry);
    }
    style.textContent = buildRemoteCursorCss(awareness, active);
    clearTimeout(hideTimer);
    if (nextExpiry !== Infinity) hideTimer = setTimeout(render, nextExpiry - now);
  };
  const onChange = ({ added, updated }: { added: number[]; updated: number[] }) => {
    const now = Date.now();
    for (const clientId of [...added, ...updated]) {
      if (clientId !== awareness.clientID) lastActive.set(clientId, now);
    }
    render();
  };
  render();
  awareness.on("change", onChange);

  return () => {
    awareness.off("change", onChange);
    clearTimeout(hideTimer);
    style.remove();
  };
}
