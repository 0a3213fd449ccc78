import * as Y from "yjs";
import { closeAll, connectMany } from "./connect-many.ts";
import { EditCounter } from "./edit-counter.ts";
import { PadClient } from "./pad-client.ts";
import { CpuMeter, SelfCpuMeter } from "./proc-stats.ts";
import type { Scenario } from "./scenario.ts";
import { sleep } from "./typist.ts";

const WRITERS = 10;
/** Updates a writer may have on the way (sent, not yet seen by any other client). */
const WINDOW = 256;
const DRAIN_TIMEOUT_MS = 20_000;
const GROUP = "throughput, 1 pad, 10 writers";

/**
 * 10 writers on one pad, each sending one-character updates as fast as its window allows,
 * for 10 s: updates accepted (seen back through the server) and delivered per second,
 * then every update accounted for at every other writer and the server's document equal
 * to the union of the writers' documents.
 */
export const throughput: Scenario = {
  name: "throughput",
  async run(ctx) {
    const { running } = ctx;
    const durationMs = ctx.quick ? 3_000 : 10_000;
    const [padId] = await running.createPads(1);
    if (padId === undefined) throw new Error("no pad");
    const counter = new EditCounter();
    const docs = Array.from({ length: WRITERS }, () => new Y.Doc());
    const connect = await connectMany(
      docs.map((doc, i) => ({
        url: running.padUrl(padId),
        dialect: running.target.dialect,
        padId,
        doc,
        // Writers do not apply each other's updates: the load generator's core is kept for
        // sending and counting. The server's copy is checked against the union at the end.
        applyRemote: false,
        onUpdate: counter.receiverHandler(i, doc.clientID),
      })),
    );
    if (connect.failures.length > 0) throw new Error(`writers failed: ${connect.failures[0]}`);
    const writers = connect.clients;
    const byClientId = new Map(writers.map((client) => [client.doc?.clientID ?? -1, client]));
    let sending = true;
    const pump = (client: PadClient) => {
      const doc = client.doc;
      if (!sending || doc === undefined || !client.isOpen) return;
      const text = doc.getText("code");
      const acked = counter.acked.get(doc.clientID) ?? 0;
      for (let clock = Y.getState(doc.store, doc.clientID); clock - acked < WINDOW; clock++) {
        text.insert(text.length, "x");
      }
    };
    counter.onAck = (sender) => {
      const client = byClientId.get(sender);
      if (client !== undefined) pump(client);
    };

    const serverCpu = new CpuMeter(running.process.pid);
    const ownCpu = new SelfCpuMeter();
    const started = Date.now();
    writers.forEach(pump);
    await sleep(durationMs);
    sending = false;
    const seconds = (Date.now() - started) / 1000;
    const accepted = sum(docs.map((doc) => counter.acked.get(doc.clientID) ?? 0));
    const delivered = counter.delivered;
    const serverCpuPercent = serverCpu.percent();
    const ownCpuPercent = ownCpu.percent();

    // Everything sent must reach every other writer.
    const sent = docs.map((doc) => Y.getState(doc.store, doc.clientID));
    const expected = sum(sent) * (WRITERS - 1);
    const drainUntil = Date.now() + DRAIN_TIMEOUT_MS;
    while (counter.delivered < expected && Date.now() < drainUntil) await sleep(100);

    ctx.record(GROUP, "updates/s accepted", accepted / seconds, "/s", "higher");
    ctx.record(GROUP, "updates/s delivered", delivered / seconds, "/s", "higher");
    ctx.record(GROUP, "updates lost", expected - counter.delivered, "", "lower");
    ctx.record(GROUP, "server CPU", serverCpuPercent, "% core", "lower");
    ctx.record(GROUP, "load generator CPU", ownCpuPercent, "% core", "lower");
    let lostAtSomeWriter = 0;
    writers.forEach((_writer, receiver) => {
      docs.forEach((doc, sender) => {
        if (sender !== receiver) {
          lostAtSomeWriter += (sent[sender] ?? 0) - counter.receivedBy(receiver, doc.clientID);
        }
      });
    });

    if (running.target.holdsDocuments) {
      const union = new Y.Doc();
      for (const doc of docs) Y.applyUpdate(union, Y.encodeStateAsUpdate(doc));
      const verifier = await PadClient.open({
        url: running.padUrl(padId),
        dialect: running.target.dialect,
        padId,
        doc: new Y.Doc(),
        syncTimeoutMs: 60_000,
      });
      const equal =
        verifier.doc?.getText("code").toJSON() === union.getText("code").toJSON() &&
        lostAtSomeWriter === 0;
      ctx.record(GROUP, "documents equal at the end", equal ? 1 : 0, "yes=1", "higher");
      verifier.close();
    } else {
      ctx.record(GROUP, "documents equal at the end", null, "yes=1", "higher", "n/a: no document");
    }
    ctx.log(
      `accepted ${(accepted / seconds).toFixed(0)}/s, delivered ${(delivered / seconds).toFixed(0)}/s, ` +
        `lost ${expected - counter.delivered}, server CPU ${serverCpuPercent.toFixed(0)}%, ` +
        `load generator CPU ${ownCpuPercent.toFixed(0)}%`,
    );
    closeAll(writers);
  },
};

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
