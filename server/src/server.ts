import path from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { SessionsRepo } from "./db/sessions-repo.ts";
import { createApp } from "./http/app.ts";
import { PadLifecycle } from "./pads/pad-lifecycle.ts";
import { ActivityRecorder } from "./persistence/activity-recorder.ts";
import { sweepExpiredPads, sweepIntervalMs } from "./persistence/expiry-sweep.ts";
import { loadMallocTrim } from "./memory/malloc-trim.ts";
import { exposedGc, QuietCollector } from "./memory/quiet-collector.ts";
import { PeriodicTask } from "./persistence/periodic-task.ts";
import { recoverUpdateLog } from "./persistence/recover-log.ts";
import { UpdateLog } from "./persistence/update-log.ts";
import { RoomRegistry } from "./rooms/registry.ts";
import { mergeStoredSnapshot } from "./scale-out/merge-stored-snapshot.ts";
import { RedisFanout } from "./scale-out/redis-fanout.ts";
import { attachWebSocketEndpoint } from "./ws/upgrade.ts";

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  /** The Hono app itself, for in-process requests (`app.request(path)`) without a socket. */
  readonly app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> };
  /** Snapshots every changed pad, closes sockets with 1001, closes storage. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Serve the built web app (the default); API-only servers in tests leave it out. */
  serveWeb?: boolean;
  log?: (message: string, error?: unknown) => void;
}

const defaultLog = (message: string, error?: unknown) => {
  if (error === undefined) console.log(message);
  else console.error(message, error);
};

/** Composition root: config → storage → rooms → HTTP app → WebSocket endpoint → timers. */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? defaultLog;
  const sessionDurationMs = config.sessionDurationSeconds * 1000;
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    log,
  });
  const updateLog = await UpdateLog.open(path.join(config.dataDir, "update-log"));
  // Scale-out: instances share live pads through Redis (and one database), and several of
  // them snapshot the same pad.
  const fanout =
    config.redisUrl === undefined ? undefined : await RedisFanout.connect(config.redisUrl, log);
  const repo = new SessionsRepo(database.db, fanout ? mergeStoredSnapshot : undefined);
  // Nobody typing for 10 s after pads let go of their documents: their garbage is collected,
  // here and on the embedded database's thread, which their snapshots and loads went through;
  // then the pages malloc kept free are given back to the system.
  const gc = exposedGc();
  const mallocTrim = await loadMallocTrim();
  const quietCollector = new QuietCollector(
    gc || mallocTrim
      ? () => {
          gc?.();
          void database
            .collectGarbage()
            .then(() => mallocTrim?.())
            .catch((error: unknown) => log("giving freed memory back failed", error));
        }
      : undefined,
    10_000,
  );
  const registry = new RoomRegistry({
    repo,
    updateLog,
    sessionDurationMs,
    maxCodeBytes: config.maxCodeSize,
    idleUnloadMs: 2_000,
    onReleased: () => quietCollector.noteReleased(),
    ...(fanout ? { fanout } : {}),
    log,
  });
  const lifecycle = new PadLifecycle(repo, registry, updateLog, sessionDurationMs, (padId) =>
    fanout?.publishEnded(padId),
  );
  if (fanout !== undefined) {
    fanout.onPadEnded = (padId) => {
      lifecycle.dropEndedPad(padId).catch((error: unknown) => {
        log(`pad ${padId}: ending it after another instance did failed`, error);
      });
    };
  }

  const recovered = await recoverUpdateLog(updateLog, registry, log);
  if (recovered > 0) log(`recovered ${recovered} pad(s) from the update log`);

  const endpointRef: { current?: ReturnType<typeof attachWebSocketEndpoint> } = {};
  const app = createApp({
    repo,
    registry,
    lifecycle,
    database,
    publicUrl: config.publicUrl,
    maxCodeSize: config.maxCodeSize,
    sessionDurationMs,
    trustProxy: config.trustProxy,
    frontendUrl: config.frontendUrl,
    apiRateLimitMax: config.apiRateLimitMax,
    rateLimitMaxRequests: config.rateLimitMaxRequests,
    rateLimitWindowMs: config.rateLimitWindowMs,
    webDistDir: options.serveWeb === false ? undefined : config.webDistDir,
    stats: () => ({
      rooms: [...registry.loadedRooms].length,
      /** Rooms with edits not yet in a database snapshot. */
      unsavedRooms: [...registry.loadedRooms].filter((room) => room.isDirty).length,
      /** Rooms with clients whose document is out of memory until someone edits or joins. */
      sleepingRooms: [...registry.loadedRooms].filter((room) => room.isSleeping).length,
      connections: endpointRef.current?.connectionCount ?? 0,
      // Scale-out: without Redis this instance still serves its own clients, alone.
      ...(fanout ? { redis: fanout.isConnected ? "ok" : "unreachable" } : {}),
    }),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const activity = new ActivityRecorder(repo, sessionDurationMs, 1_000, log);
  const endpoint = attachWebSocketEndpoint(server, {
    registry,
    activity,
    publicUrl: config.publicUrl,
    frontendUrl: config.frontendUrl,
    // A whole pad in one frame (a client's offline edits, sync step 2) must fit; Yjs
    // encodes text with some overhead, so allow a multiple of MAX_CODE_SIZE.
    maxMessageBytes: Math.max(config.maxCodeSize * 4, 1024 * 1024),
    sessionDurationMs,
    heartbeatMs: config.heartbeatIntervalSeconds * 1000,
    trustProxy: config.trustProxy,
    connectRateMax: config.wsConnectRateMax,
    messageRateMax: config.wsMessageRateMax,
    onClientMessage: () => quietCollector.noteMessage(),
    log,
  });
  endpointRef.current = endpoint;

  const snapshotIntervalMs = config.snapshotIntervalSeconds * 1000;
  const snapshots = new PeriodicTask(
    // Spread over half the interval: hundreds of pads saved in one burst stall typing on all.
    (signal) => registry.snapshotAll({ spreadMs: snapshotIntervalMs / 2, signal }),
    snapshotIntervalMs,
    log,
    "snapshot",
  );
  const idleDocTimeoutMs = config.idleDocTimeoutSeconds * 1000;
  const hibernation = new PeriodicTask(
    () => registry.hibernateIdle(idleDocTimeoutMs),
    Math.max(1_000, idleDocTimeoutMs / 2),
    log,
    "hibernation",
  );
  const quietCollection = new PeriodicTask(
    () => {
      quietCollector.collectIfQuiet();
      return Promise.resolve();
    },
    5_000,
    log,
    "quiet collection",
  );
  const expiry = new PeriodicTask(
    async () => {
      await sweepExpiredPads(repo, lifecycle);
    },
    sweepIntervalMs(config.sessionDurationSeconds),
    log,
    "expiry sweep",
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  snapshots.start();
  if (idleDocTimeoutMs > 0) hibernation.start();
  expiry.start();
  quietCollection.start();
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = async () => {
    server.close(); // no new connections; open ones are closed below
    endpoint.close();
    await Promise.all([
      snapshots.stop(),
      hibernation.stop(),
      expiry.stop(),
      quietCollection.stop(),
    ]);
    await registry.closeAll();
    await fanout?.shutdown();
    server.closeAllConnections();
    await activity.close();
    await updateLog.close();
    await database.close();
  };
  return {
    port,
    app,
    url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`,
    close: () => (closing ??= close()),
  };
}
