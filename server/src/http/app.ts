import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { LANGUAGES, type ApiErrorBody, type LanguagesResponse } from "@codepad/shared";
import type { Database } from "../db/client.ts";
import { ApiError } from "./api-error.ts";
import type { AppEnv } from "./app-env.ts";
import { clientIp } from "./client-ip.ts";
import { contentSecurityPolicy } from "./content-security-policy.ts";
import { rateLimit } from "./rate-limit.ts";
import { sessionsRoutes, type SessionsRoutesOptions } from "./sessions.ts";
import { staticWebRoutes } from "./static-web.ts";

export interface AppOptions extends SessionsRoutesOptions {
  database: Database;
  trustProxy: boolean;
  frontendUrl: string | undefined;
  apiRateLimitMax: number;
  rateLimitMaxRequests: number;
  rateLimitWindowMs: number;
  /** Served at / when set; tests of the API alone leave it out. */
  webDistDir: string | undefined;
  stats: () => Record<string, number | string>;
}

function errorBody(type: ApiErrorBody["error"]["type"], message: string): ApiErrorBody {
  return { success: false, error: { type, message } };
}

/** The HTTP app: the REST API under /api and the web app everywhere else. */
export function createApp(options: AppOptions) {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    let socketAddress: string | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- getConnInfo is typed for Hono's default Env; it reads only the socket
      socketAddress = getConnInfo(c).remote.address;
    } catch {
      socketAddress = undefined; // app.request() in tests has no socket
    }
    c.set("clientIp", clientIp(c.req.header("X-Forwarded-For"), socketAddress, options.trustProxy));
    await next();
  });

  app.use("*", secureHeaders(contentSecurityPolicy(options.frontendUrl)));
  app.use(
    "/api/*",
    cors({
      // Same-origin pages need no CORS; a separately hosted front end (FRONTEND_URL) does.
      origin: options.frontendUrl === undefined ? [] : [new URL(options.frontendUrl).origin],
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Content-Type", "Authorization"],
      exposeHeaders: ["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
      maxAge: 600,
    }),
  );

  const apiLimiter = new RateLimiterMemory({
    keyPrefix: "api",
    points: options.apiRateLimitMax,
    duration: 60,
  });
  const createLimiter = new RateLimiterMemory({
    keyPrefix: "create",
    points: options.rateLimitMaxRequests,
    duration: Math.max(1, Math.ceil(options.rateLimitWindowMs / 1000)),
  });
  app.use(
    "/api/*",
    rateLimit(apiLimiter, "Too many API requests; slow down", {
      // Health checks come from load balancers and monitors, not users.
      skip: (c) => c.req.path === "/api/health" || c.req.method === "OPTIONS",
    }),
  );
  app.post(
    "/api/sessions",
    rateLimit(createLimiter, "Too many pads created from this address; try again later"),
  );

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
