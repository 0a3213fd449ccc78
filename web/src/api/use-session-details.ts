/**
 * Loads a pad's details before anything connects: the REST answer decides whether there is
 * a pad to open at all (404 / 410 / 400 become error pages, not a socket that gets refused).
 */
import type { SessionDetails } from "@codepad/shared";
import { useCallback, useEffect, useState } from "react";
import { ApiError, describeApiError } from "./api-error.ts";
import { getSession } from "./client.ts";

export type SessionDetailsState =
  | { state: "loading" }
  | { state: "ready"; session: SessionDetails }
  /** 404, or 400 (a malformed id is a page that does not exist). */
  | { state: "not_found" }
  /** 410: expired or deleted. */
  | { state: "expired" }
  | { state: "failed"; message: string };

export function useSessionDetails(sessionId: string): {
  details: SessionDetailsState;
  retry: () => void;
} {
  const [details, setDetails] = useState<SessionDetailsState>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setDetails({ state: "loading" });
    getSession(sessionId, controller.signal).then(
      (session) => setDetails({ state: "ready", session }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
          setDetails({ state: "not_found" });
        } else if (error instanceof ApiError && error.status === 410) {
          setDetails({ state: "expired" });
        } else {
          setDetails({ state: "failed", message: describeApiError(error) });
        }
      },
    );
    return () => controller.abort();
  }, [sessionId, attempt]);

  const retry = useCallback(() => setAttempt((value) => value + 1), []);
  return { details, retry };
}
