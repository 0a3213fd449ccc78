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

/** Starts a worker and resolves once PGlite is open in it (or rejects with why not). */
async function startReadyWorker(directory: string): Promise<Worker> {
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
  return worker;
}

/** How a client reports that its worker stopped and how restarting it went. */
export type PgliteWorkerLog = (message: string, error?: unknown) => void;

/** The wait after a failed restart before the next attempt; it doubles up to the maximum. */
const RESTART_DELAY_MS = 500;
const RESTART_DELAY_MAX_MS = 30_000;

export class PgliteWorkerClient implements PgliteWorkerTransaction {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (result: QueryResult | undefined) => void; reject: (error: Error) => void }
  >();
  private worker!: Worker;
  /**
   * Set while a worker that stopped unexpectedly is being replaced. Requests wait for the
   * replacement, unless an attempt has failed already: they then fail with `unavailable`.
   */
  private replacing: Promise<void> | null = null;
  private unavailable: Error | null = null;
  /** Set by `close`: the worker stops on purpose and every request after fails. */
  private closed = false;

  private constructor(
    worker: Worker,
    private readonly directory: string,
    private readonly log: PgliteWorkerLog,
  ) {
    this.attach(worker);
  }

  /**
   * Starts the worker and opens PGlite in `directory` there. Should the worker stop later
   * (PostgreSQL in WebAssembly aborting, an uncaught error, the thread killed), the requests
   * under way fail and a new worker opens the same directory: PostgreSQL recovers it from
   * its write-ahead log, as after a crash of a server. Edits made meanwhile are safe in the
   * update log, and the snapshots that failed are taken again by the next round.
   */
  static async open(
    directory: string,
    log: PgliteWorkerLog = (message, error) => console.error(message, error ?? ""),
  ): Promise<PgliteWorkerClient> {
    return new PgliteWorkerClient(await startReadyWorker(directory), directory, log);
  }

  query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.runQuery<T>(null, sql, params, options);
  }

  /**
   * Runs `run` in a transaction: committed if it resolves, rolled back if it throws. PGlite
   * runs no other statement until it has ended, as on its own thread.
   */
  async transaction<T>(run: (tx: PgliteWorkerTransaction) => Promise<T>): Promise<T> {
    await this.whenRunning();
    const tx = this.nextId; // the id of the request that opens it names the transaction
    // The transaction lives and dies with this worker: nothing of it goes to a new one.
    const worker = this.worker;
    const inTransaction = <R>(message: Unsent<PgliteRequest>): Promise<R> =>
      this.worker === worker && this.replacing === null
        ? (this.send(message) as Promise<R>)
        : Promise.reject(new Error("embedded database stopped during the transaction"));
    await this.send({ op: "begin" });
    let result: T;
    try {
      result = await run({
        query: <R>(sql: string, params: unknown[] = [], options: QueryOptions = {}) =>
          this.runQuery<R>(tx, sql, params, options, inTransaction),
      });
    } catch (error) {
      // The caller's error is the news, even if the rollback fails too (the worker is gone).
      await inTransaction({ op: "end", tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await inTransaction({ op: "end", tx, commit: true });
    return result;
  }

  /**
   * A full collection of the worker's heap, when the server was started with --expose-gc:
   * every pad saved or loaded passes through it (as bytes, then hex text), and V8 does not
   * collect a heap that has stopped growing.
   */
  async collectGarbage(): Promise<void> {
    await this.request({ op: "collectGarbage" }).catch(() => {
      // the worker is gone: nothing of it to collect
    });
  }

  /** Closes PGlite (it writes what it holds) and ends the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A worker being replaced is dropped by the replacement itself, once it sees `closed`.
    if (this.replacing !== null) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    await this.request({ op: "close" }, true);
    this.worker.ref(); // until it has exited
    await exited;
  }

  private attach(worker: Worker): void {
    this.worker = worker;
    let crash: Error | undefined;
    worker.on("message", (response: PgliteResponse) => this.settle(response));
    // An uncaught error ends the thread; `exit` follows, and only then is the directory free.
    worker.on("error", (error) => {
      crash ??= new Error(`embedded database stopped: ${error.message}`, { cause: error });
      this.failPending(crash);
    });
    worker.on("exit", (code) => {
      const reason = crash ?? new Error(`embedded database stopped (exit ${code})`);
      this.failPending(reason);
      if (!this.closed) this.replace(reason);
    });
    // Idle, the worker does not keep the process alive; a request under way does.
    worker.unref();
  }

  private replace(reason: Error): void {
    this.log("embedded database: its thread stopped; starting a new one", reason);
    this.replacing = (async () => {
      for (let attempt = 1; !this.closed; attempt++) {
        try {
          const worker = await startReadyWorker(this.directory);
          if (this.closed) {
            await worker.terminate();
            return;
          }
          this.attach(worker);
          this.unavailable = null;
          this.replacing = null;
          this.log("embedded database: running again");
          return;
        } catch (error) {
          this.unavailable = new Error("embedded database unavailable", { cause: error });
          this.log(`embedded database: restart attempt ${attempt} failed`, error);
          const delay = Math.min(RESTART_DELAY_MAX_MS, RESTART_DELAY_MS * 2 ** (attempt - 1));
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
        }
      }
    })();
  }

  private async runQuery<T>(
    tx: number | null,
    sql: string,
    params: unknown[],
    options: QueryOptions,
    request: (message: Unsent<PgliteRequest>) => Promise<unknown> = (message) =>
      this.request(message),
  ): Promise<Results<T>> {
    const parsers = options.parsers ?? {};
    const result = (await request({
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

  /** `closing`: the request that closes the worker, the only one sent after `close()`. */
  private async request(
    message: Unsent<PgliteRequest>,
    closing = false,
  ): Promise<QueryResult | undefined> {
    await this.whenRunning(closing);
    return this.send(message);
  }

  /** Resolves once there is a worker to send to (at once, unless one is being replaced). */
  private async whenRunning(closing = false): Promise<void> {
    for (;;) {
      if (this.closed && !closing) throw new Error("embedded database is closed");
      if (this.replacing === null) return;
      if (this.unavailable !== null) throw this.unavailable;
      await this.replacing;
    }
  }

  /** Sends a request to the running worker; its id is taken now, synchronously. */
  private send(message: Unsent<PgliteRequest>): Promise<QueryResult | undefined> {
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

  /** Fails every request under way: the worker that was to answer them is gone. */
  private failPending(reason: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(reason);
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
