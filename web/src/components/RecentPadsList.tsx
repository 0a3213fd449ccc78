import { handleLinkClick } from "../app/navigation.ts";
import { removeRecentPad, useRecentPads } from "../storage/recent-pads.ts";
import { languageName } from "./language-name.ts";
import { formatRelativeTime } from "./relative-time.ts";

/** Pads created in this browser (newest first), each removable from the list. */
export function RecentPadsList() {
  const pads = useRecentPads();
  return (
    <section className="panel" data-testid="recent-pads" aria-labelledby="recent-pads-heading">
      <h2 id="recent-pads-heading">Your recent pads</h2>
      {pads.length === 0 ? (
        <p className="panel-empty">Pads you create in this browser show up here.</p>
      ) : (
        <ul className="pad-list">
          {pads.map((pad) => (
            <li key={pad.sessionId} className="pad-list-item" data-testid="recent-pad">
              <a
                className="pad-link"
                href={`/${pad.sessionId}`}
                onClick={(event) => handleLinkClick(event, `/${pad.sessionId}`)}
              >
                <span className="pad-link-title">{pad.title}</span>
                <span className="pad-link-meta">
                  <span className="language-tag">{languageName(pad.language)}</span>
                  <span>created {formatRelativeTime(pad.createdAt)}</span>
                </span>
              </a>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove “${pad.title}” from this list`}
                title="Remove from this list (the pad itself is not deleted)"
                onClick={() => removeRecentPad(pad.sessionId)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
