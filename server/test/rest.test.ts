import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isValidSessionId, type ApiErrorBody } from "@codepad/shared";
import { connectClient, waitSynced } from "./support/clients.ts";
import { createPad } from "./support/pads.ts";
import { startTestServer, storageKinds, type TestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

async function expectError(response: Response, status: number, type: string): Promise<void> {
  assert.equal(response.status, status);
  const body = (await response.json()) as ApiErrorBody;
  assert.equal(body.success, false);
  assert.equal(body.error.type, type);
  assert.equal(typeof body.error.message, "string");
}

for (const storage of storageKinds) {
  describe(`REST API on ${storage}`, () => {
    let server: TestServer;
    const send = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
    const sendJson = (path: string, method: string, body: unknown) =>
      send(path, {
        method,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });

    before(async () => {
      server = await startTestServer({ storage, env: { MAX_CODE_SIZE: "1000" } });
    });
    after(async () => {
      await server.stop();
    });

    it("creates a pad with defaults and a 12-character id", async () => {
      const response = await sendJson("/api/sessions", "POST", {});
      assert.equal(response.status, 201);
      const body = await json(response);
      const session = body["session"] as Record<string, string>;
      assert.equal(body["success"], true);
      assert.ok(isValidSessionId(session["sessionId"] ?? ""));
      assert.equal(session["language"], "javascript");
      assert.equal(session["title"], "Untitled Session");
      assert.equal(session["code"], "");
      assert.equal(session["shareableLink"], `http://localhost:0/${session["sessionId"]}`);
      assert.ok((session["ownerKey"] ?? "").length >= 32);
      assert.ok(Date.parse(session["expiresAt"] ?? "") > Date.parse(session["createdAt"] ?? ""));
    });

    it("returns the pad with its code and no owner key", async () => {
      const created = await createPad(server.url, {
        title: "Hello",
        language: "python",
        code: "print(1)\n",
      });
      const response = await send(`/api/sessions/${created.sessionId}`);
      assert.equal(response.status, 200);
      const session = (await json(response))["session"] as Record<string, unknown>;
      assert.deepEqual(
        { ...session, createdAt: undefined, lastActive: undefined, expiresAt: undefined },
        {
          sessionId: created.sessionId,
          title: "Hello",
          language: "python",
          code: "print(1)\n",
          activeUsers: 0,
          createdAt: undefined,
          lastActive: undefined,
          expiresAt: undefined,
        },
      );
      assert.equal("ownerKey" in session, false);
    });

    it("answers in-process through app.request() as over HTTP", async () => {
      const response = await server.app.request("/api/languages");
      assert.equal(response.status, 200);
      const languages = (await json(response))["languages"] as { id: string }[];
      assert.ok(languages.some((language) => language.id === "typescript"));
    });

    it("patches title and language", async () => {
      const created = await createPad(server.url);
      const response = await sendJson(`/api/sessions/${created.sessionId}`, "PATCH", {
        title: "Renamed",
        language: "rust",
      });
      assert.equal(response.status, 200);
      const session = (await json(response))["session"] as Record<string, unknown>;
      assert.equal(session["title"], "Renamed");
      assert.equal(session["language"], "rust");
      const again = (await json(await send(`/api/sessions/${created.sessionId}`)))["session"];
      assert.equal((again as Record<string, unknown>)["title"], "Renamed");
    });

    it("rejects bad input with the contract's errors", async () => {
      await expectError(await send("/api/sessions/short"), 400, "invalid_data");
      await expectError(await send("/api/sessions/abcdefghijk!"), 400, "invalid_data");
      await expectError(await send("/api/sessions/abcdefghijkl"), 404, "session_not_found");
      await expectError(
        await send("/api/sessions", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: "{nope",
        }),
        400,
        "invalid_data",
      );
      await expectError(
        await sendJson("/api/sessions", "POST", { language: "cobol" }),
        400,
        "invalid_data",
      );
      await expectError(
        await sendJson("/api/sessions", "POST", { title: "x".repeat(256) }),
        400,
        "invalid_data",
      );
      // PostgreSQL cannot store NUL in text: refused up front, not a 500 from the database.
      await expectError(
        await sendJson("/api/sessions", "POST", { title: "a\u0000b" }),
        400,
        "invalid_data",
      );
      await expectError(
        await sendJson("/api/sessions", "POST", { public: "yes" }),
        400,
        "invalid_data",
      );
      await expectError(await sendJson("/api/sessions", "POST", { code: 42 }), 400, "invalid_data");
      await expectError(
        await sendJson("/api/sessions", "POST", { code: "x".repeat(1001) }),
        413,
        "payload_too_large",
      );
      // Exactly MAX_CODE_SIZE bytes of UTF-8 is allowed; one more multi-byte character is not.
      assert.equal(
        (await sendJson("/api/sessions", "POST", { code: "é".repeat(500) })).status,
        201,
      );
      await expectError(
        await sendJson("/api/sessions", "POST", { code: "é".repeat(500) + "x" }),
        413,
        "payload_too_large",
      );
      assert.equal(
        (await sendJson("/api/sessions", "POST", { title: "x".repeat(255) })).status,
        201,
      );
      const created = await createPad(server.url);
      await expectError(
        await sendJson(`/api/sessions/${created.sessionId}`, "PATCH", { language: "klingon" }),
        400,
        "invalid_data",
      );
      await expectError(
        await sendJson(`/api/sessions/${created.sessionId}`, "PATCH", { title: "\u0000" }),
        400,
        "invalid_data",
      );
    });

    it("deletes only with the owner key, then answers 410", async () => {
      const created = await createPad(server.url);
      const path = `/api/sessions/${created.sessionId}`;
      await expectError(await send(path, { method: "DELETE" }), 401, "unauthorized");
      await expectError(
        await send(path, { method: "DELETE", headers: { Authorization: "Bearer wrong-key" } }),
        403,
        "forbidden",
      );
      const deleted = await send(path, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${created.ownerKey}` },
      });
      assert.equal(deleted.status, 200);
      assert.deepEqual(await json(deleted), { success: true });
      await expectError(await send(path), 410, "session_expired");
      await expectError(
        await send(path, {
          method: "DELETE",
          headers: { Authorization: `Bearer ${created.ownerKey}` },
        }),
        410,
        "session_expired",
      );
      await expectError(await sendJson(path, "PATCH", { title: "x" }), 410, "session_expired");
      await expectError(
        await send("/api/sessions/abcdefghijkl", { method: "DELETE" }),
        404,
        "session_not_found",
      );
      assert.deepEqual(await json(await send(`${path}/health`)), {
        success: true,
        exists: true,
        active: false,
        activeUsers: 0,
      });
    });

    it("reports health of pads and of the server", async () => {
      assert.deepEqual(await json(await send("/api/sessions/abcdefghijkl/health")), {
        success: true,
        exists: false,
      });
      const created = await createPad(server.url);
      assert.deepEqual(await json(await send(`/api/sessions/${created.sessionId}/health`)), {
        success: true,
        exists: true,
        active: true,
        activeUsers: 0,
      });
      const health = await json(await send("/api/health"));
      assert.equal(health["status"], "ok");
      assert.equal(health["db"], "ok");
    });

    it("lists public pads only, newest first, with pagination", async () => {
      const first = await createPad(server.url, { title: "public one", public: true });
      await createPad(server.url, { title: "private" });
      const second = await createPad(server.url, { title: "public two", public: true });
      const page1 = await json(await send("/api/sessions?page=1&limit=1"));
      assert.equal(page1["page"], 1);
      assert.equal(page1["limit"], 1);
      assert.equal(page1["total"], 2);
      const sessions1 = page1["sessions"] as Record<string, unknown>[];
      assert.equal(sessions1[0]?.["sessionId"], second.sessionId);
      assert.equal("code" in (sessions1[0] ?? {}), false);
      const page2 = await json(await send("/api/sessions?page=2&limit=1"));
      assert.equal(
        (page2["sessions"] as Record<string, unknown>[])[0]?.["sessionId"],
        first.sessionId,
      );
      await expectError(await send("/api/sessions?page=0"), 400, "invalid_data");
      await expectError(await send("/api/sessions?limit=abc"), 400, "invalid_data");
    });

    it("keeps a join without edits as activity once the pad has left memory", async () => {
      const pad = await createPad(server.url, { title: "only looked at" });
      const lastActive = async () => {
        const body = await json(await send(`/api/sessions/${pad.sessionId}`));
        return Date.parse(String((body["session"] as Record<string, unknown>)["lastActive"]));
      };
      const createdActive = await lastActive();
      const viewer = connectClient(server.url, pad.sessionId);
      try {
        await waitSynced(viewer);
        // Joins reach the database in batches, about once a second.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      } finally {
        viewer.destroy();
      }
      // Nothing was edited, so no snapshot writes lastActive: only the recorded join does.
      await waitUntil(async () => {
        const health = await json(await send("/api/health"));
        return health["rooms"] === 0;
      }, "the room to unload");
      assert.ok((await lastActive()) > createdActive, "the join moved lastActive (and expiry)");
    });

    it("keeps a pad whose text holds a NUL character, and saves its edits", async () => {
      const response = await sendJson("/api/sessions", "POST", { code: "a\u0000b" });
      assert.equal(response.status, 201);
      const session = (await json(response))["session"] as Record<string, string>;
      assert.equal(session["code"], "a\u0000b");
      const padId = session["sessionId"] ?? "";
      const editor = connectClient(server.url, padId);
      try {
        await waitSynced(editor);
        const text = editor.doc.getText("code");
        assert.equal(text.toJSON(), "a\u0000b", "the document keeps every character");
        text.insert(3, "\u0000c");
        await waitUntil(async () => {
          const body = await json(await send(`/api/sessions/${padId}`));
          return (body["session"] as Record<string, unknown>)["code"] === "a\u0000b\u0000c";
        }, "the edit to reach the server");
      } finally {
        editor.destroy();
      }
      await waitUntil(async () => {
        const health = await json(await send("/api/health"));
        return health["rooms"] === 0;
      }, "the room to unload");
      // Out of memory, the pad's text is the database's copy, which the unload's snapshot
      // wrote (a text column holds no NUL; the document does, for the next client).
      const body = await json(await send(`/api/sessions/${padId}`));
      assert.equal((body["session"] as Record<string, unknown>)["code"], "abc");
    });

    it("answers unknown API routes with a JSON 404", async () => {
      await expectError(await send("/api/nothing-here"), 404, "not_found");
    });
  });
}
