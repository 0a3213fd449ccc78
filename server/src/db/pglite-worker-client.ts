/**
 * Embedded PGlite, run on a worker thread, behind the part of PGlite's API that drizzle's
 * pglite driver calls (`query` and `transaction`).
 *
 * PGlite is PostgreSQL compiled to WebAssembly: every statement runs synchronously on the
 * thread that calls it. On the server's thread, a small pad's snapshot held the event loop
 * for 3–5 ms (10 ms the first time) and a 1 MiB pad's for 54–89 ms, and every key typed on
 * the instance meanwhile waited: in the benchmark's busy pad, the snapshot tick was the
 * longest stall of the run (16 ms). Here the statement runs on the worker while the
 * server's thread goes on; where the two share one core, the kernel lets the server's
 * thread go first (see `pglite-worker.ts`): pinned to one core, the longest stall was
 * 1–2 ms and 2–6 ms.
 *
 * Drizzle passes parsers as functions, which do not cross threads: values of the types it
 * parses come back as PostgreSQL's text and its parsers run here, so its results are what
 * they were with PGlite on this thread.
 */
import { Worker } from "node:worker_threads";
import {
  deserializeError,
  type PgliteReady,
  type PgliteRequest,
  type PgliteResponse,
  type PgliteWorkerData,
  type QueryResult,
} from "./pglite-worker-protocol.ts";

export interface QueryOptions {
  rowMode?: "array" | "object";
  parsers?: Record<number, (value: string, typeId?: number) => unknown>;
}

export interface Results<T> {
  rows: T[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

/** What runs inside `transaction`: queries that belong to it. */
export interface PgliteWorkerTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
}

/** Distributes a request's fields without its id (assigned when it is sent). */
type Unsent<R> = R extends unknown ? Omit<R, "id"> : never;

// The bundled server (dist/main.mjs) has the worker bundled beside it; tests run the source.
const WORKER_URL = new URL(
  import.meta.url.endsWith(".ts") ? "./pglite-worker.ts" : "./pglite-worker.mjs",
  import.meta.url,
);

function startWorker(workerData: PgliteWorkerData): Worker {
  if (!WORKER_URL.pathname.endsWith(".ts")) return new Worker(WORKER_URL, { workerData });
  // From source (tests): Node 20 does not apply `--import tsx` to worker threads, so the
  // worker registers tsx's loader itself before it imports the TypeScript.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
    .then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export class PgliteWorkerClient implements PgliteWorkerTransaction {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (result: QueryResult | undefined) => void; reject: (error: Error) => void }
  >();
  /** Why the worker is gone, once it is: every request after fails with it. */
  private stopped: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (response: PgliteResponse) => this.settle(response));
    worker.on("error", (error) => this.stop(error));
    worker.on("exit", (code) => this.stop(new Error(`embedded database stopped (exit ${code})`)));
    // Idle, the worker does not keep the process alive; a request under way does.
    worker.unref();
  }

  /** Starts the worker and opens PGlite in `directory` there. */
  static async open(directory: string): Promise<PgliteWorkerClient> {
    const worker = startWorker({ directory });
    let settle!: { ready: (ready: PgliteReady) => void; failed: (error: Error) => void };
    const ready = await new Promise<PgliteReady>((resolve, reject) => {
      settle = {
        ready: resolve,
        failed: (error) => reject(error instanceof Error ? error : new Error(String(error))),
      };
      worker.once("message", settle.ready);
      worker.once("error", settle.failed);
      worker.once("exit", onExit);
      function onExit(code: number) {
        reject(new Error(`embedded database exited (${code})`));
      }
    }).finally(() => {
      worker.off("message", settle.ready).off("error", settle.failed);
      worker.removeAllListeners("exit");
    });
    if (!ready.ready) {
      await worker.terminate();
      throw deserializeError(ready.error);
    }
    return new PgliteWorkerClient(worker);
  }

  query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.runQuery<T>(null, sql, params, options);
  }

  /**
   * Runs `run` in a transaction: committed if it resolves, rolled back if it throws. PGlite
   * runs no other statement until it has ended, as on its own thread.
   */
  async transaction<T>(run: (tx: PgliteWorkerTransaction) => Promise<T>): Promise<T> {
    const tx = this.nextId; // the id of the request that opens it names the transaction
    await this.request({ op: "begin" });
    let result: T;
    try {
      result = await run({
        query: <R>(sql: string, params: unknown[] = [], options: QueryOptions = {}) =>
          this.runQuery<R>(tx, sql, params, options),
      });
    } catch (error) {
      // The caller's error is the news, even if the rollback fails too (the worker is gone).
      await this.request({ op: "end", tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.request({ op: "end", tx, commit: true });
    return result;
  }

  /**
   * A full collection of the worker's heap, when the server was started with --expose-gc:
   * every pad saved or loaded passes through it (as bytes, then hex text), and V8 does not
   * collect a heap that has stopped growing.
   */
  collectGarbage(): void {
    this.request({ op: "collectGarbage" }).catch(() => {
      // the worker is gone: nothing of it to collect
    });
  }

  /** Closes PGlite (it writes what it holds) and ends the worker. */
  async close(): Promise<void> {
    if (this.stopped !== null) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    await this.request({ op: "close" });
    this.worker.ref(); // until it has exited
    await exited;
  }

  private async runQuery<T>(
    tx: number | null,
    sql: string,
    params: unknown[],
    options: QueryOptions,
  ): Promise<Results<T>> {
    const parsers = options.parsers ?? {};
    const result = (await this.request({
      op: "query",
      tx,
      sql,
      params,
      rowMode: options.rowMode ?? "object",
      textTypes: Object.keys(parsers).map(Number),
    })) as QueryResult;
    parseTextValues(result, options.rowMode ?? "object", parsers);
    return result as Results<T>;
  }

  private request(message: Unsent<PgliteRequest>): Promise<QueryResult | undefined> {
    if (this.stopped !== null) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private settle(response: PgliteResponse): void {
    const waiting = this.pending.get(response.id);
    if (waiting === undefined) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.worker.unref();
    if (response.ok) waiting.resolve(response.result);
    else waiting.reject(deserializeError(response.error));
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(this.stopped);
  }
}

/** Runs the caller's parsers on the values the worker left as text. */
function parseTextValues(
  result: QueryResult,
  rowMode: "array" | "object",
  parsers: NonNullable<QueryOptions["parsers"]>,
): void {
  result.fields.forEach((field, index) => {
    const parse = parsers[field.dataTypeID];
    if (parse === undefined) return;
    for (const row of result.rows) {
      const values = row as Record<string | number, unknown>;
      const key = rowMode === "array" ? index : field.name;
      const value = values[key];
      if (typeof value === "string") values[key] = parse(value, field.dataTypeID);
    }
  });
}
