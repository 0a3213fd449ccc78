// `npm run dev`: the server with reload (tsx watch) and Vite's dev server with HMR, which
// proxies /api and /ws to the server.
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.PORT ?? "3000";
const children = [
  spawn("npx", ["tsx", "watch", "--clear-screen=false", "server/src/main.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PORT: port },
  }),
  spawn("npx", ["vite", "--config", "web/vite.config.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CODEPAD_API: `http://127.0.0.1:${port}` },
  }),
];
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) child.on("exit", stop);
