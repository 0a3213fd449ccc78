import path from "node:path";

/**
 * The repository's root directory, for the files the server reads at run time (the web
 * app's build, the drizzle migrations). It is two levels above this module both in the
 * source (`server/src/`) and in the production bundle (`server/dist/main.mjs`), which
 * esbuild makes of every module, so paths computed here hold in both.
 */
export const repoRoot = path.resolve(import.meta.dirname, "../..");
