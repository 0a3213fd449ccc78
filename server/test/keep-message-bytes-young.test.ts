import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import { keepMessageBytesYoung } from "../src/ws/keep-message-bytes-young.ts";

/** A ws server whose sockets get keepMessageBytesYoung, and a client connected to it. */
async function connectedPair(): Promise<{
  server: WebSocketServer;
  serverSide: WebSocket;
  client: WebSocket;
  close: () => Promise<void>;
}> {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const serverSide = new Promise<WebSocket>((resolve) =>
    server.once("connection", (ws) => {
      keepMessageBytesYoung(ws);
      resolve(ws);
    }),
  );
  const { port } = server.address() as AddressInfo;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise<void>((resolve, reject) => {
    client.once("open", () => resolve());
    client.once("error", reject);
  });
  return {
    server,
    serverSide: await serverSide,
    client,
    close: async () => {
      client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test("ws still keeps a message's frames in the receiver's _fragments array", async () => {
  // keepMessageBytesYoung relies on this private state of ws 8.x; an upgrade that changes it
  // must fail here rather than silently bring the old-generation garbage back.
  const { serverSide, close } = await connectedPair();
  try {
    const internals = serverSide as unknown as { _receiver: { _fragments: unknown } };
    assert.ok(Array.isArray(internals._receiver._fragments));
  } finally {
    await close();
  }
});

test("whole and fragmented messages arrive intact, in order, when the array is swapped", async () => {
  const { serverSide, client, close } = await connectedPair();
  try {
    const received: Buffer[] = [];
    const allArrived = new Promise<void>((resolve) =>
      serverSide.on("message", (data: Buffer) => {
        received.push(data);
        if (received.length === 3) resolve();
      }),
    );
    client.send(Buffer.from("whole"));
    // One message in three frames, each its own socket write: the receiver holds the first
    // frames in _fragments while the next reads arrive.
    client.send(Buffer.from("frag"), { fin: false });
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.send(Buffer.from("men"), { fin: false });
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.send(Buffer.from("ted"), { fin: true });
    client.send(Buffer.from("after"));
    await allArrived;
    assert.deepEqual(
      received.map((data) => data.toString()),
      ["whole", "fragmented", "after"],
    );
  } finally {
    await close();
  }
});
