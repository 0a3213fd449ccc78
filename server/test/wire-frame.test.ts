import assert from "node:assert/strict";
import type { AddressInfo, Socket } from "node:net";
import { describe, it } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import { wireFrame, wireFrames } from "../src/ws/wire-frame.ts";

/** Every length encoding of RFC 6455 (7-bit, 16-bit, 64-bit), at and around its limits. */
const SIZES = [0, 1, 125, 126, 127, 65_535, 65_536, 300_000];

type Writer = (socket: Socket, payloads: Uint8Array[]) => void;

/** Sends `payloads` with `write` from a ws server and returns what a ws client received. */
async function receivedFrom(
  write: Writer,
  payloads: Uint8Array[],
): Promise<{ data: Buffer; isBinary: boolean }[]> {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  server.on("connection", (ws) => write((ws as unknown as { _socket: Socket })._socket, payloads));
  const { port } = server.address() as AddressInfo;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: { data: Buffer; isBinary: boolean }[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      client.on("error", reject);
      client.on("close", (code) => reject(new Error(`closed with ${code}`)));
      client.on("message", (data: Buffer, isBinary) => {
        received.push({ data, isBinary });
        if (received.length === payloads.length) resolve();
      });
    });
    return received;
  } finally {
    client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const corkedFrames: Writer = (socket, payloads) => {
  socket.cork();
  for (const payload of payloads) socket.write(wireFrame(payload));
  socket.uncork();
};

const framesInOneBuffer: Writer = (socket, payloads) => {
  socket.write(wireFrames(payloads));
};

describe("wire frames", () => {
  const payloads = SIZES.map((size) => Uint8Array.from({ length: size }, (_, i) => i % 251));

  for (const [name, write] of [
    ["one buffer per frame", corkedFrames],
    ["all frames in one buffer", framesInOneBuffer],
  ] as const) {
    it(`are read back by ws as the same binary messages, in order, for every length encoding (${name})`, async () => {
      const received = await receivedFrom(write, payloads);
      assert.deepEqual(
        received.map(({ data, isBinary }) => [data.byteLength, isBinary]),
        SIZES.map((size) => [size, true]),
      );
      received.forEach(({ data }, i) => assert.ok(data.equals(payloads[i]!), `payload ${i}`));
    });
  }
});
