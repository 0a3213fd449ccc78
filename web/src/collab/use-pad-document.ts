/**
 * The live document of one pad: a Y.Doc synced through the stock y-websocket provider with
 * `/ws/<sessionId>`, and its connection status. Everything is created on mount and destroyed
 * on unmount, so leaving a pad closes its socket and removes us from its awareness.
 */
import { isFatalCloseCode } from "@codepad/shared";
import { useEffect, useState } from "react";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { watchConnectionStatus, type ConnectionStatus } from "./connection-status.ts";

export interface PadConnection {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

export interface PadDocumentState {
  /** null until the effect has created the document (one render after mount). */
  pad: PadConnection | null;
  status: ConnectionStatus;
}

/** Cap of the reconnect backoff: long enough not to hammer a restarting server. */
const MAX_BACKOFF_MS = 5000;

function webSocketBase(): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/ws`;
}

export function usePadDocument(sessionId: string): PadDocumentState {
  const [pad, setPad] = useState<PadConnection | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");

  useEffect(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(webSocketBase(), sessionId, doc, {
      connect: false,
      maxBackoffTime: MAX_BACKOFF_MS,
      // y-websocket's default gives up on every 44xx code, but 4429 (too many requests) is
      // worth retrying after a backoff; only the contract's fatal codes stop us.
      shouldReconnect: (event) => !isFatalCloseCode(event.code),
    });
    const stopWatching = watchConnectionStatus(provider, setStatus);
    provider.connect();
    setPad({ doc, provider });

    // Tell the others at once that we left, instead of letting our cursor linger for the
    // 30 s awareness timeout.
    const onPageHide = () => provider.awareness.setLocalState(null);
    // A page restored from the back/forward cache has a cleared awareness and a dead socket.
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) window.location.reload();
    };
    window.addEventListener("pagehide", onPageHide);
    window.addEventListener("pageshow", onPageShow);

    return () => {
      window.removeEventListener("pagehide", onPageHide);
      window.removeEventListener("pageshow", onPageShow);
      stopWatching();
      provider.awareness.setLocalState(null);
      provider.destroy();
      doc.destroy();
      setPad(null);
      setStatus("connecting");
    };
  }, [sessionId]);

  return { pad, status };
}
