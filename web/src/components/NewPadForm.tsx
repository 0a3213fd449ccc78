import {
  DEFAULT_LANGUAGE,
  DEFAULT_TITLE,
  TITLE_MAX_LENGTH,
  type CreateSessionRequest,
} from "@codepad/shared";
import { useState, type FormEvent } from "react";
import { describeApiError } from "../api/api-error.ts";
import { createSession } from "../api/client.ts";
import { navigate } from "../app/navigation.ts";
import { addRecentPad } from "../storage/recent-pads.ts";
import { LanguageSelect } from "./LanguageSelect.tsx";

/** One click makes a pad: every field is optional and has the contract's default. */
export function NewPadForm() {
  const [title, setTitle] = useState("");
  const [language, setLanguage] = useState<string>(DEFAULT_LANGUAGE);
  const [isPublic, setIsPublic] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const request: CreateSessionRequest = { language, public: isPublic };
    const trimmed = title.trim().slice(0, TITLE_MAX_LENGTH);
    if (trimmed !== "") request.title = trimmed;
    try {
      const session = await createSession(request);
      addRecentPad({
        sessionId: session.sessionId,
        title: session.title,
        language: session.language,
        ownerKey: session.ownerKey,
        createdAt: session.createdAt,
      });
      navigate(`/${session.sessionId}`, { createdSessionId: session.sessionId });
    } catch (failure) {
      setError(describeApiError(failure));
      setBusy(false);
    }
  };

  return (
    <form
      className="new-pad-form"
      data-testid="new-pad-form"
      onSubmit={(event) => void onSubmit(event)}
    >
      <div className="new-pad-fields">
        <label className="field field-title">
          <span className="field-label">Title</span>
          <input
            className="input"
            data-testid="new-pad-title"
            placeholder={DEFAULT_TITLE}
            value={title}
            maxLength={TITLE_MAX_LENGTH}
            autoComplete="off"
            onChange={(event) => setTitle(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Language</span>
          <LanguageSelect value={language} onChange={setLanguage} testId="new-pad-language" />
        </label>
        <button
          type="submit"
          className="button button-primary button-large"
          data-testid="create-pad"
          disabled={busy}
        >
          {busy ? "Creating…" : "New pad"}
        </button>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="new-pad-public"
          checked={isPublic}
          onChange={(event) => setIsPublic(event.target.checked)}
        />
        <span>List it under “Public pads” so anyone can find it</span>
      </label>
      {error !== null && (
        <p className="form-error" role="alert" data-testid="new-pad-error">
          {error}
        </p>
      )}
    </form>
  );
}
