import type { Peer } from "../collab/use-awareness-peers.ts";

/** "Ada is typing…", "Ada and Bo are typing…", "Ada, Bo and 2 others are typing…". */
export function describeTyping(names: string[]): string {
  const [first, second] = names;
  if (first === undefined) return "";
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  const others = names.length - 2;
  return `${first}, ${second} and ${others} ${others === 1 ? "other" : "others"} are typing…`;
}

/** Other people who are typing right now; absent from the DOM when nobody is. */
export function TypingIndicator({ peers }: { peers: Peer[] }) {
  const text = describeTyping(
    peers.filter((peer) => peer.typing && !peer.isSelf).map((peer) => peer.name),
  );
  return (
    <span className="typing-slot" aria-live="polite">
      {text !== "" && (
        <span className="typing-indicator" data-testid="typing-indicator">
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </span>
      )}
    </span>
  );
}
