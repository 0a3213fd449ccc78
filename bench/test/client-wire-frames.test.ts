import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { WebSocketServer, type RawData } from "ws";
import { clientWireFrames } from "../src/load/client-wire-frames.ts";
import { PadClient } from "../src/load/pad-client.ts";

test(
  "frames written by clientWireFrames arrive at a ws server as the same messages",
  { timeout: 10_000 },
  async () => {
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    const received: Buffer[] = [];
    const payloads = [
      new Uint8Array([0, 2, 1, 7]), // one-key sized: 7-bit length
      new Uint8Array(300).fill(3), // 16-bit length
      new Uint8Array(70_000).map((_, i) => i % 251), // 64-bit length
    ];
    const allReceived = new Promise<void>((resolve) => {
      server.on("connection", (socket) => {
        socket.on("message", (data: RawData) => {
          received.push(data as Buffer);
          if (received.length === payloads.length) resolve();
        });
      });
    });
    const { port } = server.address() as AddressInfo;
    const client = await PadClient.open({
      url: `ws://127.0.0.1:${port}`,
      dialect: "relay",
      padId: "wire",
    });
    try {
      client.writeWire(clientWireFrames(payloads));
      // A frame ws cannot parse closes the socket instead: fail then, rather than hang.
      await Promise.race([
        allReceived,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`only ${received.length} arrived`)), 5_000).unref(),
        ),
      ]);
      assert.deepEqual(
        received.map((message) => new Uint8Array(message)),
        payloads,
      );
    } finally {
      client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  },
);
