import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("refuses REDIS_URL without DATABASE_URL: instances must share one database", () => {
    assert.throws(
      () => loadConfig({ REDIS_URL: "redis://127.0.0.1:6379" }),
      (error: unknown) => error instanceof ConfigError && /DATABASE_URL/.test(error.message),
    );
  });

  it("refuses a REDIS_URL that is not a redis:// URL", () => {
    assert.throws(
      () =>
        loadConfig({ REDIS_URL: "http://127.0.0.1:6379", DATABASE_URL: "postgres://db/codepad" }),
      ConfigError,
    );
  });

  it("takes REDIS_URL with DATABASE_URL", () => {
    const config = loadConfig({
      REDIS_URL: "rediss://user:secret@redis.example:6380",
      DATABASE_URL: "postgres://db/codepad",
    });
    assert.equal(config.redisUrl, "rediss://user:secret@redis.example:6380");
  });
});
