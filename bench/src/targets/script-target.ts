import path from "node:path";
import { acceptsTcp, freePort, spawnServer, type ServerProcess } from "./server-process.ts";
import { randomPadId } from "./pad-names.ts";
import type { Dialect, RunningTarget, Target, TargetName } from "./target.ts";

const benchRoot = path.resolve(import.meta.dirname, "../..");

export interface ScriptTargetOptions {
  name: TargetName;
  dialect: Dialect;
  holdsDocuments: boolean;
  persistent: boolean;
  /** The server script in this folder. */
  script: string;
  /** Arguments after the port, given the data directory. */
  args: (dataDir: string) => string[];
  unavailableReason?: () => string | null;
}

/**
 * A peer server run from one of our small scripts (reference, Hocuspocus, relay). Its pads
 * need no creation: a fresh name is a fresh pad. Pads are joined at `/<padId>`, the URL
 * path these servers take as the document name (Hocuspocus takes it from each frame).
 */
export function scriptTarget(options: ScriptTargetOptions): Target {
  const target: Target = {
    name: options.name,
    dialect: options.dialect,
    holdsDocuments: options.holdsDocuments,
    persistent: options.persistent,
    unavailableReason: options.unavailableReason ?? (() => null),
    async start(dataDir, startOptions = {}) {
      const port = await freePort();
      const launch = () =>
        spawnServer({
          nodeArgs: [
            "--import",
            "tsx",
            path.join("src/targets", options.script),
            String(port),
            ...options.args(dataDir),
          ],
          cwd: benchRoot,
          env: {},
          port,
          cpu: 0,
          inspect: startOptions.inspect,
          isReady: acceptsTcp,
        });
      let server: ServerProcess = await launch();
      const running: RunningTarget = {
        target,
        get process() {
          return server;
        },
        padUrl: (padId) => `ws://127.0.0.1:${port}/${padId}`,
        createPads: (count) => Promise.resolve(Array.from({ length: count }, randomPadId)),
        async restart() {
          await server.stop();
          server = await launch();
        },
        stop: () => server.stop(),
      };
      return running;
    },
  };
  return target;
}
