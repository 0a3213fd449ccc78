/** Request and response bodies of the REST API under /api (see CONTRACT.md). */

export type ApiErrorType =
  | "invalid_data"
  | "unauthorized"
  | "forbidden"
  | "session_not_found"
  | "session_expired"
  | "payload_too_large"
  | "rate_limit_exceeded"
  | "not_found"
  | "internal_error";

export interface ApiErrorBody {
  success: false;
  error: { type: ApiErrorType; message: string };
}

export interface CreateSessionRequest {
  language?: string;
  title?: string;
  code?: string;
  public?: boolean;
}

export interface UpdateSessionRequest {
  language?: string;
  title?: string;
}

export interface CreatedSession {
  sessionId: string;
  shareableLink: string;
  language: string;
  title: string;
  code: string;
  createdAt: string;
  expiresAt: string;
  /** Secret that authorizes DELETE; returned only by POST. */
  ownerKey: string;
}

export interface SessionDetails {
  sessionId: string;
  language: string;
  title: string;
  code: string;
  activeUsers: number;
  createdAt: string;
  lastActive: string;
  expiresAt: string;
}

export interface PublicSessionSummary {
  sessionId: string;
  title: string;
  language: string;
  activeUsers: number;
  createdAt: string;
  lastActive: string;
}

export interface CreateSessionResponse {
  success: true;
  session: CreatedSession;
}

export interface SessionResponse {
  success: true;
  session: SessionDetails;
}

export interface SessionHealthResponse {
  success: true;
  exists: boolean;
  active?: boolean;
  activeUsers?: number;
}

export interface SessionListResponse {
  success: true;
  sessions: PublicSessionSummary[];
  page: number;
  limit: number;
  total: number;
}

export interface LanguagesResponse {
  success: true;
  languages: { id: string; name: string; extensions: string[] }[];
}
