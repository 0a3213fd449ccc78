import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import postgres from "postgres";
import type { SessionResponse } from "@codepad/shared";
import { clientsOf, waitClosedWith, waitSynced } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { startRedis, type TestRedis } from "./support/redis-server.ts";
import { spawnServer } from "./support/server-process.ts";
import {
  createTestDatabase,
  makeTempDir,
  startTestServer,
  storageKinds,
  type TestServer,
} from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

async function getPad(baseUrl: string, padId: string): Promise<SessionResponse["session"]> {
  const response = await fetch(`${baseUrl}/api/sessions/${padId}`);
  assert.equal(response.status, 200);
  return ((await response.json()) as SessionResponse).session;
}

// Instances share one PostgreSQL database (PGlite belongs to one process), so these run
// where the storage tests run on PostgreSQL: with TEST_DATABASE_URL.
for (const storage of storageKinds.filter((kind) => kind === "postgres")) {
  describe(`two instances sharing pads through Redis, on ${storage}`, () => {
    let redis: TestRedis;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let first: TestServer;
    let second: TestServer;
    const onFirst = clientsOf(() => first.url);
    const onSecond = clientsOf(() => second.url);
    const startInstance = () =>
      startTestServer({
        env: { DATABASE_URL: database.url, DB_POOL_SIZE: "4", REDIS_URL: redis.url },
      });

    before(async () => {
      redis = await startRedis();
      database = await createTestDatabase();
      first = await startInstance();
      second = await startInstance();
    });
    after(async () => {
      onFirst.leaveAll();
      onSecond.leaveAll();
      await first.stop();
      await second.stop();
      await database.drop();
      await redis.stop();
    });

    it("sends edits and cursors made on one instance to the clients of the other", async () => {
      const pad = await createPad(first.url, { code: "start\n" });
      const alice = onFirst.connect(pad.sessionId);
      const bob = onSecond.connect(pad.sessionId);
      await Promise.all([waitSynced(alice), waitSynced(bob)]);

      alice.doc.getText("code").insert(0, "A");
      await waitUntil(() => bob.text() === "Astart\n", "bob to see alice's key");
      bob.doc.getText("code").insert(bob.text().length, "B");
      await waitUntil(() => alice.text() === "Astart\nB", "alice to see bob's key");

      alice.provider.awareness.setLocalState({
        user: { id: "alice-id", name: "Alice", color: "#ff0000" },
        typing: true,
      });
      const aliceId = alice.doc.clientID;
      await waitUntil(
        () => bob.provider.awareness.getStates().get(aliceId)?.["typing"] === true,
        "bob to see alice's awareness",
      );
      bob.provider.awareness.setLocalState({
        user: { id: "bob-id", name: "Bob", color: "#0000ff" },
        typing: false,
      });
      await waitUntil(
        () => alice.provider.awareness.getStates().has(bob.doc.clientID),
        "alice to see bob's awareness",
      );
      const health = (await (await fetch(`${second.url}/api/health`)).json()) as {
        redis?: string;
      };
      assert.equal(health.redis, "ok");
      // Each instance counts the other's people, and reads the live text.
      for (const server of [first, second]) {
        const session = await getPad(server.url, pad.sessionId);
        assert.equal(session.activeUsers, 2, `activeUsers on ${server.url}`);
        assert.equal(session.code, "Astart\nB");
      }

      alice.destroy();
      await waitUntil(
        () => !bob.provider.awareness.getStates().has(aliceId),
        "alice's cursor to leave bob's screen",
      );
    });

    it("gives a client that opens the pad on a second instance the edits not yet snapshotted", async () => {
      const pad = await createPad(first.url, { code: "stored\n" });
      const alice = onFirst.connect(pad.sessionId);
      await waitSynced(alice);
      alice.doc.getText("code").insert(0, "typed on the first instance, ");
      const expected = alice.text();
      // The database snapshot (every 30 s) does not have the key yet: only the first
      // instance's log and memory do.
      await waitUntil(
        async () => (await getPad(first.url, pad.sessionId)).code === expected,
        "the first instance to apply the key",
      );
      const bob = onSecond.connect(pad.sessionId);
      const textAtSync = await new Promise<string>((resolve) => {
        bob.provider.on("sync", (synced) => {
          if (synced) resolve(bob.text());
        });
      });
      assert.equal(textAtSync, expected);
    });

    it("lets REST on one instance read and change a pad that is live on the other", async () => {
      const pad = await createPad(first.url, { code: "" });
      const alice = onFirst.connect(pad.sessionId);
      await waitSynced(alice);
      // As the web app does: other instances count people by their presence.
      alice.provider.awareness.setLocalStateField("user", { id: "a", name: "Alice", color: "" });
      alice.doc.getText("code").insert(0, "live text");
      await waitUntil(
        async () => (await getPad(first.url, pad.sessionId)).code === "live text",
        "the first instance to apply the key",
      );

      const read = await getPad(second.url, pad.sessionId);
      assert.equal(read.code, "live text", "GET on the other instance returns the live text");
      assert.equal(read.activeUsers, 1);

      const patched = await fetch(`${second.url}/api/sessions/${pad.sessionId}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title: "Renamed elsewhere", language: "python" }),
      });
      assert.equal(patched.status, 200);
      const meta = alice.doc.getMap("meta");
      await waitUntil(
        () => meta.get("title") === "Renamed elsewhere" && meta.get("language") === "python",
        "alice's editor to show the change made through the other instance",
        1_000,
      );
      const session = await getPad(first.url, pad.sessionId);
      assert.equal(session.title, "Renamed elsewhere");
      assert.equal(session.language, "python");
    });

    it("closes the editors of a deleted pad on every instance with 4410", async () => {
      const pad = await createPad(first.url);
      const alice = onFirst.connect(pad.sessionId);
      const bob = onSecond.connect(pad.sessionId);
      await Promise.all([waitSynced(alice), waitSynced(bob)]);
      const response = await fetch(`${first.url}/api/sessions/${pad.sessionId}`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${pad.ownerKey}` },
      });
      assert.equal(response.status, 200);
      await Promise.all([waitClosedWith(alice, 4410), waitClosedWith(bob, 4410)]);
      const read = await fetch(`${second.url}/api/sessions/${pad.sessionId}`);
      assert.equal(read.status, 410);
    });

    it("keeps an edit that another instance forwarded when the instance it came to is killed", async () => {
      // The first instance is a process of its own here, so that it can be killed (-9).
      const crashDir = await makeTempDir();
      const crashing = await spawnServer({
        DATA_DIR: crashDir,
        DATABASE_URL: database.url,
        DB_POOL_SIZE: "4",
        REDIS_URL: redis.url,
      });
      const pad = await createPad(crashing.url, { code: "" });
      const viaCrashing = clientsOf(() => crashing.url);
      const alice = viaCrashing.connect(pad.sessionId);
      const bob = onSecond.connect(pad.sessionId);
      await Promise.all([waitSynced(alice), waitSynced(bob)]);
      alice.doc.getText("code").insert(0, "seen by bob");
      await waitUntil(() => bob.text() === "seen by bob", "bob to see alice's key");

      crashing.child.kill("SIGKILL");
      await crashing.exited;
      viaCrashing.leaveAll();
      bob.destroy();
      // The killed instance's log is gone with it (it never comes back); the instance that
      // forwarded the key writes it to the database when its room unloads.
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        await waitUntil(async () => {
          const rows = await sql`select code from sessions where session_id = ${pad.sessionId}`;
          return rows[0]?.["code"] === "seen by bob";
        }, "the key to be in the database");
      } finally {
        await sql.end();
      }
      await rm(crashDir, { recursive: true, force: true });
    });

    it("catches up on what an instance missed while its Redis connection was down", async () => {
      const pad = await createPad(first.url, { code: "" });
      const alice = onFirst.connect(pad.sessionId);
      const bob = onSecond.connect(pad.sessionId);
      await Promise.all([waitSynced(alice), waitSynced(bob)]);
      // Every subscriber connection drops; a key published before they are back is never
      // delivered to them by Redis.
      const admin = new Redis(redis.url);
      try {
        await admin.call("CLIENT", "KILL", "TYPE", "pubsub");
      } finally {
        admin.disconnect();
      }
      alice.doc.getText("code").insert(0, "typed while the second instance was deaf");
      await waitUntil(
        () => bob.text() === "typed while the second instance was deaf",
        "bob to get the key once the second instance is back",
      );
    });

    it("saves its pads and stops promptly when Redis is gone", async () => {
      const ownRedis = await startRedis();
      const instance = await startTestServer({
        env: { DATABASE_URL: database.url, DB_POOL_SIZE: "4", REDIS_URL: ownRedis.url },
      });
      const pad = await createPad(instance.url, { code: "" });
      const viaInstance = clientsOf(() => instance.url);
      const alice = viaInstance.connect(pad.sessionId);
      await waitSynced(alice);
      alice.doc.getText("code").insert(0, "typed before Redis went away");
      await waitUntil(
        async () => (await getPad(instance.url, pad.sessionId)).code === alice.text(),
        "the key to be applied",
      );
      await ownRedis.stop();
      await waitUntil(async () => {
        const health = (await (await fetch(`${instance.url}/api/health`)).json()) as {
          redis?: string;
        };
        return health.redis === "unreachable";
      }, "/api/health to say that Redis is unreachable");
      const started = Date.now();
      await instance.stop();
      assert.ok(Date.now() - started < 5_000, `stopped in ${Date.now() - started} ms`);
      viaInstance.leaveAll();
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql`select code from sessions where session_id = ${pad.sessionId}`;
        assert.equal(rows[0]?.["code"], "typed before Redis went away");
      } finally {
        await sql.end();
      }
    });
  });
}
