import { ConfigError, loadConfig } from "./config.ts";
import { startServer } from "./server.ts";

// A .env file in the working directory is read if present (Node's own parser).
try {
  process.loadEnvFile();
} catch {
  // no .env: the environment alone configures the server
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const server = await startServer(config);
console.log(
  `Codepad listening on ${server.url} (${config.databaseUrl === undefined ? `embedded storage in ${config.dataDir}` : "PostgreSQL"})`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: saving pads and shutting down`);
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("shutdown failed", error);
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
