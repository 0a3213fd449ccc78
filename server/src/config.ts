import path from "node:path";
import { DEFAULT_MAX_CODE_SIZE } from "@codepad/shared";
import { repoRoot } from "./repo-root.ts";

/** The server's configuration, parsed and validated once from the environment. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  /** Extra origin allowed for CORS and the WebSocket origin check. */
  frontendUrl: string | undefined;
  /** Seconds of inactivity after which a pad expires. */
  sessionDurationSeconds: number;
  /** Seconds between snapshots of changed pads. */
  snapshotIntervalSeconds: number;
  maxCodeSize: number;
  rateLimitWindowMs: number;
  rateLimitMaxRequests: number;
  apiRateLimitMax: number;
  dbPoolSize: number;
  /** Redis that instances share live pads through; needs a shared `databaseUrl`. */
  redisUrl: string | undefined;
  /** WebSocket connections accepted per client IP per minute. */
  wsConnectRateMax: number;
  /** WebSocket messages accepted per connection per second. */
  wsMessageRateMax: number;
  /**
   * Seconds without edits or joins after which a pad's document leaves memory while its
   * clients stay connected (0: never).
   */
  idleDocTimeoutSeconds: number;
  /** Seconds between heartbeat pings; a socket that missed one ping is dropped. */
  heartbeatIntervalSeconds: number;
  /** Honour X-Forwarded-For for the client IP (only behind a trusted proxy). */
  trustProxy: boolean;
  /** Directory of the built web app; absent when only the API is served. */
  webDistDir: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === "" ? undefined : raw;
}

function url(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  try {
    // Normalised without a trailing slash so that links and origins compare as strings.
    return new URL(raw).toString().replace(/\/$/, "");
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, "PORT", 3000, 0);
  const databaseUrl = optional(env, "DATABASE_URL");
  const redisUrl = url(env, "REDIS_URL");
  if (redisUrl !== undefined && !/^rediss?:$/.test(new URL(redisUrl).protocol)) {
    throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  }
  if (redisUrl !== undefined && databaseUrl === undefined) {
    // Embedded PGlite belongs to one process: instances would each have their own pads.
    throw new ConfigError("REDIS_URL needs DATABASE_URL: instances must share one database");
  }
  return {
    port,
    host: optional(env, "HOST") ?? "127.0.0.1",
    dataDir: path.resolve(optional(env, "DATA_DIR") ?? "./data"),
    databaseUrl,
    publicUrl: url(env, "PUBLIC_URL") ?? `http://localhost:${port}`,
    frontendUrl: url(env, "FRONTEND_URL"),
    sessionDurationSeconds: integer(env, "SESSION_DURATION", 86_400, 1),
    snapshotIntervalSeconds: integer(env, "SNAPSHOT_INTERVAL", 30, 1),
    maxCodeSize: integer(env, "MAX_CODE_SIZE", DEFAULT_MAX_CODE_SIZE, 1),
    rateLimitWindowMs: integer(env, "RATE_LIMIT_WINDOW", 900_000, 1),
    rateLimitMaxRequests: integer(env, "RATE_LIMIT_MAX_REQUESTS", 10, 1),
    apiRateLimitMax: integer(env, "API_RATE_LIMIT_MAX", 100, 1),
    dbPoolSize: integer(env, "DB_POOL_SIZE", 20, 1),
    redisUrl,
    wsConnectRateMax: integer(env, "WS_CONNECT_RATE_MAX", 300, 1),
    wsMessageRateMax: integer(env, "WS_MESSAGE_RATE_MAX", 200, 1),
    heartbeatIntervalSeconds: integer(env, "HEARTBEAT_INTERVAL", 30, 1),
    idleDocTimeoutSeconds: integer(env, "IDLE_DOC_TIMEOUT", 10, 0),
    trustProxy: ["1", "true", "yes"].includes((optional(env, "TRUST_PROXY") ?? "").toLowerCase()),
    webDistDir: path.resolve(optional(env, "WEB_DIST_DIR") ?? path.join(repoRoot, "web/dist")),
  };
}
