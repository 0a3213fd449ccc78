/**
 * The client's IP address: the socket's peer, or the first X-Forwarded-For hop when the
 * server runs behind a proxy we trust (TRUST_PROXY). Without that setting the header is
 * ignored, since any client can send it to dodge per-IP limits.
 */
export function clientIp(
  forwardedFor: string | undefined,
  socketAddress: string | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy && forwardedFor !== undefined) {
    const first = forwardedFor.split(",")[0]?.trim();
    if (first) return first;
  }
  return socketAddress ?? "unknown";
}
