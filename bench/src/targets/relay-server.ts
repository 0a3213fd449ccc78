/**
 * The ceiling of this machine: a plain `ws` relay that forwards each binary message to the
 * other sockets of the same room, with no Yjs at all. Writes are coalesced per event-loop
 * turn (frames stay separate WebSocket messages; each socket gets one corked write), which
 * is what lifts a relay from ~14,000 to over 200,000 messages/s here.
 * Run as a child process by the bench: `node --import tsx relay-server.ts <port>`.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { WebSocketServer, WebSocket, type RawData } from "ws";

const port = Number(process.argv[2]);
if (!Number.isInteger(port)) throw new Error("usage: relay-server.ts <port>");

interface Peer {
  ws: WebSocket;
  outbox: Buffer[];
}

const rooms = new Map<string, Set<Peer>>();

function flush(peer: Peer): void {
  const frames = peer.outbox;
  peer.outbox = [];
  if (peer.ws.readyState !== WebSocket.OPEN) return;
  // ws keeps its socket private; corking it turns the frames of this turn into one writev.
  const socket = (peer.ws as unknown as { _socket?: Socket })._socket;
  socket?.cork();
  for (const frame of frames) peer.ws.send(frame);
  socket?.uncork();
}

const server = http.createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end("relay");
});
const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
server.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    const roomName = request.url ?? "/";
    let room = rooms.get(roomName);
    if (room === undefined) {
      room = new Set();
      rooms.set(roomName, room);
    }
    const peer: Peer = { ws, outbox: [] };
    room.add(peer);
    const members = room;
    ws.on("message", (data: RawData, isBinary) => {
      if (!isBinary || !Buffer.isBuffer(data)) return;
      for (const other of members) {
        if (other === peer) continue;
        other.outbox.push(data);
        if (other.outbox.length === 1) setImmediate(flush, other);
      }
    });
    ws.on("close", () => {
      members.delete(peer);
      if (members.size === 0) rooms.delete(roomName);
    });
    ws.on("error", () => ws.terminate());
  });
});
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
