import type { ConnectionError } from "../collab/connection-status.ts";

/** What a fatal close code means for the user (4404 and 4410 get whole pages instead). */
function explain(code: number): string {
  switch (code) {
    case 4413:
      return "This pad has reached its size limit, so your last change was not saved.";
    case 4403:
      return "The server does not allow this page to edit the pad.";
    case 4400:
      return "The server could not understand this client.";
    default:
      return "The server closed the connection.";
  }
}

/** Shown above a pad whose connection ended for good; the editor is read-only meanwhile. */
export function ConnectionErrorBanner({ error }: { error: ConnectionError }) {
  return (
    <div className="connection-error" data-testid="pad-error" data-reason="error" role="alert">
      <strong>Disconnected.</strong> {explain(error.code)}{" "}
      <span className="connection-error-reason">
        ({error.reason}, code {error.code})
      </span>
      <button
        type="button"
        className="button button-small"
        onClick={() => window.location.reload()}
      >
        Reload
      </button>
    </div>
  );
}
