/**
 * The y-websocket wire protocol and the layout of a pad's shared document.
 * Each WebSocket frame starts with a varUint message type.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const;

/** Sub-types of a sync message (y-protocols/sync). */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/** Names of the shared types in every pad's Y.Doc. */
export const DocLayout = {
  /** Y.Text: the pad's text. */
  code: "code",
  /** Y.Map: `language` and `title`, kept in step with the database both ways. */
  meta: "meta",
  /** Y.Array<ChatMessage>. */
  chat: "chat",
} as const;

export interface PadUser {
  id: string;
  name: string;
  color: string;
}

/** What each client puts in its awareness state. `selection` is written by y-monaco. */
export interface AwarenessState {
  user?: PadUser;
  typing?: boolean;
  selection?: unknown;
}

export interface ChatMessage {
  id: string;
  userId: string;
  name: string;
  color: string;
  text: string;
  /** Milliseconds since the epoch. */
  ts: number;
}
