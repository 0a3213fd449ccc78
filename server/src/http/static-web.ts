import fs from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { isValidSessionId } from "@codepad/shared";

/**
 * The built web app: its files, and index.html for the app's own pages (`/` and
 * `/<sessionId>`), which the client-side router renders. Other paths get index.html with
 * 404, so the app shows its not-found page.
 */
export function staticWebRoutes(webDistDir: string) {
  const app = new Hono();
  const indexPath = path.join(webDistDir, "index.html");
  if (!fs.existsSync(indexPath)) {
    app.get("*", (c) =>
      c.text("The web app is not built: run `npm run build` (npm start does it for you).", 503),
    );
    return app;
  }
  const indexHtml = fs.readFileSync(indexPath, "utf8");
  // Hashed asset names never change content: let browsers keep them.
  app.use("/assets/*", async (c, next) => {
    await next();
    if (c.res.ok) c.header("Cache-Control", "public, max-age=31536000, immutable");
  });
  app.use("*", serveStatic({ root: path.relative(process.cwd(), webDistDir) || "." }));
  app.get("*", (c) => {
    const page = c.req.path.slice(1);
    const known = page === "" || isValidSessionId(page);
    c.header("Cache-Control", "no-cache");
    return c.html(indexHtml, known ? 200 : 404);
  });
  return app;
}
