/**
 * WebSocket close codes of the contract. Every refusal is a close frame sent after the
 * socket was accepted, so that a browser sees the code and the reason instead of a bare 1006.
 */
export interface CloseCode {
  readonly code: number;
  readonly reason: string;
}

export const CloseCodes = {
  /** Malformed sessionId or malformed message. */
  malformed: { code: 4400, reason: "Malformed request or message" },
  /** Origin not allowed, or a write over a read-only link. */
  forbidden: { code: 4403, reason: "Not allowed" },
  /** No pad with this id. */
  notFound: { code: 4404, reason: "Pad not found" },
  /** The pad expired or was deleted. */
  gone: { code: 4410, reason: "Pad expired or deleted" },
  /** Message too large, or the pad would exceed MAX_CODE_SIZE. */
  tooLarge: { code: 4413, reason: "Too large" },
  /** Too many messages or connections. */
  tooManyRequests: { code: 4429, reason: "Too many requests" },
  /** Server shutting down; clients reconnect. */
  goingAway: { code: 1001, reason: "Server shutting down" },
  /** The server could not load or store the pad. */
  internalError: { code: 1011, reason: "Server error" },
} as const satisfies Record<string, CloseCode>;

/** Codes after which reconnecting cannot help: the client stops and shows the reason. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([4400, 4403, 4404, 4410, 4413]);

export function isFatalCloseCode(code: number): boolean {
  return FATAL_CLOSE_CODES.has(code);
}
