import type { PublicSessionSummary } from "@codepad/shared";
import { useCallback, useEffect, useState } from "react";
import { describeApiError } from "../api/api-error.ts";
import { listPublicSessions } from "../api/client.ts";
import { PadLink } from "./PadLink.tsx";

const PAGE_SIZE = 20;

type PublicPadsState =
  | { state: "loading" }
  | { state: "ready"; sessions: PublicSessionSummary[]; total: number }
  | { state: "failed"; message: string };

/** The newest pads their creators chose to list publicly. */
export function PublicPadsList() {
  const [list, setList] = useState<PublicPadsState>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setList({ state: "loading" });
    listPublicSessions(1, PAGE_SIZE, controller.signal).then(
      ({ sessions, total }) => setList({ state: "ready", sessions, total }),
      (error: unknown) => {
        if (!controller.signal.aborted)
          setList({ state: "failed", message: describeApiError(error) });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);

  return (
    <section className="panel" data-testid="public-pads" aria-labelledby="public-pads-heading">
      <div className="panel-heading">
        <h2 id="public-pads-heading">Public pads</h2>
        <button type="button" className="button button-small button-ghost" onClick={reload}>
          Refresh
        </button>
      </div>
      {list.state === "loading" && <p className="panel-empty">Loading…</p>}
      {list.state === "failed" && (
        <p className="form-error" role="alert">
          {list.message}
        </p>
      )}
      {list.state === "ready" && list.sessions.length === 0 && (
        <p className="panel-empty">
          No public pads right now. Tick “List it under Public pads” to share one.
        </p>
      )}
      {list.state === "ready" && list.sessions.length > 0 && (
        <ul className="pad-list">
          {list.sessions.map((pad) => (
            <li key={pad.sessionId} className="pad-list-item">
              <PadLink {...pad} />
            </li>
          ))}
        </ul>
      )}
      {list.state === "ready" && list.total > list.sessions.length && (
        <p className="panel-footnote">
          Showing the newest {list.sessions.length} of {list.total}.
        </p>
      )}
    </section>
  );
}
