import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { appendFileSync } from "node:fs";
import net from "node:net";

/** A target server running as a child process, pinned to its own core. */
export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** Last lines the server printed, to explain a failure. */
  outputTail(): string;
  /** Port of the V8 inspector (`--inspect`), when the server was started with one. */
  readonly inspectPort: number | null;
  /** True once the process has exited (crashed, or was stopped). */
  readonly exited: boolean;
  /** SIGTERM (the server saves what it holds), then SIGKILL if it takes longer than 20 s. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /**
   * Node flags the target runs with in production, e.g. ["--max-semi-space-size=4"];
   * BENCH_NODE_FLAGS come after them, so a trial can override them.
   */
  nodeFlags?: string[];
  /** Node arguments after the flags, e.g. ["--import", "tsx", "server/src/main.ts"]. */
  nodeArgs: string[];
  cwd: string;
  env: Record<string, string>;
  port: number;
  /** The core the server runs on; the load generator takes the other one. */
  cpu: number;
  /**
   * Start with `--inspect` and `--expose-gc`, so that the bench can collect garbage and read
   * the heap (the memory scenario: RSS alone moves with garbage not yet collected).
   */
  inspect?: boolean;
  /** Resolves once the server answers; called until it does or the start times out. */
  isReady: (port: number) => Promise<boolean>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const TAIL_LINES = 30;

/**
 * Starts `node …` through bash so that the soft fd limit can be raised to the hard one
 * (10,000 sockets need more than the usual 1,024), then `exec taskset` so that the pid we
 * hold is node's own and /proc/<pid> measures the server and nothing else.
 */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  // BENCH_PROFILE_DIR=dir writes a CPU profile of every server into dir (node --cpu-prof).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profiling = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
  // BENCH_NODE_FLAGS="--max-semi-space-size=2 …" starts every server (peers too) with these
  // node flags: a deployment's tuning, measured against the same tuning of the others.
  const benchFlags = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const inspectPort = options.inspect === true ? await freePort() : null;
  const inspecting =
    inspectPort === null ? [] : ["--expose-gc", `--inspect=127.0.0.1:${inspectPort}`];
  const child = spawn(
    "bash",
    [
      "-c",
      'ulimit -n "$(ulimit -Hn)"; exec taskset -c "$0" node "$@"',
      String(options.cpu),
      ...profiling,
      ...inspecting,
      ...(options.nodeFlags ?? []),
      ...benchFlags,
      ...options.nodeArgs,
    ],
    {
      cwd: options.cwd,
      env: { ...process.env, NODE_ENV: "production", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const tail: string[] = [];
  // BENCH_SERVER_LOG=file appends every server's whole output there (e.g. with --trace-gc).
  const logFile = process.env.BENCH_SERVER_LOG;
  const keep = (chunk: Buffer) => {
    if (logFile !== undefined) appendFileSync(logFile, chunk);
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    }
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = false;
  const exit = once(child, "exit").then(() => {
    exited = true;
  });

  const started = Date.now();
  while (!(await options.isReady(options.port))) {
    if (exited || Date.now() - started > START_TIMEOUT_MS) {
      child.kill("SIGKILL");
      throw new Error(`server did not start: ${tail.join("\n")}`);
    }
    await delay(100);
  }
  if (child.pid === undefined) throw new Error("server has no pid");

  return {
    pid: child.pid,
    port: options.port,
    inspectPort,
    outputTail: () => tail.join("\n"),
    get exited() {
      return exited;
    },
    stop: () =>
      stopChild(
        child,
        exit,
        () => exited,
        (line) => tail.push(line),
      ),
  };
}

async function stopChild(
  child: ChildProcess,
  exit: Promise<void>,
  hasExited: () => boolean,
  note: (line: string) => void,
): Promise<void> {
  if (hasExited()) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    note(`[bench] no exit ${STOP_TIMEOUT_MS / 1000} s after SIGTERM: SIGKILL`);
    child.kill("SIGKILL");
  }, STOP_TIMEOUT_MS);
  await exit;
  clearTimeout(timer);
}

/** A port that was free a moment ago (the kernel picks it; we release it for the server). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Ready when a TCP connection is accepted. */
export function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
