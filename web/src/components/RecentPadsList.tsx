import { removeRecentPad, useRecentPads } from "../storage/recent-pads.ts";
import { PadLink } from "./PadLink.tsx";

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
              <PadLink {...pad} />
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
