import { and, count, desc, eq, inArray, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client.ts";
import { sessions, type NewActivityRow, type NewSessionRow, type SessionRow } from "./schema.ts";

export interface SnapshotWrite {
  docState: Uint8Array;
  code: string;
  lastActive: Date;
  expiresAt: Date;
  activeUsers: number;
  /** Edits since the previous snapshot, added to total_edits. */
  edits: number;
  activity: NewActivityRow[];
}

/** One pad's snapshot, for `saveSnapshots`. */
export interface PadSnapshotWrite {
  sessionId: string;
  snapshot: SnapshotWrite;
}

export interface PadLoadRow {
  sessionId: string;
  title: string;
  language: string;
  isActive: boolean;
  docState: Uint8Array | null;
}

export interface PadPresence {
  sessionId: string;
  activeUsers: number;
  /** Set when someone joined since the last write. */
  joined?: { at: Date; expiresAt: Date };
}

/** Combines a pad's stored snapshot with a new one (see `scale-out/merge-stored-snapshot.ts`). */
export type MergeStoredSnapshot = (stored: Uint8Array, snapshot: SnapshotWrite) => SnapshotWrite;

/** Every query on the sessions and activity_logs tables; the rest of the server uses only this. */
export class SessionsRepo {
  constructor(
    private readonly db: Db,
    /**
     * Set when several instances snapshot the same pads (scale-out): each snapshot is merged
     * with the stored one, under a row lock, instead of replacing it.
     */
    private readonly mergeStored?: MergeStoredSnapshot,
  ) {}

  async create(row: NewSessionRow): Promise<SessionRow> {
    const [created] = await this.db
      .insert(sessions)
      .values(row.code === undefined ? row : { ...row, code: storableText(row.code) })
      .returning();
    if (created === undefined) throw new Error("insert returned no row");
    return created;
  }

  async find(sessionId: string): Promise<SessionRow | undefined> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.sessionId, sessionId));
    return row;
  }

  /**
   * What loading a pad's room needs, for several pads at once (see `batchLookups`): its
   * document state without its text, which is as large and was half of the time to load a
   * 1 MiB pad.
   */
  async findManyForLoad(sessionIds: string[]): Promise<Map<string, PadLoadRow>> {
    const rows = await this.db
      .select({
        sessionId: sessions.sessionId,
        title: sessions.title,
        language: sessions.language,
        isActive: sessions.isActive,
        docState: sessions.docState,
      })
      .from(sessions)
      .where(inArray(sessions.sessionId, sessionIds));
    return new Map(rows.map((row) => [row.sessionId, row]));
  }

  /** Title and language, as changed through REST or by a client through the document. */
  async updateMeta(
    sessionId: string,
    meta: { title?: string; language?: string },
  ): Promise<SessionRow | undefined> {
    const [row] = await this.db
      .update(sessions)
      .set({ ...meta, updatedAt: new Date() })
      .where(and(eq(sessions.sessionId, sessionId), eq(sessions.isActive, true)))
      .returning();
    return row;
  }

  /**
   * Who is on each pad now, and for pads someone joined, the join as activity that moves
   * the expiry; one statement for many pads (a reconnect storm joins hundreds at once),
   * with the pads as one JSON parameter (see insertActivitySql). Pads that have ended are
   * left as they are.
   */
  async recordPresence(pads: PadPresence[]): Promise<void> {
    if (pads.length === 0) return;
    const presence = JSON.stringify(
      pads.map((pad) => ({
        session_id: pad.sessionId,
        active_users: pad.activeUsers,
        joined_at: pad.joined?.at.toISOString() ?? null,
        expires_at: pad.joined?.expiresAt.toISOString() ?? null,
      })),
    );
    await this.db.execute(sql`
      update sessions set
        active_users = v.active_users,
        last_active = coalesce(v.joined_at, sessions.last_active),
        expires_at = coalesce(v.expires_at, sessions.expires_at)
      from json_to_recordset(${presence}::json)
        as v(session_id varchar, active_users integer, joined_at timestamptz, expires_at timestamptz)
      where sessions.session_id = v.session_id and sessions.is_active`);
  }

  async insertActivity(rows: NewActivityRow[]): Promise<void> {
    if (rows.length > 0) await this.db.execute(insertActivitySql(rows));
  }

  /**
   * Writes the snapshots of several pads in one transaction: one UPDATE for all of them and
   * one INSERT for their activity. Returns the pads that were written; a pad that is no
   * longer active is refused and its activity is not recorded. On embedded PGlite a
   * transaction's fixed cost was almost all of a small pad's snapshot, and hundreds of pads
   * are snapshotted in each interval.
   */
  async saveSnapshots(writes: PadSnapshotWrite[]): Promise<Set<string>> {
    if (writes.length === 0) return new Set();
    return this.db.transaction(async (tx) => {
      const merge = this.mergeStored;
      if (merge === undefined) return this.writeSnapshots(tx, writes);
      const stored = await tx
        .select({ sessionId: sessions.sessionId, docState: sessions.docState })
        .from(sessions)
        .where(
          inArray(
            sessions.sessionId,
            writes.map((write) => write.sessionId),
          ),
        )
        .for("update");
      const storedStates = new Map(stored.map((row) => [row.sessionId, row.docState]));
      return this.writeSnapshots(
        tx,
        writes.map(({ sessionId, snapshot }) => {
          const storedState = storedStates.get(sessionId);
          return {
            sessionId,
            snapshot: storedState ? merge(storedState, snapshot) : snapshot,
          };
        }),
      );
    });
  }

  private async writeSnapshots(tx: Db, writes: PadSnapshotWrite[]): Promise<Set<string>> {
    const now = new Date().toISOString();
    const values = sql.join(
      writes.map(
        ({ sessionId, snapshot }) =>
          sql`(${sessionId}::varchar, ${Buffer.from(
            snapshot.docState.buffer,
            snapshot.docState.byteOffset,
            snapshot.docState.byteLength,
          )}::bytea, ${storableText(snapshot.code)}::text, ${snapshot.lastActive.toISOString()}::timestamptz, ${snapshot.expiresAt.toISOString()}::timestamptz, ${snapshot.activeUsers}::integer, ${snapshot.edits}::integer)`,
      ),
      sql`, `,
    );
    const updated = await tx.execute(sql`
      update sessions set
        doc_state = v.doc_state,
        code = v.code,
        updated_at = ${now}::timestamptz,
        -- never back in time: another instance may have seen later activity (scale-out)
        last_active = greatest(sessions.last_active, v.last_active),
        expires_at = greatest(sessions.expires_at, v.expires_at),
        active_users = v.active_users,
        total_edits = sessions.total_edits + v.edits
      from (values ${values})
        as v(session_id, doc_state, code, last_active, expires_at, active_users, edits)
      where sessions.session_id = v.session_id and sessions.is_active
      returning sessions.session_id`);
    const saved = new Set(resultRows<{ session_id: string }>(updated).map((row) => row.session_id));
    const activity = writes.flatMap(({ sessionId, snapshot }) =>
      saved.has(sessionId) ? snapshot.activity : [],
    );
    if (activity.length > 0) await tx.execute(insertActivitySql(activity));
    return saved;
  }

  async listPublic(page: number, limit: number): Promise<{ rows: SessionRow[]; total: number }> {
    const visible = and(eq(sessions.isPublic, true), eq(sessions.isActive, true));
    const rows = await this.db
      .select()
      .from(sessions)
      .where(visible)
      .orderBy(desc(sessions.createdAt), desc(sessions.sessionId))
      .limit(limit)
      .offset((page - 1) * limit);
    const [totals] = await this.db.select({ total: count() }).from(sessions).where(visible);
    return { rows, total: totals?.total ?? 0 };
  }

  /** Active pads whose expiry has passed, oldest first. */
  async findExpired(now: Date, limit: number): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.isActive, true), lt(sessions.expiresAt, now)))
      .orderBy(sessions.expiresAt)
      .limit(limit);
  }

  /** Moves an expiry forward (a loaded pad was active since the row was written). */
  async extend(sessionId: string, lastActive: Date, expiresAt: Date): Promise<void> {
    await this.db
      .update(sessions)
      .set({ lastActive, expiresAt })
      .where(and(eq(sessions.sessionId, sessionId), eq(sessions.isActive, true)));
  }

  /**
   * Ends a pad: its content is deleted, the row stays so that the API can answer 410.
   * Returns false when it was not active any more.
   */
  async deactivate(sessionId: string, reason: "expired" | "deleted", at: Date): Promise<boolean> {
    const updated = await this.db
      .update(sessions)
      .set({
        isActive: false,
        docState: null,
        code: "",
        activeUsers: 0,
        updatedAt: at,
        deletedAt: reason === "deleted" ? at : null,
      })
      .where(and(eq(sessions.sessionId, sessionId), eq(sessions.isActive, true)))
      .returning({ sessionId: sessions.sessionId });
    return updated.length > 0;
  }
}

