import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { LANGUAGES, type ApiErrorBody, type LanguagesResponse } from "@codepad/shared";
import type { Database } from "../db/client.ts";
import { ApiError } from "./api-error.ts";
import type { AppEnv } from "./app-env.ts";
import { sessionsRoutes, type SessionsRoutesOptions } from "./sessions.ts";
import { staticWebRoutes } from "./static-web.ts";

export interface AppOptions extends SessionsRoutesOptions {
  database: Database;
  trustProxy: boolean;
  /** Served at / when set; tests of the API alone leave it out. */
  webDistDir: string | undefined;
  stats: () => Record<string, number>;
}

function errorBody(type: ApiErrorBody["error"]["type"], message: string): ApiErrorBody {
  return { success: false, error: { type, message } };
}

/** The HTTP app: the REST API under /api and the web app everywhere else. */
export function createApp(options: AppOptions) {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const forwarded = options.trustProxy
      ? c.req.header("X-Forwarded-For")?.split(",")[0]?.trim()
      : undefined;
    let ip = forwarded;
    if (ip === undefined) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- getConnInfo is typed for Hono's default Env; it reads only the socket
        ip = getConnInfo(c).remote.address;
      } catch {
        ip = undefined; // app.request() in tests has no socket
      }
    }
    c.set("clientIp", ip);
    await next();
  });

  app.use(
    "/api/*",
    bodyLimit({
      // JSON may spend up to 6 bytes on one byte of text (\u0000), plus the other fields.
      maxSize: options.maxCodeSize * 6 + 64 * 1024,
      onError: () => {
        throw new ApiError(413, "payload_too_large", "Request body is too large");
      },
    }),
  );

  app.get("/api/health", async (c) => {
    try {
      await options.database.ping();
      return c.json({ status: "ok", db: "ok", storage: options.database.kind, ...options.stats() });
    } catch {
      return c.json({ status: "error", db: "unreachable", storage: options.database.kind }, 503);
    }
  });

  app.get("/api/languages", (c) =>
    c.json({
      success: true,
      languages: LANGUAGES.map(({ id, name, extensions }) => ({ id, name, extensions })),
    } satisfies LanguagesResponse),
  );

  app.route("/api/sessions", sessionsRoutes(options));

  app.all("/api/*", (c) => c.json(errorBody("not_found", "No such API route"), 404));

  if (options.webDistDir !== undefined) app.route("/", staticWebRoutes(options.webDistDir));

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(errorBody(error.type, error.message), error.status);
    }
    if (error instanceof HTTPException) {
      // Hono's own: malformed JSON from the validator, mostly.
      if (error.status === 413) return c.json(errorBody("payload_too_large", error.message), 413);
      if (error.status < 500) return c.json(errorBody("invalid_data", error.message), 400);
    }
    console.error("unhandled error", error);
    return c.json(errorBody("internal_error", "Internal server error"), 500);
  });

  return app;
}
