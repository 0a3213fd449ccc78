import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { RoomFanout } from "../rooms/registry.ts";
import type { Room } from "../rooms/room.ts";
import { encodeAwareness } from "../ws/frames.ts";
import { decodeFanoutMessage, encodeFanoutMessage, type FanoutMessage } from "./fanout-messages.ts";

/** Prefix of every channel, so that Codepad shares a Redis server with other programs. */
const CHANNEL_PREFIX = "codepad:";
const padChannel = (padId: string) => `${CHANNEL_PREFIX}pad:${padId}`;
const instanceChannel = (instanceId: string) => `${CHANNEL_PREFIX}instance:${instanceId}`;

/**
 * How long a room that opens waits for the instances holding its pad to answer. One that
 * does not answer in time (its event loop is stalled, it is going down) is not waited for:
 * its later updates still arrive, and what it had before reaches the room's clients
 * through its own clients' next sync.
 */
const SYNC_TIMEOUT_MS = 2_000;

/** Request id of the sync requests sent after a reconnection (nobody waits for answers). */
const RESYNC = 0;

/** How long shutdown waits for Redis to acknowledge QUIT. */
const QUIT_TIMEOUT_MS = 1_000;

interface PendingSync {
  remaining: number;
  done: () => void;
}

/**
 * Instances share live pads through Redis pub/sub (REDIS_URL). Each instance subscribes to
 * the channel of every pad it holds live and publishes there what its own clients change,
 * once it is in its update log and applied: updates and awareness. A room that opens asks
 * the instances already holding the pad for what it lacks and waits for their answers, so
 * a client never syncs with less than the other instances' clients see. Deleting or expiring
 * a pad on one instance closes its clients on all of them.
 *
 * Durability stays per instance: an update is in the log of the instance its client sent it
 * to before any instance forwards it, every instance that holds it snapshots it into the
 * shared database, and a restarted instance folds its own log in. The instances must share
 * one PostgreSQL database (DATABASE_URL).
 */
