import type { ApiErrorType } from "@codepad/shared";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error the API answers with the contract's `{ success: false, error }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ApiErrorType,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const invalidData = (message: string) => new ApiError(400, "invalid_data", message);
export const sessionNotFound = () => new ApiError(404, "session_not_found", "No pad with this id");
export const sessionExpired = () =>
  new ApiError(410, "session_expired", "This pad has expired or was deleted");
