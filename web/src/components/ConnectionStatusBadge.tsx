import { connectionStatusKind, type ConnectionStatus } from "../collab/connection-status.ts";

const LABELS = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  error: "Disconnected",
} as const;

export function ConnectionStatusBadge({ status }: { status: ConnectionStatus }) {
  const kind = connectionStatusKind(status);
  const detail =
    typeof status !== "string"
      ? `${status.reason} (code ${status.code})`
      : status === "offline" || status === "reconnecting"
        ? "Your changes are kept and sent when the connection is back"
        : undefined;
  return (
    <span
      className={`connection-status connection-status-${kind}`}
      data-testid="connection-status"
      data-status={kind}
      title={detail}
      role="status"
    >
      <span className="connection-dot" aria-hidden="true" />
      {LABELS[kind]}
    </span>
  );
}
