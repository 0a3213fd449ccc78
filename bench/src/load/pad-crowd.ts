import * as Y from "yjs";
import type { RunningTarget } from "../targets/target.ts";
import { connectMany, type ConnectResult } from "./connect-many.ts";
import { LatencyProbe } from "./latency-probe.ts";
import type { PadClientOptions } from "./pad-client.ts";
import { seededRandom } from "./random.ts";
import { SendTimes } from "./send-times.ts";
import { Typist } from "./typist.ts";

export interface CrowdOptions {
  pads: number;
  clientsPerPad: number;
  typistsPerPad: number;
  seed: number;
  concurrency?: number;
}

export interface Crowd {
  connect: ConnectResult;
  typists: Typist[];
  probe: LatencyProbe;
  /** One typist per pad: nobody changes a typist's text but itself (see Typist.prepare). */
  typistsAlone: boolean;
  /** From now on, measure (and count the keys that should arrive). */
  startRecording(): void;
  /** Deliveries the keys typed since startRecording should make: the others of their pad. */
  expectedDeliveries(): number;
}

/**
 * Pads full of clients: the first `typistsPerPad` of each pad hold a document (they type
 * into the live text), the others only watch. Every client measures latency.
 */
export async function openCrowd(running: RunningTarget, options: CrowdOptions): Promise<Crowd> {
  const padIds = await running.createPads(options.pads);
  const probe = new LatencyProbe(new SendTimes());
  const requests: PadClientOptions[] = [];
  for (const padId of padIds) {
    for (let i = 0; i < options.clientsPerPad; i++) {
      const doc = i < options.typistsPerPad ? new Y.Doc() : undefined;
      requests.push({
        url: running.padUrl(padId),
        dialect: running.target.dialect,
        padId,
        doc,
        applyRemote: true,
        ...probe.handlers(doc?.clientID ?? null),
      });
    }
  }
  const connect = await connectMany(requests, options.concurrency);
  const random = seededRandom(options.seed);
  const typists: Typist[] = [];
  connect.byIndex.forEach((client, index) => {
    if (client?.doc !== undefined && index % options.clientsPerPad < options.typistsPerPad) {
      typists.push(
        new Typist(client, probe.sendTimes, seededRandom(Math.floor(random() * 2 ** 31))),
      );
    }
  });
  const keysAtStart = new Map<Typist, number>();
  return {
    connect,
    typists,
    probe,
    typistsAlone: options.typistsPerPad === 1,
    startRecording: () => {
      for (const typist of typists) keysAtStart.set(typist, typist.keysSent);
      probe.startRecording();
    },
    expectedDeliveries: () => {
      // Each key reaches the other synced clients of its pad.
      const typistOf = new Map(typists.map((typist) => [typist.client, typist]));
      let expected = 0;
      for (let pad = 0; pad < options.pads; pad++) {
        const members = connect.byIndex
          .slice(pad * options.clientsPerPad, (pad + 1) * options.clientsPerPad)
          .filter((client) => client !== undefined);
        for (const member of members) {
          const typist = typistOf.get(member);
          if (typist !== undefined) {
            const keys = typist.keysSent - (keysAtStart.get(typist) ?? 0);
            expected += keys * (members.length - 1);
          }
        }
      }
      return expected;
    },
  };
}
