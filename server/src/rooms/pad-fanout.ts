/**
 * What a room tells the other instances that hold its pad live (scale-out through Redis,
 * see `scale-out/redis-fanout.ts`). Without REDIS_URL a room has none.
 */
export interface PadFanout {
  /** An update this instance has logged and applied. */
  publishUpdate(padId: string, update: Uint8Array): void;
  /** An awareness frame of this instance's clients (news, or a removal). */
  publishAwareness(padId: string, frame: Uint8Array): void;
}
