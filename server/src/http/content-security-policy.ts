import type { secureHeaders } from "hono/secure-headers";

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

/**
 * Secure headers with a Content-Security-Policy that still lets Monaco run: its workers are
 * our own files (and blob: URLs on some paths), and it injects <style> elements for themes
 * and decorations, so inline styles are allowed but inline scripts are not.
 */
export function contentSecurityPolicy(frontendUrl: string | undefined): SecureHeadersOptions {
  const extra = frontendUrl === undefined ? [] : [new URL(frontendUrl).origin];
  return {
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      workerSrc: ["'self'", "blob:"],
      imgSrc: ["'self'", "data:"],
      fontSrc: ["'self'", "data:"],
      // 'self' covers ws:/wss: to the same host in CSP level 3 browsers.
      connectSrc: ["'self'", ...extra],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
    // Monaco's workers are same-origin; cross-origin isolation would only break embeds.
    crossOriginEmbedderPolicy: false,
  };
}
