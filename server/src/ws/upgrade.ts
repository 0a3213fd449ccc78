import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { WebSocketServer, type WebSocket } from "ws";
import { CloseCodes, isValidSessionId } from "@codepad/shared";
import type { ActivityRecorder } from "../persistence/activity-recorder.ts";
import { clientIp } from "../http/client-ip.ts";
import { PadGoneError, PadNotFoundError } from "../rooms/pad-loader.ts";
import type { RoomRegistry } from "../rooms/registry.ts";
import type { Room } from "../rooms/room.ts";
import { Connection } from "./connection.ts";
import { ReadTurns } from "./read-turns.ts";
import { SocketWrites } from "./socket-writes.ts";
import { createOriginPolicy } from "./origin-policy.ts";

export interface WebSocketEndpointOptions {
  registry: RoomRegistry;
  activity: ActivityRecorder;
  publicUrl: string;
  frontendUrl: string | undefined;
  /** Largest message handled; larger ones close the socket with 4413. */
  maxMessageBytes: number;
  sessionDurationMs: number;
  /** How often the server pings; a client that missed one ping is dropped. */
  heartbeatMs: number;
  trustProxy: boolean;
  /** Connections accepted per client IP per minute (WS_CONNECT_RATE_MAX). */
  connectRateMax: number;
  /** Messages accepted per connection per second (WS_MESSAGE_RATE_MAX). */
  messageRateMax: number;
  /** Called for every frame a client sends. */
  onClientMessage?: () => void;
  log: (message: string, error?: unknown) => void;
}

export interface WebSocketEndpoint {
  readonly connectionCount: number;
  /** Stops the heartbeat; the rooms close their sockets themselves. */
  close(): void;
}

const PATH_PREFIX = "/ws/";
/**
 * Each heartbeat tick pings one slice of the sockets: pinging 5,000 in one turn held the
 * event loop for ~50 ms every 30 s, which every typist on the instance felt. With ten
 * slices, 10,000 sockets still meant 1,000 pings a tick, a 20 ms stall every 3 s in the
 * scale benchmark's profile; a hundredth is 100 pings, about 2 ms, every 300 ms.
 */
const HEARTBEAT_SLICES = 100;

/**
 * Serves `/ws/<sessionId>` on the HTTP server's upgrade event. Every socket is accepted and
 * then checked at the door (id, origin, existence, expiry) before it joins a room: a
 * refusal is a close code the browser can show, where a refused upgrade is a bare 1006.
 */
export function attachWebSocketEndpoint(
  server: Server,
  options: WebSocketEndpointOptions,
): WebSocketEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    // No compression: Connection writes whole frames to the socket itself (see
    // wire-frame.ts), which a deflating ws sender would not expect.
    perMessageDeflate: false,
    // ws itself drops (1009) frames far over our limit before buffering all of them; just
    // over it, we close with the contract's 4413 and a reason.
    maxPayload: options.maxMessageBytes * 2,
  });
  const isOriginAllowed = createOriginPolicy(options);
  const socketWrites = new SocketWrites();
  const readTurns = new ReadTurns();
  /** Every open socket, in the heartbeat slice it is pinged in. */
  const heartbeatSlices = Array.from({ length: HEARTBEAT_SLICES }, () => new Set<Connection>());
  let connectionCount = 0;
  let connectionsAccepted = 0;
  // Reconnect storms and scripted floods are cut off per address; browsers back off on 4429.
  const connectLimiter = new RateLimiterMemory({
    keyPrefix: "ws-connect",
    points: options.connectRateMax,
    duration: 60,
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pathname = (request.url ?? "").split("?")[0] ?? "";
    if (!pathname.startsWith(PATH_PREFIX)) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const padId = decodeURIComponent(pathname.slice(PATH_PREFIX.length));
      void admit(ws, request, padId);
    });
  };

  async function admit(ws: WebSocket, request: IncomingMessage, padId: string): Promise<void> {
    const connection = new Connection(ws, {
      // A person typing fast with a moving cursor sends a few dozen messages a second.
      messagesPerSecond: options.messageRateMax,
      maxMessageBytes: options.maxMessageBytes,
      socketWrites,
      readTurns,
      onClientMessage: options.onClientMessage,
      log: options.log,
    });
    const heartbeatSlice = heartbeatSlices[
      connectionsAccepted++ % HEARTBEAT_SLICES
    ] as Set<Connection>;
    heartbeatSlice.add(connection);
    connectionCount++;
    /** Set once the client is in its room: leaving it is then part of closing. */
    let joinedRoom: Room | undefined = undefined;
    // One listener for all of it: each of 10,000 sockets keeps its listeners for life, and
    // a `once` wrapper is three more objects for every full collection to mark.
    ws.on("close", () => {
      heartbeatSlice.delete(connection);
      connectionCount--;
      if (joinedRoom === undefined) return;
      joinedRoom.leave(connection);
      options.registry.release(joinedRoom);
      options.activity.left(padId, connection.user, joinedRoom.memberCount);
    });
    if (!isValidSessionId(padId)) return connection.close(CloseCodes.malformed);
    if (!isOriginAllowed(request)) return connection.close(CloseCodes.forbidden);
    const ip = clientIp(
      headerValue(request.headers["x-forwarded-for"]),
      request.socket.remoteAddress,
      options.trustProxy,
    );
    try {
      await connectLimiter.consume(ip);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return connection.close(CloseCodes.tooManyRequests);
      throw rejection;
    }

    let room;
    try {
      room = await options.registry.acquire(padId);
    } catch (error) {
      if (error instanceof PadNotFoundError) return connection.close(CloseCodes.notFound);
      if (error instanceof PadGoneError) return connection.close(CloseCodes.gone);
      options.log(`pad ${padId}: load failed`, error);
      return connection.close(CloseCodes.internalError);
    }
    if (!connection.isOpen) {
      options.registry.release(room);
      return;
    }
    joinedRoom = room;
    connection.attach(room);
    options.activity.joined(padId, room.memberCount);
  }

  let heartbeatTicks = 0;
  const heartbeat = setInterval(() => {
    const slice = heartbeatSlices[heartbeatTicks++ % HEARTBEAT_SLICES] as Set<Connection>;
    for (const connection of slice) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }, options.heartbeatMs / HEARTBEAT_SLICES);
  heartbeat.unref();

  server.on("upgrade", onUpgrade);
  return {
    get connectionCount() {
      return connectionCount;
    },
    close() {
      clearInterval(heartbeat);
      server.off("upgrade", onUpgrade);
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
