/**
 * The messages between the server's thread and the worker thread that runs embedded PGlite
 * (see `pglite-worker-client.ts` and `pglite-worker.ts`).
 */

/** What the worker is started with. */
export interface PgliteWorkerData {
  /** PGlite's data directory. */
  directory: string;
}

export type PgliteRequest =
  | {
      op: "query";
      id: number;
      /** The transaction the query belongs to, or null for a query of its own. */
      tx: number | null;
      sql: string;
      params: unknown[];
      rowMode: "array" | "object";
      /**
       * Types whose values come back as PostgreSQL's text: the caller parses them itself
       * (its parsers are functions, which do not cross threads).
       */
      textTypes: number[];
    }
  /** Opens a transaction; its id is this request's id. */
  | { op: "begin"; id: number }
  /** Commits (or rolls back) the transaction `tx`. */
  | { op: "end"; id: number; tx: number; commit: boolean }
  /** A full garbage collection of the worker's heap (node --expose-gc). */
  | { op: "collectGarbage"; id: number }
  | { op: "close"; id: number };

export interface QueryField {
  name: string;
  dataTypeID: number;
}

export interface QueryResult {
  rows: unknown[];
  fields: QueryField[];
  affectedRows?: number;
}

/** An error of the database, with PostgreSQL's fields (code, constraint…) kept. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, string | number | undefined>;
}

export type PgliteResponse =
  | { id: number; ok: true; result?: QueryResult }
  | { id: number; ok: false; error: SerializedError };

/** The worker's first message: PGlite is open (or could not be). */
export type PgliteReady = { ready: true } | { ready: false; error: SerializedError };

/** PostgreSQL's error fields that PGlite's DatabaseError carries (pg-protocol's names). */
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), fields: {} };
  const fields: SerializedError["fields"] = {};
  for (const key of ERROR_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === "string" || typeof value === "number") fields[key] = value;
  }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    fields,
  };
}

/** The error again, on this thread, with the same name, message and PostgreSQL fields. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return Object.assign(error, serialized.fields);
}
