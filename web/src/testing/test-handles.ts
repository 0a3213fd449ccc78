/**
 * `window.__codepad`, set while a pad page is open. Used by the Playwright suite to read the
 * shared text and connection state without scraping Monaco's virtualised DOM (which renders
 * only the visible lines).
 */
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";
import type { monaco } from "../editor/monaco-setup.ts";

export interface CodepadTestHandles {
  doc: Y.Doc;
  provider: WebsocketProvider;
  editor: monaco.editor.IStandaloneCodeEditor;
  monaco: typeof monaco;
}

declare global {
  interface Window {
    __codepad?: CodepadTestHandles;
  }
}

/** Publishes the handles; returns the function that withdraws them (if still ours). */
export function exposeTestHandles(handles: CodepadTestHandles): () => void {
  window.__codepad = handles;
  return () => {
    if (window.__codepad === handles) delete window.__codepad;
  };
}
