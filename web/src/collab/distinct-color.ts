/**
 * Everyone on a pad gets a color of their own. Each browser keeps a preferred color, picked at
 * random from a short palette, so two people on one pad share a color one time in twelve; each
 * client therefore publishes the color it will actually use on this pad, chosen so that it
 * differs from everyone who takes precedence over it.
 *
 * Precedence is the awareness client id (lower wins): a total order every client sees the same
 * way, so the choices settle after at most one change per client and never oscillate. Two tabs
 * of one browser are one person and may share a color.
 */
import type { Awareness } from "y-protocols/awareness";
import { peerFromState } from "./use-awareness-peers.ts";

export interface ColorClaim {
  clientId: number;
  userId: string;
  color: string;
}

export function chooseDistinctColor(
  self: ColorClaim,
  others: readonly ColorClaim[],
  palette: readonly string[],
): string {
  const otherPeople = others.filter((other) => other.userId !== self.userId);
  const takenByPrecedence = new Set(
    otherPeople.filter((other) => other.clientId < self.clientId).map((other) => other.color),
  );
  if (!takenByPrecedence.has(self.color)) return self.color;
  // Prefer a color nobody on the pad uses, so that nobody else has to move because of us.
  const takenByAnyone = new Set(otherPeople.map((other) => other.color));
  return (
    palette.find((color) => !takenByAnyone.has(color)) ??
    palette.find((color) => !takenByPrecedence.has(color)) ??
    // More people than colors: share one rather than invent an unreadable shade.
    self.color
  );
}

/** The color this client should publish on the pad whose awareness this is. */
export function distinctColorOnPad(
  awareness: Awareness,
  self: { userId: string; preferredColor: string },
  palette: readonly string[],
): string {
  const others: ColorClaim[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID) continue;
    const peer = peerFromState(clientId, state, awareness.clientID);
    if (peer) others.push({ clientId, userId: peer.userId, color: peer.color });
  }
  return chooseDistinctColor(
    { clientId: awareness.clientID, userId: self.userId, color: self.preferredColor },
    others,
    palette,
  );
}