/** The rows of `db.execute`: postgres.js returns them as the result, PGlite under `rows`. */
function resultRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

/**
 * The pad's text as a text column can hold it: PostgreSQL refuses the NUL character in text,
 * and a pad whose text has one could otherwise never be snapshotted (its log never compacted,
 * its expiry never moved). The document state, which is the pad, keeps every character.
 */
function storableText(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "") : text;
}

/**
 * One INSERT of many activity rows, passed as a single JSON parameter that PostgreSQL
 * unpacks with json_to_recordset. On embedded PGlite this took half the time of a drizzle
 * multi-row VALUES insert (250 rows: 7-8 against 14-16 ms), most of which was spent binding
 * and parsing three parameters a row.
 */
function insertActivitySql(rows: NewActivityRow[]): SQL {
  const json = JSON.stringify(
    rows.map((row) => ({
      session_id: row.sessionId,
      type: row.type,
      user_id: jsonText(row.userId),
      user_name: jsonText(row.userName),
      count: row.count ?? 1,
      details: jsonText(row.details),
      created_at: (row.createdAt ?? new Date()).toISOString(),
    })),
  );
  return sql`
    insert into activity_logs (session_id, type, user_id, user_name, count, details, created_at)
    select session_id, type, user_id, user_name, count, details, created_at
    from json_to_recordset(${json}::json) as v(
      session_id varchar, type varchar, user_id varchar, user_name varchar,
      count integer, details text, created_at timestamptz)`;
}

/**
 * A client's text (a user name from its awareness) as PostgreSQL reads it from JSON: no NUL
 * (see storableText) and no lone UTF-16 surrogate, which JSON.stringify writes as a \udXXX
 * escape that PostgreSQL refuses. A name cut at 64 code units can end in one.
 */
function jsonText(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : storableText(text).toWellFormed();
}
