import { USER_NAME_MAX_LENGTH, type PadUser } from "@codepad/shared";
import { setUserName } from "../collab/identity.ts";
import { InlineEditInput } from "./InlineEditInput.tsx";

/** "You: <name>", where the name is this browser's display name on every pad. */
export function UserNameInput({ identity }: { identity: PadUser }) {
  return (
    <label className="user-name">
      <span className="user-dot" style={{ backgroundColor: identity.color }} aria-hidden="true" />
      <span className="user-name-label">You:</span>
      <InlineEditInput
        className="user-name-input"
        value={identity.name}
        onCommit={setUserName}
        maxLength={USER_NAME_MAX_LENGTH}
        label="Your name"
        testId="user-name"
      />
    </label>
  );
}
