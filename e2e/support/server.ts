import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "../../server/src/node-flags.ts";
import { freePort } from "../../server/test/support/free-port.ts";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * The real Codepad server (built web app + API + WebSocket) in its own process, on storage
 * that survives `restart()`: the production bundle that `npm run build` makes, started as
 * `npm start` starts it. PostgreSQL is used when TEST_DATABASE_URL is set… per spec,
 * embedded PGlite otherwise, as `npm start` does.
 */
export class CodepadServer {
  private child: ChildProcess | undefined;
  private output = "";

  private constructor(
    readonly url: string,
    private readonly env: Record<string, string>,
    private readonly dataDir: string,
  ) {}

  static async start(extraEnv: Record<string, string> = {}): Promise<CodepadServer> {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "codepad-e2e-"));
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // One browser creates every pad of the suite from one address.
      RATE_LIMIT_MAX_REQUESTS: "100000",
      API_RATE_LIMIT_MAX: "100000",
      ...extraEnv,
    };
    const server = new CodepadServer(`http://127.0.0.1:${port}`, env, dataDir);
    await server.launch();
    return server;
  }

  get logs(): string {
    return this.output;
  }

  private async launch(): Promise<void> {
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, "server/dist/main.mjs"], {
      cwd: root,
      env: { ...process.env, ...SERVER_ENV, ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited during start:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/api/health`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server did not start:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the process with `signal` and waits for it to exit; returns its exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      return child?.exitCode ?? null;
    }
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    child.kill(signal);
    return exited;
  }

  async restart(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.stop(signal);
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop("SIGTERM");
    await fs.rm(this.dataDir, { recursive: true, force: true });
  }
}
