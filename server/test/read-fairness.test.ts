import assert from "node:assert/strict";
import type { AddressInfo, Socket } from "node:net";
import { describe, it } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import type { Room } from "../src/rooms/room.ts";
import { Connection } from "../src/ws/connection.ts";
import { ReadTurns } from "../src/ws/read-turns.ts";
import { SocketWrites } from "../src/ws/socket-writes.ts";

const FRAME_BYTES = 40;
const FRAMES = 50_000; // 2 MB: what libuv would read in one go (32 reads of 64 KiB)

/**
 * A client streams 2 MB of small frames at once. The server's connection hands them to the
 * room in order, but pauses its socket once it has had its share of a turn: without that,
 * libuv reads the socket up to 32 times before it looks at any other, and the other pads
 * wait (400 ms in the benchmark's burst). How much the kernel holds for one read loop
 * depends on its buffers, so the pause itself is what this checks, with the order.
 */
describe("a streaming client", () => {
  it("has its frames handled in order, a bounded share per turn of the event loop", async () => {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    let turn = 0;
    const tick = () => {
      turn++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    const bytesPerTurn = new Map<number, number>();
    const received: number[] = [];
    let handledWhilePaused = 0;
    const allReceived = new Promise<void>((resolve) => {
      wss.on("connection", (ws) => {
        const connection = new Connection(ws, {
          messagesPerSecond: 1_000_000,
          maxMessageBytes: 1_000_000,
          socketWrites: new SocketWrites(),
          readTurns: new ReadTurns(),
          log: () => undefined,
        });
        // A room that records what it is handed, and when.
        const recordingRoom = {
          join: () => undefined,
          receive: (_member: unknown, frame: Uint8Array) => {
            if (ws.isPaused) handledWhilePaused++;
            received.push(new DataView(frame.buffer, frame.byteOffset).getUint32(0));
            bytesPerTurn.set(turn, (bytesPerTurn.get(turn) ?? 0) + frame.byteLength);
            if (received.length === FRAMES) resolve();
            return "effective" as const;
          },
        };
        connection.attach(recordingRoom as unknown as Room);
      });
    });
    const { port } = wss.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    try {
      await new Promise((resolve, reject) => {
        client.once("open", resolve);
        client.once("error", reject);
      });
      const socket = (client as unknown as { _socket: Socket })._socket;
      socket.cork();
      for (let i = 0; i < FRAMES; i++) {
        const frame = new Uint8Array(FRAME_BYTES);
        new DataView(frame.buffer).setUint32(0, i);
        client.send(frame);
      }
      socket.uncork();
      await allReceived;
      assert.deepEqual(
        received,
        Array.from({ length: FRAMES }, (_, i) => i),
      );
      // A turn handles what it had read when the socket was paused: at most two reads of
      // 64 KiB (the one that crossed the share, and one libuv had already asked for).
      const most = Math.max(...bytesPerTurn.values());
      assert.ok(most <= 2 * 64 * 1024 + FRAME_BYTES, `${most} bytes handled in one turn`);
      assert.ok(bytesPerTurn.size > 10, `${bytesPerTurn.size} turns`);
      // The frames of a read that crossed the share are handled with the socket paused.
      assert.ok(handledWhilePaused > 0, "the socket was never paused");
    } finally {
      done = true;
      client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});
