/** Languages a pad can be in. `id` is the Monaco language id. */
export interface Language {
  id: string;
  name: string;
  extensions: string[];
}

export const LANGUAGES: readonly Language[] = [
  { id: "javascript", name: "JavaScript", extensions: [".js", ".mjs", ".cjs", ".jsx"] },
  { id: "typescript", name: "TypeScript", extensions: [".ts", ".mts", ".cts", ".tsx"] },
  { id: "python", name: "Python", extensions: [".py"] },
  { id: "java", name: "Java", extensions: [".java"] },
  { id: "c", name: "C", extensions: [".c", ".h"] },
  { id: "cpp", name: "C++", extensions: [".cpp", ".cc", ".cxx", ".hpp", ".hh"] },
  { id: "csharp", name: "C#", extensions: [".cs"] },
  { id: "go", name: "Go", extensions: [".go"] },
  { id: "rust", name: "Rust", extensions: [".rs"] },
  { id: "ruby", name: "Ruby", extensions: [".rb"] },
  { id: "php", name: "PHP", extensions: [".php"] },
  { id: "kotlin", name: "Kotlin", extensions: [".kt", ".kts"] },
  { id: "swift", name: "Swift", extensions: [".swift"] },
  { id: "shell", name: "Shell", extensions: [".sh", ".bash"] },
  { id: "sql", name: "SQL", extensions: [".sql"] },
  { id: "html", name: "HTML", extensions: [".html", ".htm"] },
  { id: "css", name: "CSS", extensions: [".css"] },
  { id: "json", name: "JSON", extensions: [".json"] },
  { id: "yaml", name: "YAML", extensions: [".yaml", ".yml"] },
  { id: "markdown", name: "Markdown", extensions: [".md"] },
  { id: "plaintext", name: "Plain text", extensions: [".txt"] },
];

const LANGUAGE_IDS: ReadonlySet<string> = new Set(LANGUAGES.map((language) => language.id));

export function isLanguageId(value: string): boolean {
  return LANGUAGE_IDS.has(value);
}
