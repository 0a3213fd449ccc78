import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Where `npm run dev` forwards /api and /ws: the Codepad server. */
const apiTarget = process.env.CODEPAD_API ?? "http://127.0.0.1:3000";

/**
 * No changeOrigin: the Host header stays the dev server's, the same host as the page's Origin,
 * which is what the server's WebSocket origin check (server/src/ws/origin-policy.ts) accepts
 * without FRONTEND_URL having to be set.
 */
const apiProxy = {
  "/api": { target: apiTarget },
  "/ws": { target: apiTarget, ws: true },
};

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: [
      {
        // y-monaco imports "monaco-editor/esm/vs/editor/editor.api.js", a path that monaco 0.57's
        // exports map rewrites to esm/vs/esm/vs/...; point it back through the public "./*"
        // export so y-monaco and the app share one copy of the editor API.
        find: /^monaco-editor\/esm\/vs\/(.*)$/,
        replacement: "monaco-editor/$1",
      },
    ],
  },
  // Monaco's workers are ES modules that import their dependencies.
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Monaco alone is several MB; splitting it further would not make the first paint faster.
    chunkSizeWarningLimit: 6000,
  },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
});