export class RedisFanout implements RoomFanout {
  private readonly instanceId = randomUUID();
  private readonly ownChannel = instanceChannel(this.instanceId);
  private readonly rooms = new Map<string, Room>();
  private readonly syncs = new Map<number, PendingSync>();
  private nextRequestId = 1;
  private closing = false;
  /** Told when another instance ended a pad (deleted or expired) that this one holds. */
  onPadEnded: (padId: string) => void = () => {};

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    subscriber.on("messageBuffer", (channel: Buffer, payload: Buffer) => {
      this.onMessage(channel.toString(), payload);
    });
    for (const connection of [publisher, subscriber]) {
      connection.on("error", (error: unknown) => {
        if (!this.closing) log("redis connection error", error);
      });
    }
    // Constructed once connected, so every "ready" from here on is a reconnection: what
    // other instances published meanwhile never reached us.
    subscriber.on("ready", () => {
      this.resyncAll().catch((error: unknown) => {
        if (!this.closing) log("redis: catching up after a reconnection failed", error);
      });
    });
  }

  /** Connects to Redis; rejects (and the server does not start) when it cannot. */
  static async connect(
    url: string,
    log: (message: string, error?: unknown) => void,
  ): Promise<RedisFanout> {
    const publisher = new Redis(url, { lazyConnect: true });
    const subscriber = new Redis(url, { lazyConnect: true });
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw new Error(`cannot connect to REDIS_URL: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const fanout = new RedisFanout(publisher, subscriber, log);
    await subscriber.subscribe(fanout.ownChannel);
    return fanout;
  }

  /** Whether both connections to Redis are up (reported by /api/health). */
  get isConnected(): boolean {
    return this.publisher.status === "ready" && this.subscriber.status === "ready";
  }

  async open(room: Room): Promise<void> {
    const channel = padChannel(room.padId);
    this.rooms.set(room.padId, room);
    // Subscribed first: whatever is published from here on reaches the room, and what was
    // published before is in the answers to the request below.
    await this.subscriber.subscribe(channel);
    const peers = (await this.subscriberCount(channel)) - 1;
    if (peers > 0) await this.requestSync(room, peers);
  }

  close(room: Room): void {
    if (this.rooms.get(room.padId) !== room) return;
    this.rooms.delete(room.padId);
    this.subscriber.unsubscribe(padChannel(room.padId)).catch((error: unknown) => {
      this.log(`pad ${room.padId}: redis unsubscribe failed`, error);
    });
  }

  async peersHold(padId: string): Promise<boolean> {
    const own = this.rooms.has(padId) ? 1 : 0;
    return (await this.subscriberCount(padChannel(padId))) > own;
  }

  publishUpdate(padId: string, update: Uint8Array): void {
    this.publish(padChannel(padId), { kind: "update", from: this.instanceId, update });
  }

  publishAwareness(padId: string, frame: Uint8Array): void {
    this.publish(padChannel(padId), { kind: "awareness", from: this.instanceId, frame });
  }

  publishEnded(padId: string): void {
    this.publish(padChannel(padId), { kind: "ended", from: this.instanceId });
  }

  async shutdown(): Promise<void> {
    this.closing = true;
    for (const pending of this.syncs.values()) pending.done();
    this.syncs.clear();
    // QUIT waits for Redis to answer; with Redis down it would hold up the exit (the pads
    // are saved by now), so it gets a second and then the sockets are closed.
    const quit = Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
    await Promise.race([quit, sleep(QUIT_TIMEOUT_MS)]);
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }

  private async subscriberCount(channel: string): Promise<number> {
    const reply = (await this.publisher.pubsub("NUMSUB", channel)) as [string, number | string];
    return Number(reply[1]);
  }

  /** Asks the `peers` instances holding the room's pad for what it lacks; waits for them. */
  private requestSync(room: Room, peers: number): Promise<void> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const pending = this.syncs.get(requestId);
        this.syncs.delete(requestId);
        this.log(
          `pad ${room.padId}: ${pending?.remaining ?? 0} of ${peers} instance(s) did not answer in ${SYNC_TIMEOUT_MS} ms`,
        );
        resolve();
      }, SYNC_TIMEOUT_MS);
      this.syncs.set(requestId, {
        remaining: peers,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      this.askPeers(room, requestId);
    });
  }

  /**
   * After a Redis outage: every room asks again for what it may have missed (request id
   * RESYNC). Listening again comes first, or the answers could arrive before we do. Another
   * instance that was reconnecting too may miss this request; it sends its own when it is
   * back, and answering a RESYNC request also asks for what the answerer missed.
   */
  private async resyncAll(): Promise<void> {
    const rooms = [...this.rooms.values()];
    await this.subscriber.subscribe(
      this.ownChannel,
      ...rooms.map((room) => padChannel(room.padId)),
    );
    for (const room of rooms) this.askPeers(room, RESYNC);
  }

  /** Publishes a sync request; answers to an id nobody waits for are applied all the same. */
  private askPeers(room: Room, requestId: number): void {
    this.publish(padChannel(room.padId), {
      kind: "syncRequest",
      from: this.instanceId,
      requestId,
      stateVector: room.stateVector(),
    });
  }

  private publish(channel: string, message: FanoutMessage): void {
    const bytes = encodeFanoutMessage(message);
    this.publisher
      .publish(channel, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      .catch((error: unknown) => {
        if (!this.closing) this.log(`redis publish on ${channel} failed`, error);
      });
  }

  private onMessage(channel: string, payload: Buffer): void {
    let message: FanoutMessage;
    try {
      message = decodeFanoutMessage(payload);
    } catch (error) {
      this.log(`ignored a message on ${channel} that is not Codepad's`, error);
      return;
    }
    if (message.from === this.instanceId) return;
    if (message.kind === "syncReply") {
      this.onSyncReply(message);
      return;
    }
    const padId = channel.slice(padChannel("").length);
    const room = this.rooms.get(padId);
    if (room === undefined) return; // it left this instance while the message was under way
    try {
      switch (message.kind) {
        case "update":
          room.applyRemoteUpdate(message.update);
          break;
        case "awareness":
          room.applyRemoteAwareness(message.frame);
          break;
        case "syncRequest":
          this.answerSyncRequest(room, message.from, message.requestId, message.stateVector);
          // The requester was cut off from Redis; so, perhaps, were we.
          if (message.requestId === RESYNC) this.askPeers(room, this.nextRequestId++);
          break;
        case "ended":
          this.onPadEnded(padId);
          break;
      }
    } catch (error) {
      this.log(`pad ${padId}: a message from another instance was not applied`, error);
    }
  }

  private answerSyncRequest(
    room: Room,
    requester: string,
    requestId: number,
    stateVector: Uint8Array,
  ): void {
    room.stateForPeer(stateVector).then(
      ({ update, awareness }) => {
        this.publish(instanceChannel(requester), {
          kind: "syncReply",
          from: this.instanceId,
          padId: room.padId,
          requestId,
          update,
          awareness,
        });
      },
      (error: unknown) => {
        this.log(`pad ${room.padId}: answering another instance's sync failed`, error);
      },
    );
  }

  private onSyncReply(message: Extract<FanoutMessage, { kind: "syncReply" }>): void {
    const room = this.rooms.get(message.padId);
    if (room !== undefined) {
      try {
        room.applyRemoteUpdate(message.update);
        if (message.awareness !== null)
          room.applyRemoteAwareness(encodeAwareness(message.awareness));
      } catch (error) {
        this.log(`pad ${message.padId}: another instance's sync did not apply`, error);
      }
    }
    const pending = this.syncs.get(message.requestId);
    if (pending === undefined) return;
    pending.remaining -= 1;
    if (pending.remaining <= 0) {
      this.syncs.delete(message.requestId);
      pending.done();
    }
  }
}
