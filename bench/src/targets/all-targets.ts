import { createRequire } from "node:module";
import path from "node:path";
import { codepad } from "./codepad.ts";
import { scriptTarget } from "./script-target.ts";
import type { Target } from "./target.ts";

const reference = scriptTarget({
  name: "reference",
  dialect: "y-websocket",
  holdsDocuments: true,
  persistent: true,
  script: "reference-server.ts",
  args: (dataDir) => [path.join(dataDir, "leveldb")],
});

const hocuspocus = scriptTarget({
  name: "hocuspocus",
  dialect: "hocuspocus",
  holdsDocuments: true,
  persistent: false,
  script: "hocuspocus-server.ts",
  args: () => [],
});

const hocuspocusSqlite = scriptTarget({
  name: "hocuspocus-sqlite",
  dialect: "hocuspocus",
  holdsDocuments: true,
  persistent: true,
  script: "hocuspocus-server.ts",
  args: (dataDir) => [path.join(dataDir, "hocuspocus.sqlite")],
  unavailableReason: betterSqliteMissing,
});

const relay = scriptTarget({
  name: "relay",
  dialect: "relay",
  holdsDocuments: false,
  persistent: false,
  script: "relay-server.ts",
  args: () => [],
});

/** In the column order of the report: Codepad, its peers, then the machine's ceiling. */
export const allTargets: readonly Target[] = [
  codepad,
  reference,
  hocuspocus,
  hocuspocusSqlite,
  relay,
];

/**
 * better-sqlite3 is native and npm here runs no install script it was not allowed to
 * (root package.json "allowScripts"); prebuilt binaries cannot be downloaded, so it is
 * compiled by node-gyp. When that did not happen, the target is skipped, not failed.
 */
function betterSqliteMissing(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const Database = require("better-sqlite3") as new (file: string) => { close(): void };
    new Database(":memory:").close();
    return null;
  } catch (error) {
    return (
      "better-sqlite3 is not built (run `npm rebuild better-sqlite3`; it compiles with " +
      `node-gyp): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`
    );
  }
}
