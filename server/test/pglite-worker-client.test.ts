import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Worker } from "node:worker_threads";
import { PgliteWorkerClient } from "../src/db/pglite-worker-client.ts";

const TIMESTAMPTZ = 1184;

describe("embedded PGlite on its worker thread", () => {
  let directory: string;
  let client: PgliteWorkerClient;

  before(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "codepad-pglite-worker-"));
    client = await PgliteWorkerClient.open(directory);
    await client.query("create table notes (id integer primary key, body bytea, at timestamptz)");
  });
  after(async () => {
    await client.close();
    await fs.rm(directory, { recursive: true, force: true });
  });

  it("runs the caller's parsers on this thread, in both row modes", async () => {
    const parsers = { [TIMESTAMPTZ]: (text: string) => `parsed ${text}` };
    const query = "select 1 as n, '2026-12-03 10:00:00+00'::timestamptz as at";
    const asArrays = await client.query<unknown[]>(query, [], { rowMode: "array", parsers });
    assert.deepEqual(asArrays.rows, [[1, "parsed 2026-12-03 10:00:00+00"]]);
    const asObjects = await client.query<Record<string, unknown>>(query, [], { parsers });
    assert.deepEqual(asObjects.rows, [{ n: 1, at: "parsed 2026-12-03 10:00:00+00" }]);
    const unparsed = await client.query<Record<string, unknown>>(query);
    assert.ok(unparsed.rows[0]?.["at"] instanceof Date, "PGlite's own parser, in the worker");
  });

  it("sends and returns bytes (bytea) intact", async () => {
    const small = Uint8Array.from([0, 1, 2, 254, 255]);
    const large = new Uint8Array(1024 * 1024).map((_, index) => index % 251);
    await client.query("insert into notes (id, body) values (1, $1), (2, $2)", [small, large]);
    const { rows } = await client.query<{ body: Uint8Array }>(
      "select body from notes where id in (1, 2) order by id",
    );
    assert.deepEqual([...(rows[0]?.body ?? [])], [...small]);
    assert.equal(Buffer.compare(Buffer.from(rows[1]?.body ?? []), Buffer.from(large)), 0);
  });

  it("commits a transaction that resolves and rolls back one that throws", async () => {
    await client.transaction(async (tx) => {
      await tx.query("insert into notes (id) values (10)");
    });
    await assert.rejects(
      client.transaction(async (tx) => {
        await tx.query("insert into notes (id) values (11)");
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    const { rows } = await client.query<{ id: number }>(
      "select id from notes where id >= 10 order by id",
    );
    assert.deepEqual(
      rows.map((row) => row.id),
      [10],
    );
  });

  it("runs no other statement while a transaction is open", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted!: () => void;
    const insertedOnce = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const transaction = client.transaction(async (tx) => {
      await tx.query("insert into notes (id) values (20)");
      inserted();
      await released;
      await tx.query("insert into notes (id) values (21)");
    });
    await insertedOnce;
    const outside = client.query<{ count: number }>(
      "select count(*)::integer as count from notes where id in (20, 21)",
    );
    release();
    await transaction;
    assert.equal((await outside).rows[0]?.count, 2, "the query waited for the commit");
  });

  it("keeps PostgreSQL's error fields", async () => {
    await assert.rejects(client.query("select 1 / 0"), (error: Error & { code?: string }) => {
      assert.equal(error.code, "22012");
      assert.match(error.message, /division by zero/);
      return true;
    });
    await assert.rejects(
      client.query("insert into notes (id) values (1)"),
      (error: Error & { code?: string; constraint?: string }) => {
        assert.equal(error.code, "23505");
        assert.equal(error.constraint, "notes_pkey");
        return true;
      },
    );
  });

  it("runs PGlite on a thread of lower priority than this one (Linux)", async () => {
    // Linux keeps a nice value per thread, in field 19 of /proc/<pid>/task/<tid>/stat.
    const niceOf = async (tid: string) => {
      const stat = await fs.readFile(`/proc/${process.pid}/task/${tid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    };
    const tids = await fs.readdir(`/proc/${process.pid}/task`);
    const nices = await Promise.all(tids.map(niceOf));
    assert.equal(await niceOf(String(process.pid)), 0, "this thread keeps its priority");
    assert.ok(nices.includes(10), `a thread at nice 10 among ${nices.join(", ")}`);
  });

  it("leaves this thread free while a statement runs", async () => {
    let timerFired = false;
    const timer = setTimeout(() => {
      timerFired = true;
    }, 1);
    // Hundreds of milliseconds of PostgreSQL work: on this thread it would hold the timer.
    const { rows } = await client.query<{ count: number }>(
      "select count(*)::integer as count from generate_series(1, 1000000)",
    );
    clearTimeout(timer);
    assert.equal(rows[0]?.count, 1_000_000);
    assert.ok(timerFired, "a 1 ms timer fired before the statement was done");
  });
});

describe("a closed embedded database", () => {
  it("refuses queries with a clear error", async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), "codepad-pglite-worker-"));
    const client = await PgliteWorkerClient.open(directory);
    await client.query("select 1");
    await client.close();
    await assert.rejects(client.query("select 1"), /embedded database is closed/);
    await fs.rm(directory, { recursive: true, force: true });
  });
});

describe("an embedded database whose thread dies", () => {
  /** Kills the worker thread as a crash would: no close, no goodbye. */
  const killWorker = (client: PgliteWorkerClient) =>
    (client as unknown as { worker: Worker }).worker.terminate();

  it("fails what was under way, starts a new thread on the same data and goes on", async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), "codepad-pglite-worker-"));
    const logged: string[] = [];
    const client = await PgliteWorkerClient.open(directory, (message) => logged.push(message));
    await client.query("create table notes (id integer primary key)");
    await client.query("insert into notes (id) values (1)");

    // A statement of seconds is under way when the thread dies: it fails, it does not hang.
    const longQuery = client.query("select count(*) from generate_series(1, 100000000)");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await killWorker(client);
    await assert.rejects(longQuery, /embedded database stopped/);

    // A transaction that was open when the thread died is rolled back, not half-applied.
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const transaction = client.transaction(async (tx) => {
      await tx.query("insert into notes (id) values (2)");
      entered();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.query("insert into notes (id) values (3)");
    });
    await inside;
    await killWorker(client);
    await assert.rejects(transaction, /embedded database stopped/);

    // Asked meanwhile, a query waits for the new thread; what was committed is all there.
    const { rows } = await client.query<{ id: number }>("select id from notes order by id");
    assert.deepEqual(
      rows.map((row) => row.id),
      [1],
    );
    await client.query("insert into notes (id) values (4)");
    assert.ok(logged.some((message) => /thread stopped; starting a new one/.test(message)));
    assert.ok(logged.some((message) => /running again/.test(message)));
    await client.close();

    // And it was written where it belongs: a new client on the directory reads it.
    const reopened = await PgliteWorkerClient.open(directory);
    const after = await reopened.query<{ id: number }>("select id from notes order by id");
    assert.deepEqual(
      after.rows.map((row) => row.id),
      [1, 4],
    );
    await reopened.close();
    await fs.rm(directory, { recursive: true, force: true });
  });
});
