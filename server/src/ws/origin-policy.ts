import type { IncomingMessage } from "node:http";

/**
 * Which browser pages may open a pad's socket: the app's own origin (same host as the
 * request, or PUBLIC_URL) and FRONTEND_URL. Clients that send no Origin are not browsers
 * (scripts, other Yjs servers) and are allowed: the check exists to stop another site's
 * page from using a visitor's browser (cross-site WebSocket hijacking).
 */
export function createOriginPolicy(options: {
  publicUrl: string;
  frontendUrl: string | undefined;
}): (request: IncomingMessage) => boolean {
  const allowed = new Set<string>([new URL(options.publicUrl).origin]);
  if (options.frontendUrl !== undefined) allowed.add(new URL(options.frontendUrl).origin);
  return (request) => {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    if (allowed.has(origin)) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false; // "null" or garbage
    }
  };
}
