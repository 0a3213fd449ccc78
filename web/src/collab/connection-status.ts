/**
 * The pad's connection status, decided here and nowhere else. All transitions come from the
 * provider's events (`status`, `sync`, `connection-close`) and the browser's online/offline
 * events, so the header, the error pages and the tests read one consistent value.
 */
import { CloseCodes, isFatalCloseCode } from "@codepad/shared";
import type { WebsocketProvider } from "y-websocket";

/** The server closed the socket with a fatal code; the client no longer reconnects. */
export interface ConnectionError {
  kind: "error";
  code: number;
  reason: string;
}

/**
 * - `connecting`: first attempt, socket not open or document not yet synced.
 * - `connected`: socket open and the document synced with the server.
 * - `reconnecting`: the connection was lost (network, server restart with 1001, 4429); the
 *   provider retries with exponential backoff capped at its `maxBackoffTime`.
 * - `offline`: the browser reports no network; a retry starts as soon as it is back.
 * - error: a fatal close code (4400, 4403, 4404, 4410, 4413); final, the page shows why.
 */
export type ConnectionStatus =
  "connecting" | "connected" | "reconnecting" | "offline" | ConnectionError;

/** The status as one word, for `data-status` attributes and CSS. */
export type ConnectionStatusKind = Exclude<ConnectionStatus, ConnectionError> | "error";

export function connectionStatusKind(status: ConnectionStatus): ConnectionStatusKind {
  return typeof status === "string" ? status : "error";
}

function defaultReason(code: number): string {
  return (
    Object.values(CloseCodes).find((entry) => entry.code === code)?.reason ?? "Connection refused"
  );
}

/**
 * Follows `provider` and reports every status change to `onChange`, starting with the current
 * one. Create the provider with `connect: false` and call `connect()` after this, so that no
 * event is missed. On a fatal close code it stops the provider itself. Returns the unsubscribe.
 */
export function watchConnectionStatus(
  provider: WebsocketProvider,
  onChange: (status: ConnectionStatus) => void,
): () => void {
  let status: ConnectionStatus = navigator.onLine ? "connecting" : "offline";
  // After the first lost connection every new attempt is a "reconnecting".
  let lostConnection = false;

  const update = (next: ConnectionStatus) => {
    if (typeof status !== "string") return; // an error is final
    if (next === status) return;
    status = next;
    onChange(next);
  };
  onChange(status);

  const onStatus = ({
    status: socketStatus,
  }: {
    status: "connected" | "disconnected" | "connecting";
  }) => {
    // "connected" only means the socket opened; the status turns "connected" once synced.
    if (socketStatus !== "connecting") return;
    if (!navigator.onLine) update("offline");
    else update(lostConnection ? "reconnecting" : "connecting");
  };

  const onSync = (synced: boolean) => {
    if (synced) update("connected");
  };

  const onClose = (event: CloseEvent | null) => {
    if (event === null) {
      // We closed it: provider.disconnect()/destroy(), or y-websocket's watchdog after 30 s
      // without a message, in which case it reconnects on its own.
      if (provider.shouldConnect) {
        lostConnection = true;
        update("reconnecting");
      }
      return;
    }
    if (isFatalCloseCode(event.code)) {
      update({
        kind: "error",
        code: event.code,
        reason: event.reason || defaultReason(event.code),
      });
      // Reconnecting cannot help: the pad is gone or the server refuses this client. Deferred
      // because y-websocket emits this event in the middle of its own close handling, and
      // disconnect() would re-enter it.
      queueMicrotask(() => provider.disconnect());
      return;
    }
    lostConnection = true;
    update(navigator.onLine ? "reconnecting" : "offline");
  };

  const onOffline = () => update("offline");

  const onOnline = () => {
    // The socket may have survived a short outage; otherwise retry now rather than waiting
    // for the provider's backoff timer.
    if (provider.wsconnected && provider.synced) {
      update("connected");
      return;
    }
    update("reconnecting");
    if (typeof status === "string") provider.connect();
  };

  provider.on("status", onStatus);
  provider.on("sync", onSync);
  provider.on("connection-close", onClose);
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);

  return () => {
    provider.off("status", onStatus);
    provider.off("sync", onSync);
    provider.off("connection-close", onClose);
    window.removeEventListener("offline", onOffline);
    window.removeEventListener("online", onOnline);
  };
}
