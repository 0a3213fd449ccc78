import * as Y from "yjs";
import type { RunningTarget } from "../targets/target.ts";
import { closeAll, connectMany } from "./connect-many.ts";
import { memoryMiB, waitUntilIdle } from "./proc-stats.ts";
import type { Scenario } from "./scenario.ts";
import { sleep } from "./typist.ts";

const PAD_CHARS = 10_000;
const ROUNDS = 3;
/** Rooms are unloaded a little after their last client left (Codepad: 2 s). */
const UNLOAD_MS = 5_000;
const IDLE_TIMEOUT_MS = 15_000;
const GROUP = "memory, pads of 10 KB, one idle client each";
/** Pads opened and left before the baseline, so that code paths are compiled. */
const WARM_UP_PADS = 20;

/**
 * 1,000 pads of ~10 KB, each with one idle client: RSS per pad, against the RSS before any
 * of them was opened (a few other pads are opened and left first, so that the code paths
 * are compiled). Then left, and opened and left again, three rounds in all: RSS after each
 * round shows whether idle pads leave memory. RSS is what the kernel sees, garbage not yet
 * collected included: Codepad's embedded PGlite alone moves it by hundreds of MiB, which
 * shows as the spread of its runs.
 */
export const memory: Scenario = {
  name: "memory",
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
    ctx.record(GROUP, "server RSS before", baseline, "MiB", "lower");

    for (let round = 1; round <= ROUNDS; round++) {
      const { open, left, failures } = await openRound(running, padIds, text);
      if (round === 1) {
        ctx.record(
          GROUP,
          "RSS per pad",
          ((open - baseline) * 1024) / padCount,
          "KB",
          "lower",
          failures > 0 ? `${failures} clients failed` : undefined,
        );
      }
      ctx.record(GROUP, `server RSS, open (round ${round})`, open, "MiB", "lower");
      ctx.record(GROUP, `server RSS, after leaving (round ${round})`, left, "MiB", "lower");
      ctx.log(`round ${round}: open ${open.toFixed(0)} MiB, after leaving ${left.toFixed(0)} MiB`);
    }
  },
};

/** One client per pad joins (writing the text where it is missing), idles, and leaves. */
async function openRound(
  running: RunningTarget,
  padIds: string[],
  text: string,
): Promise<{ open: number; left: number; failures: number }> {
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
  await sleep(1_000);
  await waitUntilIdle(pid, IDLE_TIMEOUT_MS);
  const open = memoryMiB(pid).rss;
  closeAll(connect.clients);
  await sleep(UNLOAD_MS);
  await waitUntilIdle(pid, IDLE_TIMEOUT_MS);
  const left = memoryMiB(pid).rss;
  return { open, left, failures: connect.failures.length };
}
