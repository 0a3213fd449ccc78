import { LANGUAGES } from "@codepad/shared";

/** "C++" for "cpp"; an unknown id is shown as it is. */
export function languageName(id: string): string {
  return LANGUAGES.find((language) => language.id === id)?.name ?? id;
}
