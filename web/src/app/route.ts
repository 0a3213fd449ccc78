import { isValidSessionId } from "@codepad/shared";

/** The pages of the app, decided by the pathname alone. */
export type Route = { kind: "home" } | { kind: "pad"; sessionId: string } | { kind: "not-found" };

export function parseRoute(pathname: string): Route {
  if (pathname === "/" || pathname === "") return { kind: "home" };
  // Exactly "/<sessionId>", as the server decides which paths are pages the same way.
  const segment = pathname.slice(1);
  if (isValidSessionId(segment)) return { kind: "pad", sessionId: segment };
  return { kind: "not-found" };
}
