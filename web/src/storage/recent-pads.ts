/**
 * Pads created in this browser, newest first. The entry keeps the pad's ownerKey: the server
 * shows it only once, at creation, and it is what lets this browser delete the pad later.
 */
import { isLanguageId, isValidSessionId } from "@codepad/shared";
import { createLocalStore, useLocalStore } from "./local-store.ts";

export interface RecentPad {
  sessionId: string;
  title: string;
  language: string;
  ownerKey: string;
  /** ISO 8601, as the API returned it. */
  createdAt: string;
}

/** Older entries are dropped beyond this; the list is a convenience, not an archive. */
const MAX_RECENT_PADS = 50;

function isRecentPad(value: unknown): value is RecentPad {
  if (typeof value !== "object" || value === null) return false;
  const pad = value as Record<string, unknown>;
  return (
    typeof pad.sessionId === "string" &&
    isValidSessionId(pad.sessionId) &&
    typeof pad.title === "string" &&
    typeof pad.language === "string" &&
    isLanguageId(pad.language) &&
    typeof pad.ownerKey === "string" &&
    typeof pad.createdAt === "string"
  );
}

const store = createLocalStore<readonly RecentPad[]>(
  "codepad:recent-pads",
  (raw) => (Array.isArray(raw) ? raw.filter(isRecentPad) : []),
  () => [],
);

export function useRecentPads(): readonly RecentPad[] {
  return useLocalStore(store);
}

export function addRecentPad(pad: RecentPad): void {
  const others = store.get().filter((entry) => entry.sessionId !== pad.sessionId);
  store.set([pad, ...others].slice(0, MAX_RECENT_PADS));
}

export function removeRecentPad(sessionId: string): void {
  store.set(store.get().filter((entry) => entry.sessionId !== sessionId));
}

/** Keeps the list's title and language in step with the pad's, as seen on the pad page. */
export function updateRecentPad(
  sessionId: string,
  change: Pick<RecentPad, "title" | "language">,
): void {
  const pads = store.get();
  const changed = pads.some(
    (entry) =>
      entry.sessionId === sessionId &&
      (entry.title !== change.title || entry.language !== change.language),
  );
  if (!changed) return;
  store.set(pads.map((entry) => (entry.sessionId === sessionId ? { ...entry, ...change } : entry)));
}

/** The key that authorizes deleting `sessionId`, if this browser created the pad. */
export function findOwnerKey(sessionId: string): string | null {
  return store.get().find((entry) => entry.sessionId === sessionId)?.ownerKey ?? null;
}
