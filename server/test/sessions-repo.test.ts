import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { eq, inArray } from "drizzle-orm";
import * as Y from "yjs";
import { openDatabase, type Database } from "../src/db/client.ts";
import { activityLogs, sessions } from "../src/db/schema.ts";
import { SessionsRepo } from "../src/db/sessions-repo.ts";
import { UpdateLog } from "../src/persistence/update-log.ts";
import { mergeStoredSnapshot } from "../src/scale-out/merge-stored-snapshot.ts";
import { createPadLoader, PadGoneError, PadNotFoundError } from "../src/rooms/pad-loader.ts";
import { createTestDatabase, makeTempDir, storageKinds } from "./support/test-server.ts";

/**
 * The queries that many rooms share when they open or are joined at once: one statement
 * for many pads must give each pad its own answer, and leave ended pads alone.
 */
for (const storage of storageKinds) {
  describe(`pad queries for many pads at once on ${storage}`, () => {
    let database: Database;
    let repo: SessionsRepo;
    let updateLog: UpdateLog;
    let logDir: string;
    let cleanUp: () => Promise<void>;

    before(async () => {
      if (storage === "postgres") {
        const testDatabase = await createTestDatabase();
        database = await openDatabase({
          databaseUrl: testDatabase.url,
          dataDir: "",
          poolSize: 2,
        });
        cleanUp = testDatabase.drop;
      } else {
        const dataDir = await makeTempDir();
        database = await openDatabase({ databaseUrl: undefined, dataDir, poolSize: 1 });
        cleanUp = () => fs.rm(dataDir, { recursive: true, force: true });
      }
      repo = new SessionsRepo(database.db);
      logDir = await makeTempDir();
      updateLog = await UpdateLog.open(logDir);
    });
    after(async () => {
      await updateLog.close();
      await fs.rm(logDir, { recursive: true, force: true });
      await database.close();
      await cleanUp();
    });

    const longAgo = new Date("2026-01-01T00:00:00Z");
    const later = new Date("2026-02-01T00:00:00Z");
    const insertPads = async (prefix: string, count: number) => {
      const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);
      await database.db.insert(sessions).values(
        ids.map((sessionId, i) => ({
          sessionId,
          title: `pad ${i}`,
          language: "python",
          ownerKeyHash: "0".repeat(64),
          docState: documentWith(`text of pad ${i}`),
          lastActive: longAgo,
          expiresAt: later,
        })),
      );
      return ids;
    };

    it("loads every pad opened in the same turn, each with its own row or error", async () => {
      const ids = await insertPads("load", 150); // more than one lookup's worth
      await database.db
        .update(sessions)
        .set({ isActive: false })
        .where(eq(sessions.sessionId, ids[7]!));
      const loadPad = createPadLoader(repo, updateLog, () => {});
      const results = await Promise.allSettled(
        [...ids, "loadmissing1", ids[3]!].map((padId) => loadPad(padId)),
      );
      for (const [i, result] of results.slice(0, ids.length).entries()) {
        if (i === 7) {
          assert.ok(result.status === "rejected" && result.reason instanceof PadGoneError);
          continue;
        }
        if (result.status === "rejected") throw result.reason;
        assert.equal(result.value.meta.title, `pad ${i}`);
        assert.equal(result.value.doc.guid, ids[i]);
        assert.equal(result.value.doc.getText("code").toJSON(), `text of pad ${i}`);
      }
      const missing = results[ids.length]!;
      assert.ok(missing.status === "rejected" && missing.reason instanceof PadNotFoundError);
      const again = results[ids.length + 1]!;
      assert.ok(again.status === "fulfilled" && again.value.meta.title === "pad 3");
    });

    it("records who is on many pads in one statement; a join moves the expiry", async () => {
      const [joined, left, ended] = await insertPads("pres", 3);
      await database.db
        .update(sessions)
        .set({ isActive: false })
        .where(eq(sessions.sessionId, ended!));
      const at = new Date("2026-03-01T12:00:00Z");
      const expiresAt = new Date("2026-03-08T12:00:00Z");
      await repo.recordPresence([
        { sessionId: joined!, activeUsers: 3, joined: { at, expiresAt } },
        { sessionId: left!, activeUsers: 1 },
        { sessionId: ended!, activeUsers: 5, joined: { at, expiresAt } },
      ]);
      const rows = await database.db
        .select()
        .from(sessions)
        .where(inArray(sessions.sessionId, [joined!, left!, ended!]));
      const byId = new Map(rows.map((row) => [row.sessionId, row]));
      const summary = (id: string) => {
        const row = byId.get(id)!;
        return [row.activeUsers, row.lastActive.toISOString(), row.expiresAt.toISOString()];
      };
      assert.deepEqual(summary(joined!), [3, at.toISOString(), expiresAt.toISOString()]);
      assert.deepEqual(summary(left!), [1, longAgo.toISOString(), later.toISOString()]);
      assert.deepEqual(summary(ended!), [0, longAgo.toISOString(), later.toISOString()]);
    });

    it("records activity rows with every field, whatever characters a client's name holds", async () => {
      const [pad] = await insertPads("act", 1);
      const at = new Date("2026-03-01T12:00:00Z");
      await repo.insertActivity([
        { sessionId: pad!, type: "join", createdAt: at },
        {
          sessionId: pad!,
          type: "leave",
          userId: "u-1",
          // Quotes, a backslash, an emoji, a NUL, and a lone surrogate (a name cut in two).
          userName: 'A "q" \\ 🙂\u0000x\ud83d',
          createdAt: at,
        },
        { sessionId: pad!, type: "language_change", details: "rust" },
      ]);
      const rows = await database.db
        .select()
        .from(activityLogs)
        .where(eq(activityLogs.sessionId, pad!))
        .orderBy(activityLogs.id);
      assert.deepEqual(
        rows.map((row) => [row.type, row.userId, row.userName, row.count, row.details]),
        [
          ["join", null, null, 1, null],
          ["leave", "u-1", 'A "q" \\ 🙂x\ufffd', 1, null],
          ["language_change", null, null, 1, "rust"],
        ],
      );
      assert.equal(rows[0]!.createdAt.toISOString(), at.toISOString());
      assert.ok(Math.abs(rows[2]!.createdAt.getTime() - Date.now()) < 60_000);
    });

    it("writes the snapshots of many pads in one call, and refuses the ended ones", async () => {
      const [first, second, ended, withNul] = await insertPads("snap", 4);
      await database.db
        .update(sessions)
        .set({ isActive: false })
        .where(eq(sessions.sessionId, ended!));
      const lastActive = new Date("2026-03-01T12:00:00Z");
      const expiresAt = new Date("2026-03-02T12:00:00Z");
      const write = (sessionId: string, text: string, edits: number) => ({
        sessionId,
        snapshot: {
          docState: documentWith(text),
          code: text,
          lastActive,
          expiresAt,
          activeUsers: 2,
          edits,
          activity: [
            { sessionId, type: "edit" as const, userId: "u1", userName: "Ann", count: edits },
          ],
        },
      });
      const saved = await repo.saveSnapshots([
        write(first!, "first text", 3),
        write(second!, "second text", 5),
        write(ended!, "never written", 7),
        write(withNul!, "a\u0000b", 1),
      ]);
      assert.deepEqual([...saved].sort(), [first!, second!, withNul!].sort());
      // Twice: edits add up.
      await repo.saveSnapshots([write(first!, "first text, later", 4)]);

      const rows = await database.db
        .select()
        .from(sessions)
        .where(inArray(sessions.sessionId, [first!, second!, ended!, withNul!]));
      const byId = new Map(rows.map((row) => [row.sessionId, row]));
      const textOf = (id: string) => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, byId.get(id)!.docState!);
        return doc.getText("code").toJSON();
      };
      assert.equal(byId.get(first!)!.code, "first text, later");
      assert.equal(textOf(first!), "first text, later");
      assert.equal(byId.get(first!)!.totalEdits, 7);
      assert.equal(byId.get(second!)!.code, "second text");
      assert.equal(byId.get(second!)!.totalEdits, 5);
      assert.deepEqual(
        [byId.get(second!)!.lastActive.toISOString(), byId.get(second!)!.expiresAt.toISOString()],
        [lastActive.toISOString(), expiresAt.toISOString()],
      );
      assert.equal(byId.get(second!)!.activeUsers, 2);
      assert.equal(byId.get(ended!)!.code, "", "an ended pad keeps no text");
      assert.equal(byId.get(ended!)!.totalEdits, 0);
      // A text column cannot hold NUL; the document state, which is the pad, keeps it.
      assert.equal(byId.get(withNul!)!.code, "ab");
      assert.equal(textOf(withNul!), "a\u0000b");

      const activity = await database.db
        .select()
        .from(activityLogs)
        .where(inArray(activityLogs.sessionId, [first!, second!, ended!, withNul!]));
      const editsBy = (id: string) =>
        activity.filter((row) => row.sessionId === id).map((row) => row.count);
      assert.deepEqual(editsBy(first!).sort(), [3, 4]);
      assert.deepEqual(editsBy(second!), [5]);
      assert.deepEqual(editsBy(ended!), [], "no activity is recorded for an ended pad");
    });

    it("merges each snapshot with the stored one when instances share pads (scale-out)", async () => {
      const [padId] = await insertPads("merge", 1);
      const merging = new SessionsRepo(database.db, mergeStoredSnapshot);
      const [stored] = await database.db
        .select()
        .from(sessions)
        .where(eq(sessions.sessionId, padId!));
      // Two instances hold the pad; each has a key the other has not received yet.
      const onInstance = (key: string, at: number) => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, stored!.docState!);
        doc.getText("code").insert(0, key);
        return {
          sessionId: padId!,
          snapshot: {
            docState: Y.encodeStateAsUpdate(doc),
            code: doc.getText("code").toJSON(),
            lastActive: new Date(at),
            expiresAt: new Date(at + 86_400_000),
            activeUsers: 1,
            edits: 1,
            activity: [],
          },
        };
      };
      const first = onInstance("[first]", Date.parse("2026-03-01T12:00:10Z"));
      const second = onInstance("[second]", Date.parse("2026-03-01T12:00:00Z"));
      await merging.saveSnapshots([first]);
      await merging.saveSnapshots([second]); // written after, though it lacks the first key

      const [row] = await database.db.select().from(sessions).where(eq(sessions.sessionId, padId!));
      const doc = new Y.Doc();
      Y.applyUpdate(doc, row!.docState!);
      const text = doc.getText("code").toJSON();
      for (const part of ["[first]", "[second]", "text of pad 0"]) assert.ok(text.includes(part));
      assert.equal(row!.code, text, "the text column is the merged text");
      assert.equal(row!.lastActive.toISOString(), "2026-03-01T12:00:10.000Z", "never back in time");
    });
  });
}

function documentWith(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("code").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}
