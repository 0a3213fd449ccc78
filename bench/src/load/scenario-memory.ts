import * as Y from "yjs";
import type { RunningTarget } from "../targets/target.ts";
import { closeAll, connectMany } from "./connect-many.ts";
import { collectAndMeasure } from "./inspector.ts";
import { memoryMiB, waitUntilIdle } from "./proc-stats.ts";
import type { Scenario } from "./scenario.ts";
import { sleep } from "./typist.ts";

const PAD_CHARS = 10_000;
const ROUNDS = 3;
/** Rooms are unloaded a little after their last client left (Codepad: 2 s). */
const UNLOAD_MS = 5_000;
const IDLE_TIMEOUT_MS = 15_000;
/**
 * How long the clients sit idle before the pads are measured: "an idle client" is one that
 * has not typed for this long. Codepad lets go of the document of a pad nobody edited for
 * 10 s (IDLE_DOC_TIMEOUT's default), after snapshotting it; the peers keep every document.
 */
const CLIENTS_IDLE_MS = 20_000;
const GROUP = "memory, pads of 10 KB, one idle client each";
/** Pads opened and left before the baseline, so that code paths are compiled. */
const WARM_UP_PADS = 20;

/**
 * 1,000 pads of ~10 KB, each with one client that wrote the text and then sat idle for
 * CLIENTS_IDLE_MS: RSS per pad, against the RSS before any
 * of them was opened (a few other pads are opened and left first, so that the code paths
 * are compiled). Then left, and opened and left again, three rounds in all: RSS after each
 * round shows whether idle pads leave memory. RSS is what the kernel sees, garbage not yet
 * collected included: Codepad's embedded PGlite alone moves it by hundreds of MiB, which
 * shows as the spread of its runs. So the live memory after a full collection (through the
 * server's inspector) is measured as well.
 */
export const memory: Scenario = {
  name: "memory",
  needsInspector: true,
  async run(ctx) {
    const { running } = ctx;
    const padCount = ctx.quick ? 100 : 1_000;
    const pid = running.process.pid;
    const padIds = await running.createPads(padCount);
    const text = "let answer = 42; // ten kilobytes of code in lines like this one\n"
      .repeat(200)
      .slice(0, PAD_CHARS);

    await openRound(running, await running.createPads(WARM_UP_PADS), text);
    const baseline = memoryMiB(pid).rss;
    const liveBaseline = await liveMiB(running);
    ctx.record(GROUP, "server RSS before", baseline, "MiB", "lower");

    for (let round = 1; round <= ROUNDS; round++) {
      const { open, openCollected, left, liveOpen, liveLeft, failures } = await openRound(
        running,
        padIds,
        text,
      );
      if (round === 1) {
        const perPad = ((open - baseline) * 1024) / padCount;
        ctx.record(
          GROUP,
          "RSS per pad",
          perPad > 0 ? perPad : null,
          "KB",
          "lower",
          perPad > 0
            ? undefined
            : `RSS fell by ${(baseline - open).toFixed(0)} MiB while 1,000 pads opened: ` +
                "garbage of the start collected, not measurable by RSS",
        );
        // The baseline is read just after a full collection (the one that ends the warm-up
        // round), so this row compares like with like: RSS after a collection, both times.
        ctx.record(
          GROUP,
          "RSS per pad, after a full GC",
          ((openCollected - baseline) * 1024) / padCount,
          "KB",
          "lower",
        );
        ctx.record(
          GROUP,
          "live memory per pad (heap + external, after full GC)",
          ((liveOpen - liveBaseline) * 1024) / padCount,
          "KB",
          "lower",
          failures > 0 ? `${failures} clients failed` : undefined,
        );
      }
      ctx.record(GROUP, `server RSS, open (round ${round})`, open, "MiB", "lower");
      ctx.record(GROUP, `server RSS, after leaving (round ${round})`, left, "MiB", "lower");
      ctx.record(GROUP, `live memory after leaving (round ${round})`, liveLeft, "MiB", "lower");
      ctx.log(
        `round ${round}: RSS open ${open.toFixed(0)} MiB, after leaving ${left.toFixed(0)} MiB; ` +
          `live open ${liveOpen.toFixed(1)} MiB, after leaving ${liveLeft.toFixed(1)} MiB ` +
          `(before: ${liveBaseline.toFixed(1)})`,
      );
    }
  },
};

/** One client per pad joins (writing the text where it is missing), idles, and leaves. */
async function openRound(
  running: RunningTarget,
  padIds: string[],
  text: string,
): Promise<{
  open: number;
  openCollected: number;
  left: number;
  liveOpen: number;
  liveLeft: number;
  failures: number;
}> {
  const pid = running.process.pid;
  const connect = await connectMany(
    padIds.map((padId) => ({
      url: running.padUrl(padId),
      dialect: running.target.dialect,
      padId,
      doc: new Y.Doc(),
    })),
  );
  // Written in the first round; found there later (a server that keeps pads only in
  // memory has forgotten them, and gets them written again).
  for (const client of connect.clients) {
    const code = client.doc?.getText("code");
    if (code !== undefined && code.length === 0) code.insert(0, text);
  }
  await sleep(CLIENTS_IDLE_MS);
  await waitUntilIdle(pid, IDLE_TIMEOUT_MS);
  // RSS first: the collection below frees garbage, which RSS may or may not give back.
  const open = memoryMiB(pid).rss;
  const liveOpen = await liveMiB(running);
  const openCollected = memoryMiB(pid).rss;
  closeAll(connect.clients);
  await sleep(UNLOAD_MS);
  await waitUntilIdle(pid, IDLE_TIMEOUT_MS);
  const left = memoryMiB(pid).rss;
  const liveLeft = await liveMiB(running);
  return { open, openCollected, left, liveOpen, liveLeft, failures: connect.failures.length };
}

/** The server's live memory after a full collection: JS heap + external (incl. Wasm), MiB. */
async function liveMiB(running: RunningTarget): Promise<number> {
  const port = running.process.inspectPort;
  if (port === null) throw new Error("the memory scenario needs the server's inspector");
  const usage = await collectAndMeasure(port);
  return (usage.heapUsed + usage.external) / 2 ** 20;
}
