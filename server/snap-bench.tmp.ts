import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as Y from "yjs";
import { openDatabase } from "./src/db/client.ts";
import { sessions } from "./src/db/schema.ts";
import { SessionsRepo } from "./src/db/sessions-repo.ts";

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "snap-"));
const database = await openDatabase({ databaseUrl: undefined, dataDir: dir, poolSize: 1 });
const repo = new SessionsRepo(database.db);
const SIZE = Number(process.env.SIZE ?? 2000);
const doc = new Y.Doc(); doc.getText("code").insert(0, "x".repeat(SIZE));
const state = Y.encodeStateAsUpdate(doc);
const N = Number(process.env.N ?? 1250);
const ids = Array.from({ length: N }, (_, i) => `pad${String(i).padStart(6, "0")}`);
for (let s = 0; s < N; s += 250) {
  await database.db.insert(sessions).values(ids.slice(s, s + 250).map((sessionId) => ({
    sessionId, title: "t", language: "python", ownerKeyHash: "0".repeat(64), docState: state, code: "x".repeat(SIZE),
    expiresAt: new Date(Date.now() + 86400000),
  })));
}
const lat: number[] = [];
const t00 = performance.now();
for (let i = 0; i < Number(process.env.M ?? 6000); i++) {
  const id = ids[i % N]!;
  const t0 = performance.now();
  await repo.saveSnapshot(id, { docState: state, code: "y".repeat(SIZE), lastActive: new Date(), expiresAt: new Date(Date.now() + 86400000), activeUsers: 4, edits: 3, activity: [{ sessionId: id, type: "edit", userId: "u", userName: "n", count: 3, createdAt: new Date() }] });
  const d = performance.now() - t0; lat.push(d);
  if (d > 8) console.log(`snapshot ${i}: ${d.toFixed(1)} ms`);
}
lat.sort((a, b) => a - b);
console.log(`n=${lat.length} total ${(performance.now() - t00).toFixed(0)} ms p50 ${lat[lat.length >> 1]!.toFixed(2)} p99 ${lat[Math.floor(lat.length * 0.99)]!.toFixed(2)} max ${lat[lat.length - 1]!.toFixed(1)}`);
await database.close();
