import { useState } from "react";
import { ApiError, describeApiError } from "../api/api-error.ts";
import { deleteSession } from "../api/client.ts";
import { navigate } from "../app/navigation.ts";
import { removeRecentPad } from "../storage/recent-pads.ts";

/** Shown only in the browser that created the pad: it alone holds the ownerKey. */
export function DeletePadButton({ sessionId, ownerKey }: { sessionId: string; ownerKey: string }) {
  const [busy, setBusy] = useState(false);

  const onClick = async () => {
    if (!window.confirm("Delete this pad for everyone? Its content cannot be recovered.")) return;
    setBusy(true);
    try {
      await deleteSession(sessionId, ownerKey);
    } catch (error) {
      // Already gone is as good as deleted.
      const gone = error instanceof ApiError && (error.status === 404 || error.status === 410);
      if (!gone) {
        setBusy(false);
        window.alert(`Could not delete the pad: ${describeApiError(error)}`);
        return;
      }
    }
    removeRecentPad(sessionId);
    navigate("/");
  };

  return (
    <button
      type="button"
      className="button button-danger"
      data-testid="delete-pad"
      disabled={busy}
      onClick={() => void onClick()}
    >
      {busy ? "Deleting…" : "Delete"}
    </button>
  );
}
