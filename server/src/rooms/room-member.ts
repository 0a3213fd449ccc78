import type { CloseCode, PadUser } from "@codepad/shared";

/** What a room needs of one connected client; the room knows nothing of the transport. */
export interface RoomMember {
  /** Sends one protocol frame; a closed member drops it. */
  send(frame: Uint8Array): void;
  /** Closes the member's connection with a contract close code. */
  close(closeCode: CloseCode): void;
  /**
   * Closes the member's connection for a frame the room refused after the fact (it waited
   * for the pad to be read from storage): the close code says why, as for a frame refused
   * at once.
   */
  refuse(error: unknown): void;
  /** When a frame was last written to this client (ms since the epoch). */
  readonly lastSentAt: number;
  /** The user this client announced in its awareness state, once it has. */
  user: PadUser | undefined;
}
