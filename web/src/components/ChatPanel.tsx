import { CHAT_MESSAGE_MAX_LENGTH, type PadUser } from "@codepad/shared";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { ChatControls } from "../collab/use-chat.ts";

interface ChatPanelProps {
  chat: ChatControls;
  identity: PadUser;
  onClose: () => void;
}

function formatTime(ts: number): string {
  return new Date(ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** The pad's chat as a side panel. Messages are plain text, rendered as React text nodes. */
export function ChatPanel({ chat, identity, onClose }: ChatPanelProps) {
  const [draft, setDraft] = useState("");
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  useEffect(() => {
    // Follow the conversation: new messages scroll into view.
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [chat.messages]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (draft.trim() === "") return;
    chat.send(draft, identity);
    setDraft("");
  };

  return (
    <aside className="chat-panel" id="chat-panel" aria-label="Chat">
      <div className="chat-header">
        <h2>Chat</h2>
        <button type="button" className="icon-button" aria-label="Close chat" onClick={onClose}>
          ×
        </button>
      </div>
      <ol className="chat-messages" ref={listRef}>
        {chat.messages.length === 0 && <li className="chat-empty">No messages yet. Say hi!</li>}
        {chat.messages.map((message) => (
          <li
            key={message.id}
            className={message.userId === identity.id ? "chat-message is-self" : "chat-message"}
            data-testid="chat-message"
          >
            <div className="chat-meta">
              <span className="chat-author" style={{ color: message.color }}>
                {message.name}
              </span>
              <time dateTime={new Date(message.ts).toISOString()}>{formatTime(message.ts)}</time>
            </div>
            <p className="chat-text">{message.text}</p>
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={onSubmit}>
        <input
          ref={inputRef}
          className="input chat-input"
          data-testid="chat-input"
          aria-label="Chat message"
          placeholder="Message… (Enter to send)"
          value={draft}
          maxLength={CHAT_MESSAGE_MAX_LENGTH}
          autoComplete="off"
          onChange={(event) => setDraft(event.target.value)}
        />
      </form>
    </aside>
  );
}
