import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { after, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { openDatabase } from "../src/db/client.ts";
import { sessions } from "../src/db/schema.ts";
import { connectClient, waitClosedWith, waitSynced, type TestClient } from "./support/clients.ts";
import { updateFrame } from "./support/frames.ts";
import { createPad } from "./support/pads.ts";
import { rawSocket } from "./support/raw-socket.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";
import { waitUntil } from "./support/wait.ts";

/** An awareness frame announcing `clientId` at `clock`. */
function awarenessFrame(clientId: number, clock: number): Uint8Array {
  return awarenessFrameOf([clientId], clock);
}

/** An awareness frame announcing every one of `clientIds` at `clock`. */
function awarenessFrameOf(clientIds: number[], clock: number): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, clientIds.length);
  for (const clientId of clientIds) {
    encoding.writeVarUint(inner, clientId);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(
      inner,
      JSON.stringify({ user: { id: "x", name: "flood", color: "#000000" } }),
    );
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  return encoding.toUint8Array(encoder);
}

describe("limits and bad input", () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer({ env });
    servers.push(server);
    return server;
  };
  const connect = (server: TestServer, padId: string) => {
    const client = connectClient(server.url, padId);
    clients.push(client);
    return client;
  };
  const wsUrl = (server: TestServer, padId: string) =>
    `${server.url.replace("http", "ws")}/ws/${padId}`;
  after(async () => {
    for (const client of clients) client.destroy();
    for (const server of servers) await server.stop();
  });

  it("limits pad creation per IP with 429, Retry-After and RateLimit headers", async () => {
    const server = await start({ RATE_LIMIT_MAX_REQUESTS: "3", RATE_LIMIT_WINDOW: "60000" });
    for (let i = 0; i < 3; i++) {
      const ok = await fetch(`${server.url}/api/sessions`, {
        method: "POST",
        body: "{}",
        headers: { "Content-Type": "application/json" },
      });
      assert.equal(ok.status, 201);
      assert.equal(ok.headers.get("RateLimit-Limit"), "3");
      assert.equal(ok.headers.get("RateLimit-Remaining"), String(2 - i));
    }
    const refused = await fetch(`${server.url}/api/sessions`, {
      method: "POST",
      body: "{}",
      headers: { "Content-Type": "application/json" },
    });
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(refused.headers.get("RateLimit-Remaining"), "0");
    assert.ok(refused.headers.get("RateLimit-Reset"));
    const body = (await refused.json()) as { success: boolean; error: { type: string } };
    assert.deepEqual([body.success, body.error.type], [false, "rate_limit_exceeded"]);
    // Reading is still allowed: the creation limit is for creation only.
    assert.equal((await fetch(`${server.url}/api/languages`)).status, 200);
  });

  it("limits API requests per IP per minute, honouring X-Forwarded-For only with TRUST_PROXY", async () => {
    const direct = await start({ API_RATE_LIMIT_MAX: "5" });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      // Spoofed addresses change nothing when the proxy is not trusted.
      const response = await fetch(`${direct.url}/api/languages`, {
        headers: { "X-Forwarded-For": `10.0.0.${i}` },
      });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    assert.equal(
      (await fetch(`${direct.url}/api/health`)).status,
      200,
      "health checks are not limited",
    );

    const proxied = await start({ API_RATE_LIMIT_MAX: "2", TRUST_PROXY: "true" });
    const get = (ip: string) =>
      fetch(`${proxied.url}/api/languages`, { headers: { "X-Forwarded-For": `${ip}, 127.0.0.1` } });
    assert.deepEqual(
      [
        (await get("198.51.100.1")).status,
        (await get("198.51.100.1")).status,
        (await get("198.51.100.1")).status,
      ],
      [200, 200, 429],
    );
    assert.equal(
      (await get("198.51.100.2")).status,
      200,
      "another client behind the proxy has its own budget",
    );
  });

  it("cuts off a WebSocket message flood with 4429 within a second, never a fast typist", async () => {
    const server = await start({ WS_MESSAGE_RATE_MAX: "60" });
    const pad = await createPad(server.url);
    const typist = connect(server, pad.sessionId);
    await waitSynced(typist);
    const flooder = rawSocket(wsUrl(server, pad.sessionId));
    await flooder.opened;
    const floodStart = Date.now();
    for (let i = 0; i < 3000 && flooder.ws.readyState === flooder.ws.OPEN; i++) {
      flooder.ws.send(awarenessFrame(4242, i + 1));
      if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const closed = await flooder.closed;
    assert.equal(closed.code, 4429);
    assert.ok(Date.now() - floodStart < 1500, `cut off after ${Date.now() - floodStart} ms`);

    // 15 keys a second with a cursor update per key, for two seconds.
    const text = typist.doc.getText("code");
    for (let key = 0; key < 30; key++) {
      text.insert(text.length, "k");
      typist.provider.awareness.setLocalStateField("selection", { anchor: key, head: key });
      await new Promise((resolve) => setTimeout(resolve, 1000 / 15));
    }
    const reader = connect(server, pad.sessionId);
    await waitUntil(() => reader.text() === "k".repeat(30), "the typist's 30 keys to arrive");
    assert.equal(typist.provider.wsconnected, true);
    assert.deepEqual(typist.closes, []);
  });

  it("refuses a client announcing thousands of awareness ids with 4400; the others never see them", async () => {
    const server = await start({});
    const pad = await createPad(server.url);
    const watcher = connect(server, pad.sessionId);
    await waitSynced(watcher);
    const impostor = rawSocket(wsUrl(server, pad.sessionId));
    await impostor.opened;
    const ids = Array.from({ length: 5000 }, (_, index) => 10_000 + index);
    let closedWith: number | undefined;
    void impostor.closed.then((closed) => (closedWith = closed.code));
    impostor.ws.send(awarenessFrameOf(ids, 1));
    await waitUntil(() => closedWith !== undefined, "the impostor to be refused");
    assert.equal(closedWith, 4400);
    // A late joiner is told of everyone the pad holds: none of the 5,000.
    const joiner = connect(server, pad.sessionId);
    await waitSynced(joiner);
    joiner.provider.awareness.setLocalStateField("user", { id: "j", name: "Joiner" });
    await waitUntil(
      () => watcher.provider.awareness.getStates().has(joiner.doc.clientID),
      "the watcher to see the joiner",
    );
    for (const client of [watcher, joiner]) {
      const seen = [...client.provider.awareness.getStates().keys()];
      assert.ok(!seen.some((id) => ids.includes(id)), `no flood ids in ${seen.join(",")}`);
    }
    assert.deepEqual(watcher.closes, []);
  });

  it("limits WebSocket connections per IP with 4429", async () => {
    const server = await start({ WS_CONNECT_RATE_MAX: "3" });
    const pad = await createPad(server.url);
    const sockets = Array.from({ length: 3 }, () => rawSocket(wsUrl(server, pad.sessionId)));
    await Promise.all(sockets.map((socket) => socket.opened));
    const fourth = rawSocket(wsUrl(server, pad.sessionId));
    assert.equal((await fourth.closed).code, 4429);
    for (const socket of sockets) {
      assert.equal(socket.ws.readyState, socket.ws.OPEN);
      socket.ws.close();
    }
  });

  it("never lets the pad's text exceed MAX_CODE_SIZE: the update is refused with 4413, the others go on", async () => {
    const server = await start({ MAX_CODE_SIZE: "100" });
    const pad = await createPad(server.url, { code: "x".repeat(90) });
    const good = connect(server, pad.sessionId);
    const big = connect(server, pad.sessionId);
    await Promise.all([waitSynced(good), waitSynced(big)]);
    // Exactly MAX_CODE_SIZE bytes is allowed (8 + 2 bytes of "é")…
    big.doc.getText("code").insert(90, "12345678é");
    await waitUntil(() => good.text().length === 99, "the edit up to the limit to arrive");
    // …one byte more is not.
    big.doc.getText("code").insert(0, "!");
    await waitClosedWith(big, 4413);
    big.provider.disconnect();
    good.doc.getText("code").delete(0, 9);
    good.doc.getText("code").insert(0, "ok");
    const reader = connect(server, pad.sessionId);
    const expected = "ok" + "x".repeat(81) + "12345678é";
    await waitUntil(() => reader.text() === expected, "the pad without the refused edit");
    assert.equal(good.provider.wsconnected, true);

    // A frame over the message limit is refused the same way.
    const huge = rawSocket(wsUrl(server, pad.sessionId));
    await huge.opened;
    huge.ws.send(new Uint8Array(1024 * 1024 + 10));
    assert.equal((await huge.closed).code, 4413);
  });

  it("survives a seeded fuzz of random and mutated frames; a good client still syncs the exact document", async () => {
    const server = await start({ WS_MESSAGE_RATE_MAX: "100000" });
    const pad = await createPad(server.url, { code: "fuzz target\n" });
    const good = connect(server, pad.sessionId);
    await waitSynced(good);
    good.doc.getText("code").insert(0, "// kept\n");
    const expected = "// kept\nfuzz target\n";
    await waitUntil(async () => {
      const response = await fetch(`${server.url}/api/sessions/${pad.sessionId}`);
      return ((await response.json()) as { session: { code: string } }).session.code === expected;
    }, "the good edit to be on the server");

    // Valid frames to mutate: an update, a step 1, an awareness message.
    const source = new Y.Doc();
    source.getText("code").insert(0, "mutate me");
    const seeds = [
      updateFrame(Y.encodeStateAsUpdate(source)),
      Uint8Array.from([0, 0, 1, 0]),
      awarenessFrame(777, 1),
    ];
    let state = 20261124; // fixed seed: the same frames on every run
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const closeCodes = new Map<number, number>();
    for (let round = 0; round < 60; round++) {
      const seed = seeds[round % seeds.length] ?? new Uint8Array();
      let frame: Uint8Array;
      if (round % 4 === 0) {
        frame = Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () =>
          Math.floor(random() * 256),
        );
      } else {
        frame = Uint8Array.from(seed);
        const flips = 1 + Math.floor(random() * 4);
        for (let i = 0; i < flips; i++)
          frame[Math.floor(random() * frame.length)] = Math.floor(random() * 256);
        if (random() < 0.3) frame = frame.slice(0, Math.floor(random() * frame.length));
      }
      const socket = rawSocket(wsUrl(server, pad.sessionId));
      await socket.opened;
      socket.ws.send(frame);
      // Frames the server can take leave the socket open; close it ourselves after a moment.
      const outcome = await Promise.race([
        socket.closed,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 50)),
      ]);
      if (outcome === null) socket.ws.close();
      const code = outcome?.code ?? 1000;
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
    }
    for (const code of closeCodes.keys()) {
      assert.ok([1000, 1005, 4400].includes(code), `unexpected close code ${code}`);
    }
    assert.ok((closeCodes.get(4400) ?? 0) > 10, "malformed frames are refused with 4400");
    assert.equal(good.provider.wsconnected, true, "the good client was never disturbed");
    const late = connect(server, pad.sessionId);
    await waitSynced(late);
    // Mutated updates may be valid Yjs and land; the good text must still be there, intact.
    assert.ok(late.text().includes("// kept\n"), late.text());
    assert.ok(late.text().includes("fuzz target\n"));
    assert.equal(late.text(), good.text());
  });

  it("checks the Origin of browsers: its own and FRONTEND_URL pass, others get 4403; CORS follows", async () => {
    const server = await start({ FRONTEND_URL: "https://app.example.com" });
    const pad = await createPad(server.url);
    const allowed = rawSocket(wsUrl(server, pad.sessionId), { Origin: "https://app.example.com" });
    await allowed.opened;
    allowed.ws.close();
    const refused = rawSocket(wsUrl(server, pad.sessionId), { Origin: "https://evil.example" });
    assert.equal((await refused.closed).code, 4403);

    const preflight = (origin: string) =>
      fetch(`${server.url}/api/sessions`, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type",
        },
      });
    assert.equal(
      (await preflight("https://app.example.com")).headers.get("Access-Control-Allow-Origin"),
      "https://app.example.com",
    );
    assert.equal(
      (await preflight("https://evil.example")).headers.get("Access-Control-Allow-Origin"),
      null,
    );
    const page = await fetch(`${server.url}/api/languages`);
    const csp = page.headers.get("Content-Security-Policy") ?? "";
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /worker-src 'self' blob:/);
    assert.equal(page.headers.get("X-Content-Type-Options"), "nosniff");
  });

  it("expires a pad after SESSION_DURATION without activity: clients get 4410, REST 410, content deleted", async () => {
    const server = await start({ SESSION_DURATION: "2" });
    const pad = await createPad(server.url, { code: "short-lived" });
    const client = connect(server, pad.sessionId);
    await waitSynced(client);
    const closed = await waitClosedWith(client, 4410, 10_000);
    assert.ok(closed?.reason);
    const response = await fetch(`${server.url}/api/sessions/${pad.sessionId}`);
    assert.equal(response.status, 410);
    assert.equal(
      ((await response.json()) as { error: { type: string } }).error.type,
      "session_expired",
    );
    const health = await (await fetch(`${server.url}/api/sessions/${pad.sessionId}/health`)).json();
    assert.deepEqual(health, { success: true, exists: true, active: false, activeUsers: 0 });
    const late = rawSocket(wsUrl(server, pad.sessionId));
    assert.equal((await late.closed).code, 4410);
  });

  it("keeps a pad alive while people edit it", async () => {
    const server = await start({ SESSION_DURATION: "2" });
    const pad = await createPad(server.url);
    const client = connect(server, pad.sessionId);
    await waitSynced(client);
    const until = Date.now() + 3500;
    while (Date.now() < until) {
      client.doc.getText("code").insert(0, "a");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal((await fetch(`${server.url}/api/sessions/${pad.sessionId}`)).status, 200);
    assert.deepEqual(client.closes, []);
  });

  it("stores only a hash of the owner key, and the deleted pad's document is gone", async () => {
    const server = await start({});
    const pad = await createPad(server.url, { code: "secret stuff" });
    const deleted = await createPad(server.url, { code: "to delete" });
    await fetch(`${server.url}/api/sessions/${deleted.sessionId}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${deleted.ownerKey}` },
    });
    await server.close();
    const database = await openDatabase({
      databaseUrl: undefined,
      dataDir: server.dataDir,
      poolSize: 1,
    });
    try {
      const [row] = await database.db
        .select()
        .from(sessions)
        .where(eq(sessions.sessionId, pad.sessionId));
      assert.equal(row?.ownerKeyHash, createHash("sha256").update(pad.ownerKey).digest("hex"));
      assert.equal(JSON.stringify(row).includes(pad.ownerKey), false);
      const [gone] = await database.db
        .select()
        .from(sessions)
        .where(eq(sessions.sessionId, deleted.sessionId));
      assert.deepEqual([gone?.isActive, gone?.docState, gone?.code], [false, null, ""]);
    } finally {
      await database.close();
      await fs.rm(server.dataDir, { recursive: true, force: true });
    }
  });
});
