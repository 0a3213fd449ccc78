/**
 * The pad's chat: an append-only Y.Array of ChatMessage in the shared document, so it syncs,
 * persists and expires with the pad. Entries from other clients are validated before use.
 */
import {
  CHAT_MESSAGE_MAX_LENGTH,
  DocLayout,
  USER_NAME_MAX_LENGTH,
  type ChatMessage,
  type PadUser,
} from "@codepad/shared";
import { useCallback, useEffect, useState } from "react";
import type * as Y from "yjs";
import { safeColor } from "./user-color.ts";

/** Only the tail is rendered; older messages stay in the document. */
const VISIBLE_MESSAGES = 200;

function toChatMessage(value: unknown): ChatMessage | null {
  if (typeof value !== "object" || value === null) return null;
  const { id, userId, name, color, text, ts } = value as Record<string, unknown>;
  if (typeof id !== "string" || typeof text !== "string" || typeof ts !== "number") return null;
  // A timestamp that is not a valid date would make Date#toISOString throw while rendering.
  if (Number.isNaN(new Date(ts).getTime())) return null;
  return {
    id,
    userId: typeof userId === "string" ? userId : "",
    name:
      typeof name === "string" && name.trim() !== ""
        ? name.slice(0, USER_NAME_MAX_LENGTH)
        : "Anonymous",
    color: safeColor(color),
    text: text.slice(0, CHAT_MESSAGE_MAX_LENGTH),
    ts,
  };
}

function readMessages(chat: Y.Array<unknown>): ChatMessage[] {
  const start = Math.max(0, chat.length - VISIBLE_MESSAGES);
  return chat
    .slice(start)
    .map(toChatMessage)
    .filter((message): message is ChatMessage => message !== null);
}

export interface ChatControls {
  messages: ChatMessage[];
  /** Total messages in the document, including the ones not rendered. */
  total: number;
  send: (text: string, author: PadUser) => void;
}

export function useChat(doc: Y.Doc | null): ChatControls {
  const [state, setState] = useState<{ messages: ChatMessage[]; total: number }>({
    messages: [],
    total: 0,
  });

  useEffect(() => {
    if (!doc) return;
    const chat = doc.getArray<unknown>(DocLayout.chat);
    const refresh = () => setState({ messages: readMessages(chat), total: chat.length });
    refresh();
    chat.observe(refresh);
    return () => chat.unobserve(refresh);
  }, [doc]);

  const send = useCallback(
    (text: string, author: PadUser) => {
      const trimmed = text.trim().slice(0, CHAT_MESSAGE_MAX_LENGTH);
      if (!doc || trimmed === "") return;
      const message: ChatMessage = {
        id: crypto.randomUUID(),
        userId: author.id,
        name: author.name,
        color: author.color,
        text: trimmed,
        ts: Date.now(),
      };
      doc.getArray<ChatMessage>(DocLayout.chat).push([message]);
    },
    [doc],
  );

  return { ...state, send };
}
