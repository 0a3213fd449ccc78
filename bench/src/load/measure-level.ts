import { monitorEventLoopDelay } from "node:perf_hooks";
import type { RunningTarget } from "../targets/target.ts";
import type { Crowd } from "./pad-crowd.ts";
import { CpuMeter, memoryMiB, resetPeakMemory, SelfCpuMeter } from "./proc-stats.ts";
import type { ScenarioContext } from "./scenario.ts";
import { sleep } from "./typist.ts";

/** Time for the last edits to arrive before the books are closed. */
const DRAIN_MS = 1_000;
/**
 * Typing before measuring: the first keys of thousands of fresh clients meet cold code
 * paths (JIT) and the garbage of the connection phase, in the load generator as in the
 * server; that is start-up, not steady state.
 */
const WARM_UP_MS = 1_000;

export interface TypingResult {
  editP99: number | null;
  missing: number;
}

/**
 * Lets every typist of a crowd type for `durationMs` and records, as row `group`: edit and
 * cursor latency to every other client, edits that never arrived, and the server's CPU and
 * peak RSS over the typing.
 */
export async function typeAndMeasure(
  ctx: ScenarioContext,
  running: RunningTarget,
  crowd: Crowd,
  group: string,
  keysPerSecond: number,
  durationMs: number,
): Promise<TypingResult> {
  const pid = running.process.pid;
  if (crowd.typistsAlone) {
    const keys = Math.floor(((WARM_UP_MS + durationMs) / 1000) * keysPerSecond);
    for (const typist of crowd.typists) typist.prepare(keys);
  }
  collectLoadGeneratorGarbage();
  const typing = Promise.all(
    crowd.typists.map((typist) => typist.type(keysPerSecond, WARM_UP_MS + durationMs)),
  );
  await sleep(WARM_UP_MS);
  resetPeakMemory(pid);
  const cpu = new CpuMeter(pid);
  const ownCpu = new SelfCpuMeter();
  const ownDelay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS }); // its own stalls
  ownDelay.enable();
  crowd.startRecording();
  await typing;
  await sleep(DRAIN_MS);
  crowd.probe.stopRecording();
  const cpuPercent = cpu.percent();
  const ownCpuPercent = ownCpu.percent();
  ownDelay.disable();
  const delayP99 = lateBy(ownDelay.percentile(99));
  const delayMax = lateBy(ownDelay.max);
  const memory = memoryMiB(pid);
  const { edits, cursors } = crowd.probe;
  const missing = crowd.expectedDeliveries() - crowd.probe.editDeliveries;
  const dropped = crowd.connect.clients.filter((client) => client.closedWith !== null).length;
  ctx.record(group, "edit latency p50", edits.p50, "ms", "lower");
  ctx.record(group, "edit latency p99", edits.p99, "ms", "lower");
  ctx.record(group, "edit latency max", edits.max, "ms", "lower");
  ctx.record(group, "cursor latency p50", cursors.p50, "ms", "lower");
  ctx.record(group, "cursor latency p99", cursors.p99, "ms", "lower");
  ctx.record(group, "cursor latency max", cursors.max, "ms", "lower");
  const failed = crowd.connect.failures.length;
  const problems = failed + dropped + Math.max(0, missing);
  ctx.record(
    group,
    "failed connects + dropped clients + undelivered edits",
    problems,
    "",
    "lower",
    problems === 0
      ? undefined
      : `${failed} failed (${crowd.connect.failures[0] ?? ""}), ${dropped} dropped, ${missing} undelivered`,
  );
  ctx.record(group, "server CPU", cpuPercent, "% core", "lower");
  ctx.record(group, "server peak RSS", memory.peak, "MiB", "lower");
  ctx.record(group, "load generator CPU", ownCpuPercent, "% core", "lower");
  // Above a few ms, the load generator itself was late to read or send: latency rows then
  // measure it as much as the server.
  ctx.record(group, "load generator event-loop delay p99", delayP99, "ms", "lower");
  ctx.record(group, "load generator event-loop delay max", delayMax, "ms", "lower");
  ctx.log(
    `${group}: edit p50 ${fmt(edits.p50)} p99 ${fmt(edits.p99)} max ${fmt(edits.max)} ms, ` +
      `cursor p99 ${fmt(cursors.p99)} ms, ${edits.count} samples, missing ${missing}, ` +
      `CPU ${cpuPercent.toFixed(0)}%, peak RSS ${memory.peak.toFixed(0)} MiB, ` +
      `load generator CPU ${ownCpuPercent.toFixed(0)}%, ` +
      `its event-loop delay p99 ${delayP99.toFixed(0)} max ${delayMax.toFixed(0)} ms`,
  );
  if (crowd.probe.worstPerSecond.size > 0) {
    const worst = [...crowd.probe.worstPerSecond].sort((a, b) => a[0] - b[0]);
    ctx.log(`worst edit latency per second: ${worst.map(([, ms]) => ms.toFixed(0)).join(" ")}`);
  }
  return { editP99: edits.p99, missing };
}

/** How often the load generator's own event loop is checked for stalls. */
const DELAY_RESOLUTION_MS = 2;

/** A delay sample of monitorEventLoopDelay (ns, the check interval included), in ms late. */
const lateBy = (nanoseconds: number): number =>
  Math.max(0, nanoseconds / 1e6 - DELAY_RESOLUTION_MS);

export const fmt = (value: number | null): string => (value === null ? "-" : value.toFixed(1));

/**
 * A full collection of the load generator's heap before the typing starts. Connecting
 * 10,000 clients left 200 MB of dead handshake objects in its old generation (316 MB
 * before this collection, 108 MB after); the mark-compact that cleared them came in the
 * middle of the typing, where a profile showed 315 ms of collection in a 460 ms stall of
 * the load generator, in every target's latency. Needs node --expose-gc (npm run bench
 * passes it).
 */
function collectLoadGeneratorGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
