import { handleLinkClick } from "../app/navigation.ts";
import { languageName } from "./language-name.ts";
import { formatRelativeTime } from "./relative-time.ts";

export interface PadLinkProps {
  sessionId: string;
  title: string;
  language: string;
  /** ISO timestamp. */
  createdAt: string;
  /** Shown when given and above zero (only the server knows it). */
  activeUsers?: number;
}

/** A pad in a list on the home page: its title, language, who is on it and its age. */
export function PadLink({ sessionId, title, language, createdAt, activeUsers }: PadLinkProps) {
  const path = `/${sessionId}`;
  return (
    <a className="pad-link" href={path} onClick={(event) => handleLinkClick(event, path)}>
      <span className="pad-link-title">{title}</span>
      <span className="pad-link-meta">
        <span className="language-tag">{languageName(language)}</span>
        {activeUsers !== undefined && activeUsers > 0 && (
          <span className="pad-online">{activeUsers} online</span>
        )}
        <span>created {formatRelativeTime(createdAt)}</span>
      </span>
    </a>
  );
}
