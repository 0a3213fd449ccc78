import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { loadConfig, type Config } from "../../src/config.ts";
import { startServer, type RunningServer } from "../../src/server.ts";

export async function makeTempDir(prefix = "codepad-test-"): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** The storage back-ends every storage test runs against: PGlite always, PostgreSQL when given. */
export const storageKinds: ("pglite" | "postgres")[] = process.env["TEST_DATABASE_URL"]
  ? ["pglite", "postgres"]
  : ["pglite"];

/**
 * A fresh, empty PostgreSQL database on the TEST_DATABASE_URL server, so that each test
 * server starts from its own migrations and no test sees another's pads.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const baseUrl = process.env["TEST_DATABASE_URL"];
  if (baseUrl === undefined) throw new Error("TEST_DATABASE_URL is not set");
  const name = `codepad_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Limits high enough for a suite that creates many pads from one address; limit tests lower them. */
export const generousLimits = {
  RATE_LIMIT_MAX_REQUESTS: "100000",
  API_RATE_LIMIT_MAX: "100000",
  WS_CONNECT_RATE_MAX: "100000",
};

export interface TestServer extends RunningServer {
  config: Config;
  dataDir: string;
  /** Stops the server and removes its storage. */
  stop(): Promise<void>;
}

/** A real server on a free port with its own storage; `env` overrides configuration. */
export async function startTestServer(
  options: { storage?: "pglite" | "postgres"; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const dataDir = await makeTempDir();
  const database = options.storage === "postgres" ? await createTestDatabase() : undefined;
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ...generousLimits,
    ...(database ? { DATABASE_URL: database.url, DB_POOL_SIZE: "4" } : {}),
    ...options.env,
  });
  const errors: unknown[] = [];
  const server = await startServer(config, {
    serveWeb: false,
    log: (message, error) => {
      if (error !== undefined) errors.push(error);
      if (process.env["TEST_VERBOSE"]) console.log(message, error ?? "");
    },
  });
  return {
    port: server.port,
    url: server.url,
    app: server.app,
    config,
    dataDir,
    close: () => server.close(),
    async stop() {
      await server.close();
      await database?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
