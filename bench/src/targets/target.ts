import type { ServerProcess } from "./server-process.ts";

export type TargetName = "codepad" | "reference" | "hocuspocus" | "hocuspocus-sqlite" | "relay";

/**
 * How a client talks to a target. All Yjs targets speak the y-websocket protocol; Hocuspocus
 * prefixes every frame with the document name and wants an auth frame first; the relay
 * forwards bytes and holds no document, so there is nothing to sync with it.
 */
export type Dialect = "y-websocket" | "hocuspocus" | "relay";

export interface Target {
  readonly name: TargetName;
  readonly dialect: Dialect;
  /** False for the relay: no document on the server, so no cold sync and no restart. */
  readonly holdsDocuments: boolean;
  /** True when a restart keeps the pads (storage on disk). */
  readonly persistent: boolean;
  /** Why this target cannot run here, or null when it can. */
  unavailableReason(): string | null;
  /** Starts the server on a fresh port with its storage in `dataDir`. */
  start(dataDir: string, options?: StartOptions): Promise<RunningTarget>;
}

export interface RunningTarget {
  readonly target: Target;
  readonly process: ServerProcess;
  /** WebSocket URL of one pad. */
  padUrl(padId: string): string;
  /** Creates pads the way a user would (REST for Codepad; a fresh name elsewhere). */
  createPads(count: number): Promise<string[]>;
  /** Stops the server (SIGTERM) and starts it again on the same storage. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Start with the V8 inspector and `gc()` exposed (see ServerProcess.inspectPort). */
  inspect?: boolean;
}
