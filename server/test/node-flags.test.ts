import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { SERVER_NODE_FLAGS } from "../src/node-flags.ts";
import { repoRoot } from "../src/repo-root.ts";

const read = (file: string) => fs.readFile(path.join(repoRoot, file), "utf8");
const startScript = async (file: string) =>
  (JSON.parse(await read(file)) as { scripts: { start: string } }).scripts.start;

/** The V8 flags decide the server's GC pauses and memory; every launcher must pass them. */
describe("the server's node flags", () => {
  const flags = SERVER_NODE_FLAGS.join(" ");

  it("are the ones npm start, the server's start script and the README run it with", async () => {
    assert.ok((await startScript("package.json")).endsWith(`node ${flags} server/dist/main.mjs`));
    assert.ok((await startScript("server/package.json")).endsWith(`node ${flags} dist/main.mjs`));
    assert.ok((await read("README.md")).includes(`node ${flags} server/dist/main.mjs`));
  });

  it("are the ones the Docker image runs it with", async () => {
    const command = JSON.stringify(["node", ...SERVER_NODE_FLAGS, "server/dist/main.mjs"]);
    assert.ok((await read("Dockerfile")).includes(`CMD ${command.replaceAll(",", ", ")}`));
  });
});
