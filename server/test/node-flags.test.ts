import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "../src/node-flags.ts";
import { repoRoot } from "../src/repo-root.ts";

const read = (file: string) => fs.readFile(path.join(repoRoot, file), "utf8");
const startScript = async (file: string) =>
  (JSON.parse(await read(file)) as { scripts: { start: string } }).scripts.start;

/** The V8 flags decide the server's GC pauses and memory; every launcher must pass them. */
describe("the server's node flags", () => {
  const flags = SERVER_NODE_FLAGS.join(" ");
  const env = Object.entries(SERVER_ENV)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");

  it("are the ones npm start, the server's start script and the README run it with", async () => {
    const command = `${env} node ${flags} server/dist/main.mjs`;
    assert.ok((await startScript("package.json")).endsWith(command));
    assert.ok(
      (await startScript("server/package.json")).endsWith(`${env} node ${flags} dist/main.mjs`),
    );
    const readme = await read("README.md");
    assert.ok(readme.includes(command));
    // Every command line in the README that starts the server sets the environment too.
    for (const line of readme.split("\n").filter((text) => text.includes("dist/main.mjs"))) {
      if (line.includes(`node ${flags}`)) assert.ok(line.includes(`${env} node ${flags}`), line);
    }
  });

  it("are the ones the Docker image runs it with", async () => {
    const command = JSON.stringify(["node", ...SERVER_NODE_FLAGS, "server/dist/main.mjs"]);
    const dockerfile = await read("Dockerfile");
    assert.ok(dockerfile.includes(`CMD ${command.replaceAll(",", ", ")}`));
    const envLine = dockerfile.split("\n").find((line) => line.startsWith("ENV ")) ?? "";
    for (const [name, value] of Object.entries(SERVER_ENV)) {
      assert.ok(envLine.split(" ").includes(`${name}=${value}`), `Dockerfile ENV sets ${name}`);
    }
  });
});
