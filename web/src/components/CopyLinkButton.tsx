import { useEffect, useState } from "react";

type CopyState = "idle" | "copied" | "failed";

/** How long "Copied" stays before the button reads "Copy link" again. */
const FEEDBACK_MS = 2000;

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // The async clipboard API exists only in secure contexts (https or localhost); a pad served
  // over plain http on a LAN address still gets a working button through the legacy path.
  const textarea = document.createElement("textarea");
  textarea.value = text;
  textarea.setAttribute("readonly", "");
  textarea.style.position = "fixed";
  textarea.style.opacity = "0";
  document.body.append(textarea);
  textarea.select();
  const copied = document.execCommand("copy");
  textarea.remove();
  if (!copied) throw new Error("copy command refused");
}

export function CopyLinkButton({ sessionId }: { sessionId: string }) {
  const [state, setState] = useState<CopyState>("idle");
  const link = `${window.location.origin}/${sessionId}`;

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const onClick = () => {
    copyText(link).then(
      () => setState("copied"),
      () => setState("failed"),
    );
  };

  return (
    <button
      type="button"
      className={`button button-copy button-copy-${state}`}
      data-testid="copy-link"
      title={link}
      onClick={onClick}
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy link"}
    </button>
  );
}
