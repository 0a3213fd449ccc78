import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { PGlite } from "@electric-sql/pglite";
import { repoRoot } from "../repo-root.ts";
import { PgliteWorkerClient } from "./pglite-worker-client.ts";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
/** The drizzle API shared by the PGlite and postgres.js drivers. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /**
   * Collects the garbage of the embedded database's thread (see `memory/quiet-collector.ts`);
   * nothing to do for a PostgreSQL server. Settles once it is done (never rejects).
   */
  collectGarbage(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL server URL; when absent, PGlite stores the database under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  /** Where the embedded database reports that its thread stopped and was restarted. */
  log?: (message: string, error?: unknown) => void;
}

const migrationsFolder = path.join(repoRoot, "drizzle");

/** Opens the database and applies the drizzle-kit migrations before anything uses it. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined) {
    const client = postgres(options.databaseUrl, {
      max: options.poolSize,
      onnotice: () => {}, // "relation already exists, skipping" from the migrator is not news
    });
    const db = drizzlePostgres(client, { schema });
    await migratePostgres(db, { migrationsFolder });
    return {
      db: db as unknown as Db, // same query builder; the drivers differ only in their result HKT
      kind: "postgres",
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      collectGarbage: () => Promise.resolve(),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const client = await PgliteWorkerClient.open(path.join(options.dataDir, "pglite"), options.log);
  // The driver calls only `query` and `transaction`, which the worker's client provides.
  const db = drizzlePglite(client as unknown as PGlite, { schema });
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Db,
    kind: "pglite",
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    collectGarbage: () => client.collectGarbage(),
    close: () => client.close(),
  };
}
