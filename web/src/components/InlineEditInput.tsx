import { useEffect, useRef, useState, type KeyboardEvent } from "react";

interface InlineEditInputProps {
  value: string;
  /** Called on Enter or blur with the trimmed draft, only when it is non-empty and changed. */
  onCommit: (value: string) => void;
  maxLength: number;
  label: string;
  testId: string;
  className?: string;
}

/**
 * A value edited in place, committed on Enter or blur. While the user edits, outside changes
 * (a remote rename) do not overwrite the draft; Escape abandons the draft, and an empty value
 * is refused (the current one comes back).
 */
export function InlineEditInput({
  value,
  onCommit,
  maxLength,
  label,
  testId,
  className,
}: InlineEditInputProps) {
  const [draft, setDraft] = useState(value);
  const [editing, setEditing] = useState(false);
  // Set by Escape: the blur that follows must not commit the abandoned draft.
  const discardOnBlur = useRef(false);

  useEffect(() => {
    if (!editing) setDraft(value);
  }, [value, editing]);

  const commit = () => {
    setEditing(false);
    const cleaned = draft.trim().slice(0, maxLength);
    if (discardOnBlur.current || cleaned === "" || cleaned === value) {
      discardOnBlur.current = false;
      setDraft(value);
      return;
    }
    setDraft(cleaned);
    onCommit(cleaned);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.currentTarget.blur();
    } else if (event.key === "Escape") {
      discardOnBlur.current = true;
      event.currentTarget.blur();
    }
  };

  return (
    <input
      className={className ? `inline-edit ${className}` : "inline-edit"}
      data-testid={testId}
      aria-label={label}
      title={label}
      value={draft}
      maxLength={maxLength}
      spellCheck={false}
      autoComplete="off"
      onFocus={() => setEditing(true)}
      onChange={(event) => {
        setEditing(true);
        setDraft(event.target.value);
      }}
      onBlur={commit}
      onKeyDown={onKeyDown}
    />
  );
}
