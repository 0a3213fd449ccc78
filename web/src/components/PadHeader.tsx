import { TITLE_MAX_LENGTH, type PadUser } from "@codepad/shared";
import { handleLinkClick } from "../app/navigation.ts";
import type { ConnectionStatus } from "../collab/connection-status.ts";
import type { Peer } from "../collab/use-awareness-peers.ts";
import type { ChatControls } from "../collab/use-chat.ts";
import type { PadMetaControls } from "../collab/use-pad-meta.ts";
import { ChatToggle } from "./ChatToggle.tsx";
import { ConnectionStatusBadge } from "./ConnectionStatusBadge.tsx";
import { CopyLinkButton } from "./CopyLinkButton.tsx";
import { DeletePadButton } from "./DeletePadButton.tsx";
import { ExpiryLabel } from "./ExpiryLabel.tsx";
import { InlineEditInput } from "./InlineEditInput.tsx";
import { LanguageSelect } from "./LanguageSelect.tsx";
import { Logo } from "./Logo.tsx";
import { OnlineUsers } from "./OnlineUsers.tsx";
import { TypingIndicator } from "./TypingIndicator.tsx";
import { UserNameInput } from "./UserNameInput.tsx";

interface PadHeaderProps {
  sessionId: string;
  meta: PadMetaControls;
  status: ConnectionStatus;
  peers: Peer[];
  identity: PadUser;
  expiresAt: string;
  /** Present when this browser created the pad and may delete it. */
  ownerKey: string | null;
  chat: ChatControls;
  chatOpen: boolean;
  onToggleChat: () => void;
}

/** Two compact rows above the editor: what the pad is, then who is here and its state. */
export function PadHeader(props: PadHeaderProps) {
  const { sessionId, meta, status, peers, identity } = props;
  return (
    <header className="pad-header">
      <div className="pad-toolbar">
        <a
          className="brand brand-compact"
          href="/"
          title="Codepad home"
          onClick={(event) => handleLinkClick(event, "/")}
        >
          <Logo />
        </a>
        <InlineEditInput
          className="pad-title"
          value={meta.title}
          onCommit={meta.setTitle}
          maxLength={TITLE_MAX_LENGTH}
          label="Pad title"
          testId="pad-title"
        />
        <LanguageSelect
          value={meta.language}
          onChange={meta.setLanguage}
          testId="language-select"
        />
        <div className="toolbar-spacer" />
        <OnlineUsers peers={peers} />
        <CopyLinkButton sessionId={sessionId} />
        <ChatToggle
          open={props.chatOpen}
          onToggle={props.onToggleChat}
          messages={props.chat.messages}
          selfId={identity.id}
        />
        {props.ownerKey !== null && (
          <DeletePadButton sessionId={sessionId} ownerKey={props.ownerKey} />
        )}
      </div>
      <div className="pad-statusbar">
        <ConnectionStatusBadge status={status} />
        <span className="statusbar-separator" aria-hidden="true" />
        <ExpiryLabel expiresAt={props.expiresAt} />
        <TypingIndicator peers={peers} />
        <div className="toolbar-spacer" />
        <UserNameInput identity={identity} />
      </div>
    </header>
  );
}
