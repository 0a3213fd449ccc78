import { useEffect } from "react";
import { useSessionDetails } from "../api/use-session-details.ts";
import { PadWorkspace } from "../components/PadWorkspace.tsx";
import { removeRecentPad } from "../storage/recent-pads.ts";
import { PadErrorPage } from "./PadErrorPage.tsx";

/**
 * `/<sessionId>`: asks the REST API whether the pad exists first, and only then opens the
 * live document, so a dead link shows a clear page instead of a socket that gets refused.
 */
export function PadPage({ sessionId }: { sessionId: string }) {
  const { details, retry } = useSessionDetails(sessionId);

  useEffect(() => {
    // A pad that is gone for good has no place in "Your recent pads".
    if (details.state === "expired") removeRecentPad(sessionId);
  }, [details.state, sessionId]);

  switch (details.state) {
    case "loading":
      return <PadLoading />;
    case "not_found":
      return <PadErrorPage reason="not_found" />;
    case "expired":
      return <PadErrorPage reason="expired" />;
    case "failed":
      return <PadErrorPage reason="error" message={details.message} onRetry={retry} />;
    case "ready":
      return <PadWorkspace session={details.session} />;
  }
}

function PadLoading() {
  return (
    <div className="pad-loading" aria-busy="true">
      <div className="spinner" aria-hidden="true" />
      <span>Opening pad…</span>
    </div>
  );
}
