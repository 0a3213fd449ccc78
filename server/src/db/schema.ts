import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  customType,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  varchar,
} from "drizzle-orm/pg-core";

/**
 * bytea as a Uint8Array. PGlite returns Uint8Array and postgres.js returns Buffer (a
 * Uint8Array subclass), so both drivers read the same type.
 */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => value,
});

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** A pad ("session" in the API). The row outlives the pad's content to answer 410. */
export const sessions = pgTable(
  "sessions",
  {
    sessionId: varchar("session_id", { length: 12 }).primaryKey(),
    title: varchar("title", { length: 255 }).notNull(),
    language: varchar("language", { length: 32 }).notNull(),
    /** Plain text as of the last snapshot (the live text is in the room when it is loaded). */
    code: text("code").notNull().default(""),
    /** Y.encodeStateAsUpdate of the document as of the last snapshot. */
    docState: bytea("doc_state"),
    /** SHA-256 of the owner key, hex; the key itself is never stored. */
    ownerKeyHash: varchar("owner_key_hash", { length: 64 }).notNull(),
    isPublic: boolean("is_public").notNull().default(false),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    lastActive: timestamptz("last_active").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    /** False once the pad expired or was deleted. */
    isActive: boolean("is_active").notNull().default(true),
    deletedAt: timestamptz("deleted_at"),
    creatorIp: varchar("creator_ip", { length: 64 }),
    activeUsers: integer("active_users").notNull().default(0),
    totalEdits: integer("total_edits").notNull().default(0),
  },
  (table) => [
    index("sessions_public_created_idx")
      .on(table.createdAt.desc())
      .where(sql`${table.isPublic} and ${table.isActive}`),
    index("sessions_active_expires_idx")
      .on(table.expiresAt)
      .where(sql`${table.isActive}`),
  ],
);

export const activityTypes = ["join", "leave", "edit", "language_change"] as const;
export type ActivityType = (typeof activityTypes)[number];

/**
 * Who did what on a pad. Edits are counted per user and written at most once per
 * snapshot (`count`), never a row per keystroke.
 */
export const activityLogs = pgTable(
  "activity_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: varchar("session_id", { length: 12 })
      .notNull()
      .references(() => sessions.sessionId, { onDelete: "cascade" }),
    type: varchar("type", { length: 32 }).$type<ActivityType>().notNull(),
    userId: varchar("user_id", { length: 64 }),
    userName: varchar("user_name", { length: 64 }),
    count: integer("count").notNull().default(1),
    details: text("details"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (table) => [index("activity_logs_session_idx").on(table.sessionId, table.createdAt)],
);

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type NewActivityRow = typeof activityLogs.$inferInsert;
