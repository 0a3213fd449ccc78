import type { Peer } from "../collab/use-awareness-peers.ts";

/** Shown as chips; the rest are summed up in "+N" so the header keeps its width. */
const MAX_CHIPS = 5;

/** Everyone on the pad right now, each in their cursor color; "(you)" marks this browser. */
export function OnlineUsers({ peers }: { peers: Peer[] }) {
  const hidden = peers.slice(MAX_CHIPS);
  return (
    <ul className="online-users" data-testid="online-users" aria-label={`${peers.length} online`}>
      {peers.map((peer, index) => (
        <li
          key={peer.userId}
          // Overflowing chips stay in the list (for assistive tech and tests) but are not drawn.
          className={index < MAX_CHIPS ? "online-user" : "online-user online-user-overflow"}
          data-testid="online-user"
          data-color={peer.color}
          data-self={peer.isSelf ? "true" : "false"}
          title={peer.isSelf ? `${peer.name} (you)` : peer.name}
        >
          <span className="user-dot" style={{ backgroundColor: peer.color }} aria-hidden="true" />
          <span className="online-user-name">
            {peer.name}
            {peer.isSelf && <span className="online-user-self"> (you)</span>}
          </span>
        </li>
      ))}
      {hidden.length > 0 && (
        <li className="online-users-more" title={hidden.map((peer) => peer.name).join(", ")}>
          +{hidden.length}
        </li>
      )}
    </ul>
  );
}
