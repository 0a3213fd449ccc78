import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import {
  DEFAULT_LANGUAGE,
  DEFAULT_TITLE,
  isLanguageId,
  isValidSessionId,
  TITLE_MAX_LENGTH,
  type CreateSessionResponse,
  type SessionDetails,
  type SessionHealthResponse,
  type SessionListResponse,
  type SessionResponse,
} from "@codepad/shared";
import type { SessionRow } from "../db/schema.ts";
import type { SessionsRepo } from "../db/sessions-repo.ts";
import type { PadLifecycle } from "../pads/pad-lifecycle.ts";
import { createInitialDocState } from "../rooms/pad-document.ts";
import { PadGoneError, PadNotFoundError } from "../rooms/pad-loader.ts";
import type { RoomRegistry } from "../rooms/registry.ts";
import { ApiError, invalidData, sessionExpired, sessionNotFound } from "./api-error.ts";
import type { AppEnv } from "./app-env.ts";

export interface SessionsRoutesOptions {
  repo: SessionsRepo;
  registry: RoomRegistry;
  lifecycle: PadLifecycle;
  publicUrl: string;
  maxCodeSize: number;
  sessionDurationMs: number;
}

const language = z
  .string()
  .refine(isLanguageId, { message: "unknown language (see /api/languages)" });
const title = z
  .string()
  .max(TITLE_MAX_LENGTH, `title is at most ${TITLE_MAX_LENGTH} characters`)
  .refine((value) => !value.includes("\u0000"), "title must not contain NUL characters");

const createBody = z.object({
  language: language.optional(),
  title: title.optional(),
  code: z.string().optional(),
  public: z.boolean().optional(),
});

const updateBody = z.object({ language: language.optional(), title: title.optional() });

