import type { Context, MiddlewareHandler } from "hono";
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ApiError } from "./api-error.ts";
import type { AppEnv } from "./app-env.ts";

/** The IETF draft RateLimit-* headers (and Retry-After on refusal) for one limiter result. */
function rateLimitHeaders(limit: number, result: RateLimiterRes): Record<string, string> {
  return {
    "RateLimit-Limit": String(limit),
    "RateLimit-Remaining": String(Math.max(0, result.remainingPoints)),
    "RateLimit-Reset": String(Math.ceil(result.msBeforeNext / 1000)),
  };
}

/**
 * Spends one point of `limiter` per request, keyed by client IP. Over the limit the
 * request is answered 429 `rate_limit_exceeded` with Retry-After.
 */
export function rateLimit(
  limiter: RateLimiterAbstract,
  message: string,
  options: { skip?: (c: Context<AppEnv>) => boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (options.skip?.(c)) return next();
    const key = c.get("clientIp") ?? "unknown";
    let result: RateLimiterRes;
    try {
      result = await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new ApiError(429, "rate_limit_exceeded", message, {
        ...rateLimitHeaders(limiter.points, rejection),
        "Retry-After": String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))),
      });
    }
    await next();
    // The innermost (most specific) limiter ran last and set its headers first: keep those.
    if (c.res.headers.has("RateLimit-Limit")) return;
    for (const [name, value] of Object.entries(rateLimitHeaders(limiter.points, result))) {
      c.header(name, value);
    }
  };
}
