import { useEffect } from "react";
import { handleLinkClick } from "../app/navigation.ts";
import { Logo } from "../components/Logo.tsx";

export type PadErrorReason = "not_found" | "expired" | "error";

interface PadErrorPageProps {
  reason: PadErrorReason;
  /** "page" for a URL that is not a pad at all. */
  subject?: "pad" | "page";
  /** Details for `error`, shown under the heading. */
  message?: string;
  onRetry?: () => void;
}

const HEADINGS: Record<PadErrorReason, string> = {
  not_found: "Pad not found",
  expired: "This pad has expired or was deleted",
  error: "Could not open this pad",
};

const EXPLANATIONS: Record<PadErrorReason, string> = {
  not_found:
    "Check the link: pad links look like /AbCdEf123_-x. The pad may also never have existed.",
  expired:
    "Pads are removed after a period without activity, or when their owner deletes them. Its content is gone.",
  error: "Something went wrong while loading the pad.",
};

/** The page for a pad that cannot be opened, and for any path that is not a page at all. */
export function PadErrorPage({ reason, subject = "pad", message, onRetry }: PadErrorPageProps) {
  const heading = subject === "page" ? "Page not found" : HEADINGS[reason];
  const explanation =
    subject === "page" ? "There is nothing at this address." : (message ?? EXPLANATIONS[reason]);

  useEffect(() => {
    document.title = `${heading} · Codepad`;
  }, [heading]);

  return (
    <div className="error-page">
      <a className="brand" href="/" onClick={(event) => handleLinkClick(event, "/")}>
        <Logo />
        <span>Codepad</span>
      </a>
      <main className="error-card" data-testid="pad-error" data-reason={reason} role="alert">
        <div className={`error-icon error-icon-${reason}`} aria-hidden="true">
          <ErrorIcon reason={reason} />
        </div>
        <h1>{heading}</h1>
        <p>{explanation}</p>
        <div className="error-actions">
          {onRetry && (
            <button type="button" className="button" onClick={onRetry}>
              Try again
            </button>
          )}
          <a
            className="button button-primary"
            href="/"
            onClick={(event) => handleLinkClick(event, "/")}
          >
            Create a new pad
          </a>
        </div>
      </main>
    </div>
  );
}

/** Drawn rather than an emoji, which not every system has a font for. */
function ErrorIcon({ reason }: { reason: PadErrorReason }) {
  const common = {
    width: 26,
    height: 26,
    viewBox: "0 0 24 24",
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 2,
    strokeLinecap: "round",
    strokeLinejoin: "round",
  } as const;
  switch (reason) {
    case "expired":
      // A clock: the pad ran out of time (or was removed).
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="9" />
          <path d="M12 7v5l3 2" />
        </svg>
      );
    case "error":
      return (
        <svg {...common}>
          <path d="M12 8v5M12 16.5v.5" />
          <circle cx="12" cy="12" r="9" />
        </svg>
      );
    case "not_found":
      // A magnifying glass: nothing at this address.
      return (
        <svg {...common}>
          <circle cx="11" cy="11" r="6.5" />
          <path d="m20 20-4.2-4.2" />
        </svg>
      );
  }
}
