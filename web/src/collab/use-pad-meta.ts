/**
 * The pad's title and language, from the document's `meta` map. The server keeps that map in
 * step with the database both ways, so writing here is all it takes to rename the pad or
 * change its language for everyone (and for the REST API).
 */
import { DocLayout, TITLE_MAX_LENGTH, isLanguageId } from "@codepad/shared";
import { useCallback, useEffect, useState } from "react";
import type * as Y from "yjs";

export interface PadMeta {
  title: string;
  language: string;
}

function readMeta(meta: Y.Map<unknown>, fallback: PadMeta): PadMeta {
  const title = meta.get("title");
  const language = meta.get("language");
  return {
    title: typeof title === "string" ? title : fallback.title,
    // Another client could write anything; an unknown language falls back to what we had.
    language: typeof language === "string" && isLanguageId(language) ? language : fallback.language,
  };
}

export interface PadMetaControls extends PadMeta {
  setTitle: (title: string) => void;
  setLanguage: (language: string) => void;
}

/**
 * `initial` is what GET /api/sessions/:id returned; it is shown until the document has synced
 * (an unsynced document has an empty `meta`).
 */
export function usePadMeta(doc: Y.Doc | null, initial: PadMeta): PadMetaControls {
  const [meta, setMeta] = useState<PadMeta>(initial);

  useEffect(() => {
    if (!doc) return;
    const map = doc.getMap<unknown>(DocLayout.meta);
    const refresh = () => setMeta((previous) => readMeta(map, previous));
    refresh();
    map.observe(refresh);
    return () => map.unobserve(refresh);
  }, [doc]);

  const setTitle = useCallback(
    (title: string) => {
      const cleaned = title.trim().slice(0, TITLE_MAX_LENGTH);
      if (!doc || cleaned === "") return;
      const map = doc.getMap<unknown>(DocLayout.meta);
      if (map.get("title") !== cleaned) map.set("title", cleaned);
    },
    [doc],
  );

  const setLanguage = useCallback(
    (language: string) => {
      if (!doc || !isLanguageId(language)) return;
      const map = doc.getMap<unknown>(DocLayout.meta);
      if (map.get("language") !== language) map.set("language", language);
    },
    [doc],
  );

  return { ...meta, setTitle, setLanguage };
}
