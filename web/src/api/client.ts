/**
 * Typed calls to the REST API of CONTRACT.md. Every failure becomes an ApiError carrying the
 * contract's `{ success: false, error: { type, message } }`, so pages branch on `status`/`type`
 * instead of parsing responses themselves.
 */
import type {
  ApiErrorBody,
  CreateSessionRequest,
  CreateSessionResponse,
  CreatedSession,
  PublicSessionSummary,
  SessionDetails,
  SessionListResponse,
  SessionResponse,
} from "@codepad/shared";
import { ApiError } from "./api-error.ts";

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { type?: unknown }).type === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

function parseRetryAfter(response: Response): number | null {
  const header = response.headers.get("Retry-After");
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const init: RequestInit = { method: options.method ?? "GET", headers };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    // An abort is the caller's decision, not a failure to report.
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "network_error", "Could not reach the server");
  }

  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }

  if (!response.ok) {
    if (isApiErrorBody(body)) {
      throw new ApiError(
        response.status,
        body.error.type,
        body.error.message,
        parseRetryAfter(response),
      );
    }
    throw new ApiError(
      response.status,
      "bad_response",
      `Unexpected response from the server (HTTP ${response.status})`,
    );
  }
  if (body === null) {
    throw new ApiError(response.status, "bad_response", "The server sent an empty response");
  }
  return body as T;
}

function sessionPath(sessionId: string): string {
  return `/api/sessions/${encodeURIComponent(sessionId)}`;
}

export async function createSession(input: CreateSessionRequest): Promise<CreatedSession> {
  const body = await request<CreateSessionResponse>("/api/sessions", {
    method: "POST",
    body: input,
  });
  return body.session;
}

export async function getSession(sessionId: string, signal?: AbortSignal): Promise<SessionDetails> {
  const options: RequestOptions = signal ? { signal } : {};
  const body = await request<SessionResponse>(sessionPath(sessionId), options);
  return body.session;
}

export async function deleteSession(sessionId: string, ownerKey: string): Promise<void> {
  await request<{ success: true }>(sessionPath(sessionId), {
    method: "DELETE",
    headers: { Authorization: `Bearer ${ownerKey}` },
  });
}

export interface PublicSessionPage {
  sessions: PublicSessionSummary[];
  total: number;
}

export async function listPublicSessions(
  page: number,
  limit: number,
  signal?: AbortSignal,
): Promise<PublicSessionPage> {
  const query = new URLSearchParams({ page: String(page), limit: String(limit) });
  const options: RequestOptions = signal ? { signal } : {};
  const body = await request<SessionListResponse>(`/api/sessions?${query.toString()}`, options);
  return { sessions: body.sessions, total: body.total };
}
