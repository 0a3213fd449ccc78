import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";

// What the pad page exposes as `window.__codepad` (web/src/testing/test-handles.ts),
// narrowed to what the specs read, without pulling Monaco's and Vite's types in here.
declare global {
  interface Window {
    __codepad?: {
      doc: Y.Doc;
      provider: { awareness: Awareness };
      editor: { getModel(): { getLanguageId(): string } | null };
    };
  }
}
