import * as Y from "yjs";
import { DocLayout } from "@codepad/shared";

export interface PadMeta {
  title: string;
  language: string;
}

/**
 * The encoded first state of a new pad. The server writes the initial code once, at
 * creation: clients never seed an empty Y.Text, which is what duplicates text when
 * several clients open a new pad at the same moment.
 */
export function createInitialDocState(code: string, meta: PadMeta): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (code !== "") doc.getText(DocLayout.code).insert(0, code);
    const map = doc.getMap<string>(DocLayout.meta);
    map.set("title", meta.title);
    map.set("language", meta.language);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
