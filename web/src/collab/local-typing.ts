/**
 * Publishes `typing` in our awareness state: true from the first local edit, false once the
 * user has paused for TYPING_IDLE_MS. Only edits made through the editor binding count, so
 * remote changes and undo do not make us look busy.
 */
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";

/** Pause after which a user no longer counts as typing. */
export const TYPING_IDLE_MS = 1500;

export function trackLocalTyping(
  ytext: Y.Text,
  localOrigin: unknown,
  awareness: Awareness,
): () => void {
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const setTyping = (typing: boolean) => {
    // Only write when it changes: every awareness write is a broadcast to all peers.
    if (awareness.getLocalState()?.typing !== typing)
      awareness.setLocalStateField("typing", typing);
  };

  const onChange = (event: Y.YTextEvent) => {
    if (event.transaction.origin !== localOrigin) return;
    setTyping(true);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => setTyping(false), TYPING_IDLE_MS);
  };

  setTyping(false);
  ytext.observe(onChange);
  return () => {
    ytext.unobserve(onChange);
    clearTimeout(idleTimer);
    setTyping(false);
  };
}
