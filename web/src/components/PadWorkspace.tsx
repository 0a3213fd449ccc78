/**
 * A live pad: header, editor and chat around one shared document. Mounted only once the REST
 * API confirmed the pad exists; from then on the WebSocket's close codes decide whether the
 * pad is still there.
 */
import type { SessionDetails } from "@codepad/shared";
import { useEffect, useMemo, useState } from "react";
import type { ConnectionError } from "../collab/connection-status.ts";
import { useIdentity } from "../collab/identity.ts";
import { useAwarenessPeers } from "../collab/use-awareness-peers.ts";
import { useChat } from "../collab/use-chat.ts";
import { usePadColor } from "../collab/use-pad-color.ts";
import { usePadDocument } from "../collab/use-pad-document.ts";
import { usePadMeta } from "../collab/use-pad-meta.ts";
import { CodeEditor } from "../editor/CodeEditor.tsx";
import { PadErrorPage } from "../pages/PadErrorPage.tsx";
import { removeRecentPad, updateRecentPad, useRecentPads } from "../storage/recent-pads.ts";
import { ChatPanel } from "./ChatPanel.tsx";
import { ConnectionErrorBanner } from "./ConnectionErrorBanner.tsx";
import { PadHeader } from "./PadHeader.tsx";

export function PadWorkspace({ session }: { session: SessionDetails }) {
  const { sessionId } = session;
  const { pad, status } = usePadDocument(sessionId);
  const storedIdentity = useIdentity();
  const meta = usePadMeta(pad?.doc ?? null, { title: session.title, language: session.language });
  const awareness = pad?.provider.awareness ?? null;
  const peers = useAwarenessPeers(awareness);
  const padColor = usePadColor(awareness, storedIdentity);
  // Who we are on this pad: the stored name, and a color nobody else on the pad has.
  const identity = useMemo(
    () => ({ ...storedIdentity, color: padColor }),
    [storedIdentity, padColor],
  );
  const chat = useChat(pad?.doc ?? null);
  const [chatOpen, setChatOpen] = useState(false);
  const ownerKey = useRecentPads().find((entry) => entry.sessionId === sessionId)?.ownerKey ?? null;
  const connectionError: ConnectionError | null = typeof status === "string" ? null : status;

  useEffect(() => {
    if (!awareness) return;
    // Field by field: y-monaco owns `selection` in the same state.
    awareness.setLocalStateField("user", {
      id: identity.id,
      name: identity.name,
      color: identity.color,
    });
  }, [awareness, identity.id, identity.name, identity.color]);

  useEffect(() => {
    document.title = `${meta.title} · Codepad`;
  }, [meta.title]);

  useEffect(() => {
    updateRecentPad(sessionId, { title: meta.title, language: meta.language });
  }, [sessionId, meta.title, meta.language]);

  useEffect(() => {
    if (connectionError?.code === 4410) removeRecentPad(sessionId);
  }, [connectionError?.code, sessionId]);

  if (connectionError?.code === 4410) return <PadErrorPage reason="expired" />;
  if (connectionError?.code === 4404) return <PadErrorPage reason="not_found" />;

  return (
    <div className="pad-page">
      <PadHeader
        sessionId={sessionId}
        meta={meta}
        status={status}
        peers={peers}
        identity={identity}
        expiresAt={session.expiresAt}
        ownerKey={ownerKey}
        chatOpen={chatOpen}
        onToggleChat={() => setChatOpen((open) => !open)}
        chat={chat}
      />
      {connectionError && <ConnectionErrorBanner error={connectionError} />}
      <div className="pad-body">
        <main className="pad-editor">
          {pad && (
            <CodeEditor
              doc={pad.doc}
              provider={pad.provider}
              language={meta.language}
              readOnly={connectionError !== null}
            />
          )}
        </main>
        {chatOpen && (
          <ChatPanel chat={chat} identity={identity} onClose={() => setChatOpen(false)} />
        )}
      </div>
    </div>
  );
}
