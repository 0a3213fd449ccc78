import type { ApiErrorType } from "@codepad/shared";

/**
 * Why a request failed. The contract's error types, plus two the client detects itself:
 * `network_error` (no response at all) and `bad_response` (a response that is not the
 * contract's JSON, e.g. a proxy's HTML error page).
 */
export type ApiFailureType = ApiErrorType | "network_error" | "bad_response";

/** A failed API call, keyed by HTTP status and the contract's `error.type`. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    /** HTTP status, or 0 when no response arrived. */
    readonly status: number,
    readonly type: ApiFailureType,
    message: string,
    /** Seconds from a 429's Retry-After header, when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** A sentence a user can act on, for showing next to the control that failed. */
export function describeApiError(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Please try again.";
  switch (error.type) {
    case "network_error":
      return "Could not reach the Codepad server. Check your connection and try again.";
    case "rate_limit_exceeded": {
      const wait = error.retryAfterSeconds;
      if (wait === null) return "Too many requests. Please wait a moment and try again.";
      const minutes = Math.ceil(wait / 60);
      return wait < 90
        ? `Too many requests. Try again in ${wait} s.`
        : `Too many requests. Try again in ${minutes} min.`;
    }
    default:
      return error.message;
  }
}
