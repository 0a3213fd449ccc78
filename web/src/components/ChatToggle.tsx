import type { ChatMessage } from "@codepad/shared";
import { useEffect, useState } from "react";

interface ChatToggleProps {
  open: boolean;
  onToggle: () => void;
  messages: ChatMessage[];
  selfId: string;
}

/** Opens and closes the chat panel; counts other people's messages since it was last open. */
export function ChatToggle({ open, onToggle, messages, selfId }: ChatToggleProps) {
  // Messages sent before we arrived are history, not news.
  const [seenUntil, setSeenUntil] = useState(() => Date.now());

  useEffect(() => {
    if (open) setSeenUntil(Date.now());
  }, [open, messages]);

  const unread = open
    ? 0
    : messages.filter((message) => message.ts > seenUntil && message.userId !== selfId).length;

  return (
    <button
      type="button"
      className={open ? "button button-chat is-active" : "button button-chat"}
      data-testid="chat-toggle"
      aria-expanded={open}
      aria-controls="chat-panel"
      onClick={onToggle}
    >
      Chat
      {unread > 0 && (
        <span className="badge" aria-label={`${unread} unread`}>
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </button>
  );
}
