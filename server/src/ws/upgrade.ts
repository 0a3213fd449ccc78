import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { CloseCodes, isValidSessionId } from "@codepad/shared";
import type { SessionsRepo } from "../db/sessions-repo.ts";
import { PadGoneError, PadNotFoundError, type RoomRegistry } from "../rooms/registry.ts";
import { Connection } from "./connection.ts";
import { createOriginPolicy } from "./origin-policy.ts";

export interface WebSocketEndpointOptions {
  registry: RoomRegistry;
  repo: SessionsRepo;
  publicUrl: string;
  frontendUrl: string | undefined;
  maxPayloadBytes: number;
  sessionDurationMs: number;
  /** How often the server pings; a client that missed one ping is dropped. */
  heartbeatMs: number;
  log: (message: string, error?: unknown) => void;
}

export interface WebSocketEndpoint {
  readonly connectionCount: number;
  /** Stops the heartbeat; the rooms close their sockets themselves. */
  close(): void;
}

const PATH_PREFIX = "/ws/";

/**
 * Serves `/ws/<sessionId>` on the HTTP server's upgrade event. Every socket is accepted and
 * then checked at the door (id, origin, existence, expiry) before it joins a room: a
 * refusal is a close code the browser can show, where a refused upgrade is a bare 1006.
 */
export function attachWebSocketEndpoint(
  server: Server,
  options: WebSocketEndpointOptions,
): WebSocketEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const isOriginAllowed = createOriginPolicy(options);
  const connections = new Set<Connection>();

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
    const connection = new Connection(ws, options.log);
    connections.add(connection);
    ws.once("close", () => connections.delete(connection));
    if (!isValidSessionId(padId)) return connection.close(CloseCodes.malformed);
    if (!isOriginAllowed(request)) return connection.close(CloseCodes.forbidden);

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
    const joinedRoom = room;
    ws.once("close", () => {
      joinedRoom.leave(connection);
      options.registry.release(joinedRoom);
      const user = connection.user;
      void options.repo
        .insertActivity([
          { sessionId: padId, type: "leave", userId: user?.id ?? null, userName: user?.name ?? null },
        ])
        .then(() => options.repo.setActiveUsers(padId, joinedRoom.memberCount))
        .catch(() => undefined); // the pad may be gone; activity is best effort
    });
    connection.attach(joinedRoom);
    const now = new Date();
    options.repo
      .recordJoin(padId, now, new Date(now.getTime() + options.sessionDurationMs), joinedRoom.memberCount, {})
      .catch((error: unknown) => options.log(`pad ${padId}: recording a join failed`, error));
  }

  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  server.on("upgrade", onUpgrade);
  return {
    get connectionCount() {
      return connections.size;
    },
    close() {
      clearInterval(heartbeat);
      server.off("upgrade", onUpgrade);
    },
  };
}
