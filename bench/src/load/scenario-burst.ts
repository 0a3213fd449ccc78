import * as Y from "yjs";
import { clientWireFrames } from "./client-wire-frames.ts";
import { EditCounter } from "./edit-counter.ts";
import { openCrowd } from "./pad-crowd.ts";
import { PadClient } from "./pad-client.ts";
import type { Scenario } from "./scenario.ts";
import { now } from "./send-times.ts";
import { sleep } from "./typist.ts";

const BURST_TIMEOUT_MS = 60_000;
const GROUP = "burst of one-key messages from one client";

/**
 * One client sends 50,000 one-key updates at once: time until another client of the pad
 * has them all, while a second pad's typist measures whether the server stays responsive.
 */
export const burst: Scenario = {
  name: "burst",
  async run(ctx) {
    const { running } = ctx;
    const messages = ctx.quick ? 10_000 : 50_000;
    const [padId] = await running.createPads(1);
    if (padId === undefined) throw new Error("no pad");
    const counter = new EditCounter();
    const base = { url: running.padUrl(padId), dialect: running.target.dialect, padId };
    const watcher = await PadClient.open({ ...base, onUpdate: counter.receiverHandler(0, null) });
    const sender = await PadClient.open(base);

    // The updates are made before the clock starts: the burst measures the server.
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    const text = doc.getText("code");
    for (let i = 0; i < messages; i++) text.insert(i, String.fromCharCode(97 + (i % 26)));

    const other = await openCrowd(running, {
      pads: 1,
      clientsPerPad: 2,
      typistsPerPad: 1,
      seed: 7,
    });
    const typing = Promise.all(other.typists.map((typist) => typist.type(10, BURST_TIMEOUT_MS)));
    await sleep(1_000);
    other.startRecording();
    // Framed before the clock too: the burst measures the server, not the load generator's
    // 250–400 ms of framing 50,000 messages one ws.send at a time.
    const wire = clientWireFrames(updates.map((update) => sender.codec.update(update)));
    const started = now();
    sender.writeWire(wire);
    const deadline = Date.now() + BURST_TIMEOUT_MS;
    while ((counter.acked.get(doc.clientID) ?? 0) < messages && Date.now() < deadline) {
      await sleep(5);
    }
    const applied = counter.acked.get(doc.clientID) ?? 0;
    const elapsed = (now() - started) / 1000;
    await sleep(500);
    other.probe.stopRecording();
    for (const client of other.connect.clients) client.close();
    await typing;

    ctx.record(
      GROUP,
      `time until ${messages.toLocaleString("en-US")} are applied`,
      applied >= messages ? elapsed : null,
      "s",
      "lower",
      applied >= messages ? undefined : `only ${applied} within ${BURST_TIMEOUT_MS / 1000} s`,
    );
    ctx.record(GROUP, "other pad: edit latency p99", other.probe.edits.p99, "ms", "lower");
    ctx.record(GROUP, "other pad: edit latency max", other.probe.edits.max, "ms", "lower");
    ctx.log(
      `${applied}/${messages} applied in ${elapsed.toFixed(2)} s; other pad p99 ` +
        `${other.probe.edits.p99?.toFixed(1)} ms max ${other.probe.edits.max?.toFixed(1)} ms`,
    );
    watcher.close();
    sender.close();
  },
};
