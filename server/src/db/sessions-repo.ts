import { and, count, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import {
  activityLogs,
  sessions,
  type NewActivityRow,
  type NewSessionRow,
  type SessionRow,
} from "./schema.ts";

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

/** Every query on the sessions and activity_logs tables; the rest of the server uses only this. */
export class SessionsRepo {
  constructor(private readonly db: Db) {}

  async create(row: NewSessionRow): Promise<SessionRow> {
    const [created] = await this.db.insert(sessions).values(row).returning();
    if (created === undefined) throw new Error("insert returned no row");
    return created;
  }

  async find(sessionId: string): Promise<SessionRow | undefined> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.sessionId, sessionId));
    return row;
  }

  /**
   * What loading a pad's room needs: its document state without its text, which is as large
   * and was half of the time to load a 1 MiB pad.
   */
  async findForLoad(sessionId: string) {
    const [row] = await this.db
      .select({
        title: sessions.title,
        language: sessions.language,
        isActive: sessions.isActive,
        docState: sessions.docState,
      })
      .from(sessions)
      .where(eq(sessions.sessionId, sessionId));
    return row;
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

  /** Someone joined: that is activity, so the pad's expiry moves. */
  async recordJoin(
    sessionId: string,
    at: Date,
    expiresAt: Date,
    activeUsers: number,
  ): Promise<void> {
    await this.db
      .update(sessions)
      .set({ lastActive: at, expiresAt, activeUsers })
      .where(and(eq(sessions.sessionId, sessionId), eq(sessions.isActive, true)));
  }

  async setActiveUsers(sessionId: string, activeUsers: number): Promise<void> {
    await this.db.update(sessions).set({ activeUsers }).where(eq(sessions.sessionId, sessionId));
  }

  async insertActivity(rows: NewActivityRow[]): Promise<void> {
    if (rows.length > 0) await this.db.insert(activityLogs).values(rows);
  }

  /** Writes a pad's snapshot; refuses (returns false) once the pad is no longer active. */
  async saveSnapshot(sessionId: string, snapshot: SnapshotWrite): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const updated = await tx
        .update(sessions)
        .set({
          docState: snapshot.docState,
          code: snapshot.code,
          updatedAt: new Date(),
          lastActive: snapshot.lastActive,
          expiresAt: snapshot.expiresAt,
          activeUsers: snapshot.activeUsers,
          totalEdits: sql`${sessions.totalEdits} + ${snapshot.edits}`,
        })
        .where(and(eq(sessions.sessionId, sessionId), eq(sessions.isActive, true)))
        .returning({ sessionId: sessions.sessionId });
      if (updated.length === 0) return false;
      if (snapshot.activity.length > 0) await tx.insert(activityLogs).values(snapshot.activity);
      return true;
    });
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
