/**
 * The worker thread that runs embedded PGlite for the server (see `pglite-worker-client.ts`).
 * PostgreSQL compiled to WebAssembly runs every statement synchronously on the thread that
 * calls it; here that is this thread, not the one serving the typists.
 */
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { openPglite } from "./pglite.ts";
import {
  serializeError,
  type PgliteReady,
  type PgliteRequest,
  type PgliteResponse,
  type PgliteWorkerData,
  type QueryResult,
} from "./pglite-worker-protocol.ts";

const port = parentPort;
if (port === null) throw new Error("pglite-worker.ts runs as a worker thread");

/** An open transaction: its handle, and how to end it (resolves once it has ended). */
interface OpenTransaction {
  tx: Transaction;
  end: (commit: boolean) => Promise<void>;
}

/** Thrown inside PGlite's transaction callback to make it roll back. */
class Rollback extends Error {}

const keepText = (value: string): string => value;

/**
 * This thread's nice value (Linux's is per thread; the server's thread keeps 0). Where the
 * two threads share one core, the kernel then lets a waking server thread run first,
 * instead of after the worker's time slice: pinned to one core, the longest stall of the
 * server's thread while a pad was snapshotted went from 1.2–5.1 ms (nice 0) to 1.1–2.3 ms
 * (10), against 3.2–4.6 ms with PGlite on the server's thread. Under a server thread that
 * wants the whole core, the worker still gets about a tenth of it.
 */
const NICE = 10;

const { directory } = workerData as PgliteWorkerData;
// Elsewhere (macOS) a nice value is the whole process's: the server's thread would share it.
if (process.platform === "linux") {
  try {
    os.setPriority(0, NICE); // 0: the calling thread
  } catch {
    // not permitted here (some containers): the worker runs at the server's priority
  }
}
const transactions = new Map<number, OpenTransaction>();

let db: PGlite;
try {
  db = await openPglite(directory);
  port.postMessage({ ready: true } satisfies PgliteReady);
} catch (error) {
  port.postMessage({ ready: false, error: serializeError(error) } satisfies PgliteReady);
  port.close();
  process.exit(1);
}

port.on("message", (request: PgliteRequest) => {
  handle(request).then(
    ({ result, transfer }) => reply({ id: request.id, ok: true, result }, transfer),
    (error: unknown) => reply({ id: request.id, ok: false, error: serializeError(error) }, []),
  );
});

function reply(response: PgliteResponse, transfer: ArrayBuffer[]): void {
  port?.postMessage(response, transfer);
}

async function handle(
  request: PgliteRequest,
): Promise<{ result?: QueryResult; transfer: ArrayBuffer[] }> {
  switch (request.op) {
    case "query": {
      const runner = request.tx === null ? db : transactions.get(request.tx)?.tx;
      if (runner === undefined) throw new Error(`transaction ${request.tx} is not open`);
      const parsers = Object.fromEntries(request.textTypes.map((type) => [type, keepText]));
      const results = await runner.query(request.sql, request.params, {
        rowMode: request.rowMode,
        parsers,
      });
      const result: QueryResult = {
        rows: results.rows,
        fields: results.fields,
        ...(results.affectedRows === undefined ? {} : { affectedRows: results.affectedRows }),
      };
      return { result, transfer: ownBuffersOf(results.rows) };
    }
    case "begin":
      await begin(request.id);
      return { transfer: [] };
    case "end": {
      const open = transactions.get(request.tx);
      if (open === undefined) throw new Error(`transaction ${request.tx} is not open`);
      await open.end(request.commit);
      return { transfer: [] };
    }
    case "collectGarbage": {
      // Twice, as on the server's thread: the second sweeps and returns the freed pages.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      return { transfer: [] };
    }
    case "close":
      await db.close();
      setImmediate(() => port?.close()); // after the reply has gone
      return { transfer: [] };
  }
}

/**
 * Opens a transaction and resolves once BEGIN has run. It stays open, and PGlite runs no
 * other statement, until `end` is called with its id; `end` resolves once COMMIT (or
 * ROLLBACK) has run, or rejects with the error COMMIT failed with.
 */
function begin(id: number): Promise<void> {
  return new Promise<void>((begun, failedToBegin) => {
    let decide!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => {
      decide = resolve;
    });
    const outcome: Promise<void> = db
      .transaction(async (tx) => {
        transactions.set(id, {
          tx,
          end: (commit) => {
            decide(commit);
            return outcome;
          },
        });
        begun();
        if (!(await decided)) throw new Rollback("rolled back by the caller");
      })
      .then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        },
      )
      .finally(() => transactions.delete(id));
    // Once begun, this settles nothing; a failed COMMIT reaches the caller through `end`.
    outcome.catch(failedToBegin);
  });
}

/**
 * The ArrayBuffers of the byte values (bytea) in `rows`, to hand over instead of copying:
 * each is a buffer of its own (see `pglite.ts`), so nothing else is handed over with it.
 */
function ownBuffersOf(rows: unknown[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const row of rows) {
    for (const value of Object.values(row as object)) {
      if (
        value instanceof Uint8Array &&
        value.byteOffset === 0 &&
        value.buffer instanceof ArrayBuffer &&
        value.buffer.byteLength === value.byteLength &&
        !buffers.includes(value.buffer)
      ) {
        buffers.push(value.buffer);
      }
    }
  }
  return buffers;
}
