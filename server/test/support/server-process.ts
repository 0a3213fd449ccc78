import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "./free-port.ts";
import { generousLimits } from "./test-server.ts";
import { waitUntil } from "./wait.ts";

const serverDir = path.resolve(import.meta.dirname, "../..");

export { freePort };

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * The real server in its own process, from its source through tsx, so that these tests need
 * no build step; users run the same code bundled (`npm start`), which the browser tests use.
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = env["PORT"] ?? String(await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: serverDir,
    env: { ...process.env, HOST: "127.0.0.1", ...generousLimits, ...env, PORT: port },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => {
      if (hasExited) throw new Error(`server exited during start:\n${output}`);
      try {
        return (await fetch(`${url}/api/health`)).ok;
      } catch {
        return false;
      }
    },
    "the server process to answer /api/health",
    30_000,
  );
  return { url, child, output: () => output, exited };
}
