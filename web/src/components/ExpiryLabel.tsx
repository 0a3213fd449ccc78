import { useEffect, useState } from "react";

/** The label is in minutes at best, so a refresh every half minute keeps it honest. */
const REFRESH_MS = 30_000;

/** "expires in 23 h", from the time left until `expiresAt`. */
export function formatExpiry(expiresAt: string, now: number): string {
  const left = Date.parse(expiresAt) - now;
  if (Number.isNaN(left)) return "expiry unknown";
  if (left <= 0) return "expired";
  const minutes = Math.floor(left / 60_000);
  if (minutes < 1) return "expires in under a minute";
  if (minutes < 60) return `expires in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `expires in ${hours} h`;
  return `expires in ${Math.floor(hours / 24)} days`;
}

/**
 * When the pad expires, as of the page load. Activity pushes the real expiry back, so this is
 * a lower bound; the exact time is in the tooltip.
 */
export function ExpiryLabel({ expiresAt }: { expiresAt: string }) {
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const exact = new Date(expiresAt);
  return (
    <time
      className="expires-at"
      data-testid="expires-at"
      dateTime={expiresAt}
      title={
        Number.isNaN(exact.getTime())
          ? undefined
          : `Expires ${exact.toLocaleString()} unless someone edits it`
      }
    >
      {formatExpiry(expiresAt, now)}
    </time>
  );
}
