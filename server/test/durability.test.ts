import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { after, describe, it } from "node:test";
import { connectClient, waitClosedWith, waitSynced, type TestClient } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { freePort, spawnServer, type ServerProcess } from "./support/server-process.ts";
import { createTestDatabase, makeTempDir, storageKinds } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

async function liveCode(url: string, padId: string): Promise<string> {
  const response = await fetch(`${url}/api/sessions/${padId}`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { session: { code: string } }).session.code;
}

for (const storage of storageKinds) {
  describe(`durability of a real server process on ${storage}`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    /** Environment for a server whose storage survives its restarts. */
    async function storageEnv(): Promise<Record<string, string>> {
      const dataDir = await makeTempDir();
      cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
      const env: Record<string, string> = {
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        // Snapshots are far away: only the update log can save what was typed.
        SNAPSHOT_INTERVAL: "3600",
      };
      if (storage === "postgres") {
        const database = await createTestDatabase();
        cleanups.push(database.drop);
        env["DATABASE_URL"] = database.url;
      }
      return env;
    }

    function track(client: TestClient): TestClient {
      cleanups.push(() => client.destroy());
      return client;
    }

    function trackServer(server: ServerProcess): ServerProcess {
      cleanups.push(() => {
        if (server.child.exitCode === null) server.child.kill("SIGKILL");
      });
      return server;
    }

    it("loses nothing another client has seen when the server is killed with SIGKILL", async () => {
      const env = await storageEnv();
      const first = trackServer(await spawnServer(env));
      const pad = await createPad(first.url, { code: "// pad\n" });
      const writer = track(connectClient(first.url, pad.sessionId));
      const reader = track(connectClient(first.url, pad.sessionId));
      await Promise.all([waitSynced(writer), waitSynced(reader)]);
      for (let i = 0; i < 50; i++)
        writer.doc.getText("code").insert(writer.text().length, `line ${i}\n`);
      const expected = writer.text();
      await waitUntil(() => reader.text() === expected, "the reader to see every line");

      first.child.kill("SIGKILL");
      await first.exited;
      const second = trackServer(await spawnServer(env));
      // Before any client reconnects, the REST API already has it (recovered from the log).
      assert.equal(await liveCode(second.url, pad.sessionId), expected);
      const late = track(connectClient(second.url, pad.sessionId));
      await waitSynced(late);
      assert.equal(late.text(), expected);
      // The open editors reconnect by themselves and nothing is duplicated.
      await waitUntil(
        () => reader.provider.synced && writer.provider.synced,
        "the editors to reconnect",
        15_000,
      );
      writer.doc.getText("code").insert(0, "!");
      // Both receive it; which socket's bytes this process reads first is up to the kernel.
      await waitUntil(
        () => late.text() === `!${expected}` && reader.text() === `!${expected}`,
        "an edit after the restart to reach both other clients, once",
      );
      second.child.kill("SIGTERM");
      assert.equal(await second.exited, 0);
    });

    it("snapshots every pad on SIGTERM, closes sockets with 1001 and exits 0", async () => {
      const env = await storageEnv();
      const first = trackServer(await spawnServer(env));
      const pad = await createPad(first.url, { title: "kept" });
      const editor = track(connectClient(first.url, pad.sessionId));
      await waitSynced(editor);
      editor.doc.getText("code").insert(0, "saved on shutdown");
      await waitUntil(
        async () => (await liveCode(first.url, pad.sessionId)) === "saved on shutdown",
        "the edit to reach the server",
      );
      first.child.kill("SIGTERM");
      await waitClosedWith(editor, 1001);
      assert.equal(await first.exited, 0);

      // Start on the same storage with the update log removed: the database alone must have it.
      await fs.rm(`${env["DATA_DIR"]}/update-log`, { recursive: true, force: true });
      const second = trackServer(await spawnServer(env));
      assert.equal(await liveCode(second.url, pad.sessionId), "saved on shutdown");
      await waitUntil(
        () => editor.provider.synced,
        "the editor to reconnect after the restart",
        15_000,
      );
      assert.equal(editor.text(), "saved on shutdown");
      second.child.kill("SIGTERM");
      assert.equal(await second.exited, 0);
    });

    it("writes periodic snapshots and compacts the log", async () => {
      const env: Record<string, string> = { ...(await storageEnv()), SNAPSHOT_INTERVAL: "1" };
      const first = trackServer(await spawnServer(env));
      const pad = await createPad(first.url);
      const editor = track(connectClient(first.url, pad.sessionId));
      await waitSynced(editor);
      editor.doc.getText("code").insert(0, "periodic");
      await waitUntil(
        async () => (await liveCode(first.url, pad.sessionId)) === "periodic",
        "the edit to be live",
      );
      // The editor stays connected, so only the periodic snapshot can have saved the room.
      await waitUntil(async () => {
        const health = (await (await fetch(`${first.url}/api/health`)).json()) as {
          unsavedRooms: number;
        };
        return health.unsavedRooms === 0;
      }, "a periodic snapshot");
      first.child.kill("SIGKILL");
      await first.exited;
      // Without the log, the database snapshot alone must hold the edit.
      await fs.rm(`${env["DATA_DIR"]}/update-log`, { recursive: true, force: true });
      const second = trackServer(await spawnServer({ ...env, SNAPSHOT_INTERVAL: "3600" }));
      assert.equal(await liveCode(second.url, pad.sessionId), "periodic");
      second.child.kill("SIGTERM");
      assert.equal(await second.exited, 0);
    });
  });
}