const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Turns a validator failure into the contract's 400 `invalid_data`. */
const invalidHook = (result: { success: boolean; error?: { issues: z.core.$ZodIssue[] } }) => {
  if (!result.success) {
    const issue = result.error?.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw invalidData(`${where}${issue?.message ?? "invalid request"}`);
  }
};

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** REST routes of pads, mounted at /api/sessions. */
export function sessionsRoutes(options: SessionsRoutesOptions) {
  const { repo, registry, lifecycle } = options;

  /** The row of an active pad, or the contract's 404 / 410. */
  async function activePad(sessionId: string): Promise<SessionRow> {
    // A room that is being unloaded is out of the registry before its last snapshot is in
    // the row: wait for it, or its text would be read as of the previous snapshot.
    await registry.unloaded(sessionId);
    const row = await repo.find(sessionId);
    if (row === undefined) throw sessionNotFound();
    if (await lifecycle.endIfExpired(row)) throw sessionExpired();
    return row;
  }

  /**
   * Runs `read` with the pad's room held here when another instance holds the pad live
   * (scale-out), so that it reads the live text and users and a change reaches that
   * instance's editors at once. On one instance it just runs it.
   */
  async function withLiveRoom<T>(sessionId: string, read: () => T | Promise<T>): Promise<T> {
    let held;
    try {
      held = await registry.acquireIfLiveElsewhere(sessionId);
    } catch (error) {
      if (error instanceof PadGoneError) throw sessionExpired();
      if (error instanceof PadNotFoundError) throw sessionNotFound();
      throw error;
    }
    try {
      return await read();
    } finally {
      if (held !== undefined) registry.release(held);
    }
  }

  function details(row: SessionRow): SessionDetails {
    const room = registry.peek(row.sessionId);
    const meta = room?.currentMeta() ?? { title: row.title, language: row.language };
    return {
      sessionId: row.sessionId,
      language: meta.language,
      title: meta.title,
      // The live text when the pad is open; otherwise the last snapshot is the whole text.
      code: room?.text() ?? row.code,
      activeUsers: room?.userCount ?? 0,
      createdAt: row.createdAt.toISOString(),
      lastActive: lifecycle.lastActive(row).toISOString(),
      expiresAt: lifecycle.expiresAt(row).toISOString(),
    };
  }

  return (
    new Hono<AppEnv>()
      // A malformed id is answered before anything else, whatever the route.
      .use("/:sessionId/*", async (c, next) => {
        if (!isValidSessionId(c.req.param("sessionId"))) throw invalidData("malformed sessionId");
        await next();
      })
      .use("/:sessionId", async (c, next) => {
        if (!isValidSessionId(c.req.param("sessionId"))) throw invalidData("malformed sessionId");
        await next();
      })

      .post("/", zValidator("json", createBody, invalidHook), async (c) => {
        const body = c.req.valid("json");
        const code = body.code ?? "";
        if (Buffer.byteLength(code, "utf8") > options.maxCodeSize) {
          throw new ApiError(
            413,
            "payload_too_large",
            `code is larger than ${options.maxCodeSize} bytes`,
          );
        }
        const meta = {
          title: body.title?.trim() || DEFAULT_TITLE,
          language: body.language ?? DEFAULT_LANGUAGE,
        };
        const sessionId = randomBytes(9).toString("base64url"); // 72 bits → exactly 12 characters
        const ownerKey = randomBytes(32).toString("base64url");
        const now = new Date();
        const row = await repo.create({
          sessionId,
          ...meta,
          code,
          docState: createInitialDocState(code, meta),
          ownerKeyHash: sha256(ownerKey),
          isPublic: body.public ?? false,
          createdAt: now,
          updatedAt: now,
          lastActive: now,
          expiresAt: new Date(now.getTime() + options.sessionDurationMs),
          creatorIp: c.get("clientIp")?.slice(0, 64) ?? null,
        });
        const response: CreateSessionResponse = {
          success: true,
          session: {
            sessionId,
            shareableLink: `${options.publicUrl}/${sessionId}`,
            language: row.language,
            title: row.title,
            code, // the document's text (the stored plain-text copy drops NUL characters)
            createdAt: row.createdAt.toISOString(),
            expiresAt: row.expiresAt.toISOString(),
            ownerKey,
          },
        };
        return c.json(response, 201);
      })

      .get("/", zValidator("query", listQuery, invalidHook), async (c) => {
        const { page, limit } = c.req.valid("query");
        const { rows, total } = await repo.listPublic(page, limit);
        const response: SessionListResponse = {
          success: true,
          sessions: rows.map((row) => {
            const { sessionId, title, language, activeUsers, createdAt, lastActive } = details(row);
            return { sessionId, title, language, activeUsers, createdAt, lastActive };
          }),
          page,
          limit,
          total,
        };
        return c.json(response);
      })

      .get("/:sessionId", async (c) => {
        const row = await activePad(c.req.param("sessionId"));
        const session = await withLiveRoom(row.sessionId, () => details(row));
        const response: SessionResponse = { success: true, session };
        return c.json(response);
      })

      .patch("/:sessionId", zValidator("json", updateBody, invalidHook), async (c) => {
        const sessionId = c.req.param("sessionId");
        await activePad(sessionId);
        const body = c.req.valid("json");
        const meta = {
          ...(body.title !== undefined ? { title: body.title.trim() || DEFAULT_TITLE } : {}),
          ...(body.language !== undefined ? { language: body.language } : {}),
        };
        // The live room is held first, so the change is made on top of everything its
        // editors have (a concurrent older value could otherwise win the merge).
        const session = await withLiveRoom(sessionId, async () => {
          const row = await repo.updateMeta(sessionId, meta);
          if (row === undefined) throw sessionExpired();
          // Connected editors see it at once; an unloaded pad takes it from the row on load.
          registry.peek(sessionId)?.setMeta(meta);
          return details(row);
        });
        if (meta.language !== undefined) {
          await repo.insertActivity([
            { sessionId, type: "language_change", details: meta.language },
          ]);
        }
        const response: SessionResponse = { success: true, session };
        return c.json(response);
      })

      .delete("/:sessionId", async (c) => {
        const sessionId = c.req.param("sessionId");
        const row = await repo.find(sessionId);
        if (row === undefined) throw sessionNotFound();
        if (await lifecycle.endIfExpired(row)) throw sessionExpired();
        const header = c.req.header("Authorization") ?? "";
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (match?.[1] === undefined) {
          throw new ApiError(401, "unauthorized", "Authorization: Bearer <ownerKey> is required", {
            "WWW-Authenticate": "Bearer",
          });
        }
        const given = Buffer.from(sha256(match[1]), "hex");
        const expected = Buffer.from(row.ownerKeyHash, "hex");
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          throw new ApiError(403, "forbidden", "This key does not own the pad");
        }
        if (!(await lifecycle.end(sessionId, "deleted"))) throw sessionExpired();
        return c.json({ success: true as const });
      })

      .get("/:sessionId/health", async (c) => {
        const row = await repo.find(c.req.param("sessionId"));
        if (row === undefined) {
          return c.json({ success: true, exists: false } satisfies SessionHealthResponse);
        }
        const active = row.isActive && !lifecycle.isExpired(row);
        const activeUsers = active
          ? await withLiveRoom(row.sessionId, () => registry.peek(row.sessionId)?.userCount ?? 0)
          : 0;
        return c.json({
          success: true,
          exists: true,
          active,
          activeUsers,
        } satisfies SessionHealthResponse);
      })
  );
}
