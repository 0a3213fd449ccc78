/**
 * Everyone on the pad, from the awareness states. Remote states are other people's input:
 * names are cut to the shared limit and colors are checked before anything renders them.
 */
import { USER_NAME_MAX_LENGTH } from "@codepad/shared";
import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";
import { safeColor } from "./user-color.ts";

export interface Peer {
  clientId: number;
  userId: string;
  name: string;
  color: string;
  typing: boolean;
  isSelf: boolean;
}

/** A readable peer from an awareness state, or null when the state carries no user yet. */
export function peerFromState(clientId: number, state: unknown, selfClientId: number): Peer | null {
  if (typeof state !== "object" || state === null) return null;
  const { user, typing } = state as { user?: unknown; typing?: unknown };
  if (typeof user !== "object" || user === null) return null;
  const { id, name, color } = user as { id?: unknown; name?: unknown; color?: unknown };
  const cleanName = typeof name === "string" ? name.trim().slice(0, USER_NAME_MAX_LENGTH) : "";
  return {
    clientId,
    userId: typeof id === "string" ? id : `client-${clientId}`,
    name: cleanName === "" ? "Anonymous" : cleanName,
    color: safeColor(color),
    typing: typing === true,
    isSelf: clientId === selfClientId,
  };
}

function readPeers(awareness: Awareness): Peer[] {
  const self = awareness.clientID;
  const byUser = new Map<string, Peer>();
  for (const [clientId, state] of awareness.getStates()) {
    const peer = peerFromState(clientId, state, self);
    if (!peer) continue;
    // Two tabs of one browser share an identity: list the person once, as "you" if either
    // tab is this one, and typing if either tab is.
    const seen = byUser.get(peer.userId);
    if (seen) {
      byUser.set(peer.userId, {
        ...(seen.isSelf ? seen : peer),
        isSelf: seen.isSelf || peer.isSelf,
        typing: seen.typing || peer.typing,
      });
    } else {
      byUser.set(peer.userId, peer);
    }
  }
  // Self first, then in order of arrival (Map order), which keeps the list from jumping.
  return [...byUser.values()].sort((a, b) => Number(b.isSelf) - Number(a.isSelf));
}

export function useAwarenessPeers(awareness: Awareness | null): Peer[] {
  const [peers, setPeers] = useState<Peer[]>([]);

  useEffect(() => {
    if (!awareness) return;
    // `change` fires only when a state really changed, not on the 15 s keep-alive renewals.
    const refresh = () => setPeers(readPeers(awareness));
    refresh();
    awareness.on("change", refresh);
    return () => awareness.off("change", refresh);
  }, [awareness]);

  return peers;
}
