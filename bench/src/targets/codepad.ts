import { execFileSync } from "node:child_process";
import path from "node:path";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "../../../server/src/node-flags.ts";
import { acceptsHttp } from "./http-ready.ts";
import { freePort, spawnServer, type ServerProcess } from "./server-process.ts";
import type { RunningTarget, Target } from "./target.ts";

const repoRoot = path.resolve(import.meta.dirname, "../../..");

let built = false;

/** Bundles the server as `npm start` does (esbuild, well under a second), once per bench. */
function buildServerOnce(): void {
  if (built) return;
  execFileSync(process.execPath, ["server/build.mjs"], { cwd: repoRoot, stdio: "inherit" });
  built = true;
}

/** How many pads are created through REST at once. */
const CREATE_CONCURRENCY = 16;

/**
 * Codepad as a user runs it (`npm start`): the production bundle of the working tree's
 * server, `node <SERVER_NODE_FLAGS> server/dist/main.mjs`, with embedded storage (PGlite
 * + LevelDB update log) in a fresh DATA_DIR and the default SNAPSHOT_INTERVAL. The abuse
 * limits are raised because every bench client comes from 127.0.0.1.
 */
export const codepad: Target = {
  name: "codepad",
  dialect: "y-websocket",
  holdsDocuments: true,
  persistent: true,
  unavailableReason: () => null,
  async start(dataDir, startOptions = {}) {
    buildServerOnce();
    const port = await freePort();
    const launch = () =>
      spawnServer({
        // As `npm start` runs it (see the root package.json).
        nodeFlags: SERVER_NODE_FLAGS,
        nodeArgs: ["server/dist/main.mjs"],
        cwd: repoRoot,
        env: {
          ...SERVER_ENV,
          PORT: String(port),
          HOST: "127.0.0.1",
          DATA_DIR: dataDir,
          RATE_LIMIT_MAX_REQUESTS: "1000000",
          API_RATE_LIMIT_MAX: "1000000",
          WS_CONNECT_RATE_MAX: "1000000",
          WS_MESSAGE_RATE_MAX: "1000000",
        },
        port,
        cpu: 0,
        inspect: startOptions.inspect,
        isReady: (p) => acceptsHttp(`http://127.0.0.1:${p}/api/health`),
      });
    let server: ServerProcess = await launch();
    const running: RunningTarget = {
      target: codepad,
      get process() {
        return server;
      },
      padUrl: (padId) => `ws://127.0.0.1:${port}/ws/${padId}`,
      async createPads(count) {
        const ids: string[] = [];
        let next = 0;
        const worker = async () => {
          while (next < count) {
            next++;
            ids.push(await createPad(port));
          }
        };
        await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, count) }, worker));
        return ids;
      },
      async restart() {
        await server.stop();
        server = await launch();
      },
      stop: () => server.stop(),
    };
    return running;
  },
};

async function createPad(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "bench" }),
  });
  const body = (await response.json()) as { session?: { sessionId: string } };
  if (response.status !== 201 || body.session === undefined) {
    throw new Error(`POST /api/sessions answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.session.sessionId;
}
