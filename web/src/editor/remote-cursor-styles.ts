/**
 * Colors and name labels for other people's cursors. y-monaco decorates each remote selection
 * with the classes `yRemoteSelection-<clientID>` (the selected text) and
 * `yRemoteSelectionHead-<clientID>` (the caret); one <style> element, rewritten whenever the
 * awareness states change, gives each client its rules.
 *
 * A name label shows while its person is active (their caret moved recently, see
 * caret-activity.ts) and then fades out: a label sits above the caret, over the line above,
 * and a still one would hide code for good. The colored caret stays.
 *
 * Names and colors come from other clients, so they are untrusted: names are escaped
 * character by character for a CSS string, colors must be plain #rrggbb, and the rules are set
 * through `textContent`, never parsed as HTML.
 */
import type { Awareness } from "y-protocols/awareness";
import { peerFromState, type Peer } from "../collab/use-awareness-peers.ts";
import { readableTextColor, withAlpha } from "../collab/user-color.ts";
import { CaretActivity, type AwarenessChange } from "./caret-activity.ts";

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
  const activity = new CaretActivity(awareness.clientID);
  let hideTimer: ReturnType<typeof setTimeout> | undefined;

  const render = () => {
    const now = Date.now();
    const { clients, nextChangeAt } = activity.active(now);
    style.textContent = buildRemoteCursorCss(awareness, clients);
    clearTimeout(hideTimer);
    if (nextChangeAt !== null) hideTimer = setTimeout(render, nextChangeAt - now);
  };
  const onChange = (change: AwarenessChange) => {
    activity.noteChange(change, awareness.getStates(), Date.now());
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
