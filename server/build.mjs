// `npm run build -w server`: the server as one ES module, server/dist/main.mjs (and its
// embedded database's worker, server/dist/pglite-worker.mjs), for production. Running the
// TypeScript through tsx instead keeps tsx's module loader in a second V8 isolate for the
// life of the process: 52 MiB more RSS at rest (209 against 157 MiB, embedded storage).
// Only our own code is bundled (the @codepad/shared workspace included); packages stay in
// node_modules and are imported from there.
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

await build({
  // The embedded database's worker thread is started from its own file, beside main.mjs.
  entryPoints: {
    main: path.join(root, "server/src/main.ts"),
    "pglite-worker": path.join(root, "server/src/db/pglite-worker.ts"),
  },
  outdir: path.join(root, "server/dist"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  // A workspace package is a package to esbuild; ours is TypeScript source, so it is bundled.
  alias: { "@codepad/shared": path.join(root, "shared/src/index.ts") },
  logLevel: "warning",
});
