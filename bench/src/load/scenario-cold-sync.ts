import * as Y from "yjs";
import type { RunningTarget } from "../targets/target.ts";
import { EditCounter } from "./edit-counter.ts";
import { PadClient } from "./pad-client.ts";
import { waitUntilIdle } from "./proc-stats.ts";
import { Samples } from "./samples.ts";
import { now } from "./send-times.ts";
import type { Scenario, ScenarioContext } from "./scenario.ts";
import { sleep } from "./typist.ts";

const WINDOW = 256;
const BUILD_TIMEOUT_MS = 60_000;
const IN_MEMORY_TRIES = 5;
/** Characters of the large pad: ~1 MiB, under Codepad's default MAX_CODE_SIZE. */
const LARGE_PAD_CHARS = 1_000_000;
const LARGE_PAD_CHUNK = 10_000;

interface BuiltPad {
  padId: string;
  label: string;
  length: number;
  /** Clients kept connected so that every target keeps the pad in memory. */
  keepers: PadClient[];
}

/**
 * A new client's socket open → synced on a pad of 50,000 one-character edits and on a
 * ~1 MiB pad: with the pad in memory, then after a restart of the server on the same
 * storage (the first client loads the pad).
 */
export const coldSync: Scenario = {
  name: "cold sync",
  async run(ctx) {
    const { running } = ctx;
    if (!running.target.holdsDocuments) {
      for (const label of padLabels(ctx.quick)) {
        ctx.record(label, "synced, in memory", null, "ms", "lower", "n/a: no document");
        ctx.record(label, "synced, after restart", null, "ms", "lower", "n/a: no document");
      }
      return;
    }
    const [editsPadId, largePadId] = await running.createPads(2);
    if (editsPadId === undefined || largePadId === undefined) throw new Error("no pads");
    const [editsLabel, largeLabel] = padLabels(ctx.quick);
    const pads = [
      await buildFromEdits(running, editsPadId, editsLabel, ctx.quick ? 5_000 : 50_000),
      await buildLarge(running, largePadId, largeLabel, ctx.quick ? 200_000 : LARGE_PAD_CHARS),
    ];

    for (const pad of pads) {
      const times = new Samples();
      for (let i = 0; i < IN_MEMORY_TRIES; i++) {
        const { client, ms } = await openAndCheck(running, pad);
        times.add(ms);
        client.close();
      }
      ctx.record(pad.label, "synced, in memory", times.p50, "ms", "lower");
      ctx.log(`${pad.label}: in memory p50 ${times.p50?.toFixed(1)} ms`);
    }

    for (const pad of pads) for (const keeper of pad.keepers) keeper.close();
    if (!running.target.persistent) {
      for (const pad of pads) {
        ctx.record(pad.label, "synced, after restart", null, "ms", "lower", "n/a: in memory only");
      }
      return;
    }
    // Servers store behind the broadcast (the reference server queues one LevelDB write per
    // update); the restart is meant to load what was stored, not to cut writes short.
    const settled = await waitUntilIdle(running.process.pid, 60_000);
    if (!settled) ctx.log("server still busy 60 s after the pads were built; restarting anyway");
    await running.restart();
    for (const pad of pads) {
      try {
        const { client, ms, note } = await openAndCheck(running, pad);
        ctx.record(pad.label, "synced, after restart", ms, "ms", "lower", note);
        ctx.log(
          `${pad.label}: after restart ${ms.toFixed(1)} ms${note === undefined ? "" : ` (${note})`}`,
        );
        client.close();
      } catch (error) {
        recordFailure(ctx, pad.label, error);
      }
    }
  },
};

function padLabels(quick: boolean): [string, string] {
  return quick
    ? ["cold sync, 5,000 edits", "cold sync, 200 KB pad"]
    : ["cold sync, 50,000 edits", "cold sync, 1 MiB pad"];
}

function recordFailure(ctx: ScenarioContext, label: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  ctx.log(`${label}: after restart failed: ${message}`);
  ctx.record(label, "synced, after restart", null, "ms", "lower", `failed: ${message}`);
}

/**
 * A new client with a document, and the time until it holds the whole text. That is the
 * time to "synced", except on a server that answers sync step 1 before it has loaded the
 * pad (the reference server does): its client is synced on an empty document and the text
 * follows as an update, so the time runs until that update.
 */
async function openAndCheck(
  running: RunningTarget,
  pad: BuiltPad,
): Promise<{ client: PadClient; ms: number; note?: string }> {
  const doc = new Y.Doc();
  const text = doc.getText("code");
  const started = now();
  let completeAt: number | null = null;
  const client = await PadClient.open({
    url: running.padUrl(pad.padId),
    dialect: running.target.dialect,
    padId: pad.padId,
    doc,
    applyRemote: true,
    onUpdate: (_update, at) => {
      if (completeAt === null && text.length === pad.length) completeAt = at;
    },
    syncTimeoutMs: 60_000,
  });
  if (text.length === pad.length) return { client, ms: client.connectMs };
  const deadline = Date.now() + 60_000;
  while (completeAt === null && Date.now() < deadline) await sleep(1);
  if (completeAt === null) {
    client.close();
    throw new Error(`synced ${text.length} of ${pad.length} characters`);
  }
  return {
    client,
    ms: completeAt - started,
    note: "synced on an empty document first; time until the text arrived",
  };
}

/** A writing client and a watcher whose counter sees the writer's edits come back. */
async function openWriter(running: RunningTarget, padId: string) {
  const counter = new EditCounter();
  const base = { url: running.padUrl(padId), dialect: running.target.dialect, padId };
  const watcher = await PadClient.open({ ...base, onUpdate: counter.receiverHandler(0, null) });
  const writer = await PadClient.open({ ...base, doc: new Y.Doc() });
  const doc = writer.doc as Y.Doc;
  return { counter, watcher, writer, doc, text: doc.getText("code") };
}

/** One client types `edits` characters, one update each, with a bounded window. */
async function buildFromEdits(
  running: RunningTarget,
  padId: string,
  label: string,
  edits: number,
): Promise<BuiltPad> {
  const { counter, watcher, writer, doc, text } = await openWriter(running, padId);
  const pump = () => {
    const acked = counter.acked.get(doc.clientID) ?? 0;
    for (let typed = text.length; typed < edits && typed - acked < WINDOW; typed++) {
      text.insert(typed, String.fromCharCode(97 + (typed % 26)));
    }
  };
  counter.onAck = pump;
  pump();
  await waitFor(() => (counter.acked.get(doc.clientID) ?? 0) >= edits, BUILD_TIMEOUT_MS, label);
  return { padId, label, length: edits, keepers: [watcher, writer] };
}

/** One client pastes ~1 MiB of code in 10 KB chunks. */
async function buildLarge(
  running: RunningTarget,
  padId: string,
  label: string,
  chars: number,
): Promise<BuiltPad> {
  const { counter, watcher, writer, doc, text } = await openWriter(running, padId);
  const line = "  const value = compute(input, options); // a line of code\n";
  const chunk = line.repeat(Math.ceil(LARGE_PAD_CHUNK / line.length)).slice(0, LARGE_PAD_CHUNK);
  for (let length = 0; length < chars; length += LARGE_PAD_CHUNK) {
    text.insert(length, chunk.slice(0, Math.min(LARGE_PAD_CHUNK, chars - length)));
  }
  await waitFor(() => (counter.acked.get(doc.clientID) ?? 0) >= chars, BUILD_TIMEOUT_MS, label);
  return { padId, label, length: chars, keepers: [watcher, writer] };
}

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not built within ${timeoutMs} ms`);
    await sleep(50);
  }
}
