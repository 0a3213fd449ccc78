/**
 * `npm run bench [-- --quick] [--runs N] [--targets a,b] [--scenarios x,y]`
 *
 * Starts each target server as a child process pinned to core 0, drives it from this
 * process pinned to core 1, and writes bench/results/<date>.{json,md,svg} and latest.md.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { burst } from "./load/scenario-burst.ts";
import { busyPad } from "./load/scenario-busy-pad.ts";
import { coldSync } from "./load/scenario-cold-sync.ts";
import { manyPads } from "./load/scenario-many-pads.ts";
import { memory } from "./load/scenario-memory.ts";
import { scale } from "./load/scenario-scale.ts";
import { throughput } from "./load/scenario-throughput.ts";
import { collector, DEFAULT_RUNS, type Scenario } from "./load/scenario.ts";
import { SelfCpuMeter } from "./load/proc-stats.ts";
import { renderChart } from "./report/chart.ts";
import { machineInfo } from "./report/machine.ts";
import { renderMarkdown, type KeptRun, type ReportInput } from "./report/markdown.ts";
import type { Measurement } from "./report/results.ts";
import { allTargets } from "./targets/all-targets.ts";
import type { Target } from "./targets/target.ts";

const SCENARIOS: Scenario[] = [busyPad, manyPads, scale, throughput, coldSync, memory, burst];
/** A scenario that outlives this is abandoned and its server killed; each aims at < 1 min. */
const SCENARIO_TIMEOUT_MS = 4 * 60_000;
/** Above this, another job is using the machine and the numbers will say so. */
const BUSY_LOAD_AVERAGE = 1.5;
const LOAD_GENERATOR_CPU = 1;

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    /** Runs per scenario and target; without it, DEFAULT_RUNS or the scenario's own. */
    runs: { type: "string" },
    targets: { type: "string" },
    scenarios: { type: "string" },
    /** Replace only the rerun scenarios in today's results, keeping the others. */
    merge: { type: "boolean", default: false },
    /** Write results elsewhere than bench/results, for trying a change without touching them. */
    out: { type: "string" },
  },
});
const resultsDir = path.resolve(args.out ?? path.join(import.meta.dirname, "../results"));
const quick = args.quick;
const runsOf = (scenario: Scenario): number =>
  args.runs === undefined ? (scenario.defaultRuns ?? DEFAULT_RUNS) : Math.max(1, Number(args.runs));
const wanted = (list: string | undefined, name: string) =>
  list === undefined || list.split(",").includes(name);

const log = (message: string) =>
  console.log(`${new Date().toISOString().slice(11, 19)} ${message}`);

// Read before pinning: a pinned process sees one core.
const machine = machineInfo();
prepareLoadGenerator();
if ((machine.loadAverageAtStart[0] ?? 0) > BUSY_LOAD_AVERAGE) {
  log(`warning: load average ${machine.loadAverageAtStart[0]}: the machine is busy, expect noise`);
}

const targets = allTargets.filter((target) => wanted(args.targets, target.name));
const skipped: Record<string, string> = {};
const available: Target[] = [];
for (const target of targets) {
  const reason = target.unavailableReason();
  if (reason === null) available.push(target);
  else {
    skipped[target.name] = reason;
    log(`skipping ${target.name}: ${reason}`);
  }
}
const scenarios = SCENARIOS.filter((scenario) => wanted(args.scenarios, scenario.name));

const date = new Date().toISOString().slice(0, 10);
const stem = `${date}${quick ? "-quick" : ""}`;
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const measurements: Measurement[] = [];
const loadGeneratorCpu: ReportInput["loadGeneratorCpu"] = [];
const kept: KeptRun[] = [];
/** Runs per target of each scenario in the results (kept ones included). */
const runsByScenario: Record<string, number> = {};
if (args.merge) keepEarlierResults();

for (const scenario of scenarios) {
  const runs = runsOf(scenario);
  runsByScenario[scenario.name] = runs;
  for (let run = 1; run <= runs; run++) {
    // Alternate the order so that no target always runs first (or last) on a warm machine.
    const order = run % 2 === 1 ? available : [...available].reverse();
    for (const target of order) {
      log(`${scenario.name} · ${target.name} · run ${run}/${runs}`);
      const result = await runScenario(scenario, target, run);
      measurements.push(...result.measurements);
      loadGeneratorCpu.push({
        scenario: scenario.name,
        target: target.name,
        run,
        percent: result.cpu,
      });
    }
  }
  writeResults(); // after every scenario, so that a stopped run keeps what it measured
}
log(`results in ${path.relative(process.cwd(), resultsDir)}/${stem}.{json,md,svg}`);

async function runScenario(
  scenario: Scenario,
  target: Target,
  run: number,
): Promise<{ measurements: Measurement[]; cpu: number }> {
  const { measurements: collected, record } = collector(scenario.name, target.name, run);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `codepad-bench-${target.name}-`));
  const cpu = new SelfCpuMeter();
  let running;
  try {
    running = await target.start(dataDir, { inspect: scenario.needsInspector === true });
    const ctx = { running, quick, log: (m: string) => log(`  ${m}`), record };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("scenario timed out")), SCENARIO_TIMEOUT_MS);
    });
    try {
      await Promise.race([scenario.run(ctx), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`  FAILED: ${message}`);
    if (running !== undefined) log(`  server output:\n${running.process.outputTail()}`);
    record(scenario.name, "run failed", null, "", "lower", `failed: ${message.slice(0, 160)}`);
  } finally {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { measurements: collected, cpu: cpu.percent() };
}

/** With --merge: today's results of the scenarios that are not rerun now. */
function keepEarlierResults(): void {
  const file = path.join(resultsDir, `${stem}.json`);
  if (!existsSync(file)) return;
  const earlier = JSON.parse(readFileSync(file, "utf8")) as ReportInput;
  const rerun = new Set(scenarios.map((scenario) => scenario.name));
  const keptMeasurements = earlier.measurements.filter((m) => !rerun.has(m.scenario));
  measurements.push(...keptMeasurements);
  const keptScenarios = new Set(keptMeasurements.map((m) => m.scenario));
  // Runs the earlier file had kept itself, then the earlier run's own scenarios.
  for (const run of earlier.kept ?? []) {
    const scenariosStillKept = run.scenarios.filter((name) => keptScenarios.has(name));
    if (scenariosStillKept.length > 0) kept.push({ ...run, scenarios: scenariosStillKept });
  }
  const fromEarlierItself = [...keptScenarios].filter(
    (name) => !(earlier.kept ?? []).some((run) => run.scenarios.includes(name)),
  );
  if (fromEarlierItself.length > 0) {
    kept.push({
      command: earlier.command,
      loadAverageAtStart: earlier.machine.loadAverageAtStart,
      scenarios: fromEarlierItself,
    });
  }
  loadGeneratorCpu.push(...earlier.loadGeneratorCpu.filter((e) => !rerun.has(e.scenario)));
  for (const name of keptScenarios) {
    // Results before per-scenario run counts had one count for all.
    const earlierRuns = typeof earlier.runs === "number" ? earlier.runs : earlier.runs[name];
    if (earlierRuns !== undefined) runsByScenario[name] = earlierRuns;
  }
  for (const [target, reason] of Object.entries(earlier.skipped)) skipped[target] ??= reason;
  log(`merging into ${path.basename(file)} (rerunning ${[...rerun].join(", ")})`);
}

function writeResults(): void {
  mkdirSync(resultsDir, { recursive: true });
  const targetNames = targets.map((target) => target.name);
  // Rows in the order of the scenarios, also when some were merged from an earlier run.
  const order = (name: string) => SCENARIOS.findIndex((scenario) => scenario.name === name);
  measurements.sort((a, b) => order(a.scenario) - order(b.scenario));
  loadGeneratorCpu.sort((a, b) => order(a.scenario) - order(b.scenario));
  const report: ReportInput = {
    date,
    command,
    machine,
    targets: targetNames,
    skipped,
    measurements,
    loadGeneratorCpu,
    runs: runsByScenario,
    ...(kept.length > 0 ? { kept } : {}),
  };
  writeFileSync(path.join(resultsDir, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(resultsDir, `${stem}.md`), renderMarkdown(report));
  writeFileSync(path.join(resultsDir, `${stem}.svg`), renderChart(measurements, targetNames));
  if (!quick) copyFileSync(path.join(resultsDir, `${stem}.md`), path.join(resultsDir, "latest.md"));
}

/**
 * Pins this process (all its threads) to core 1, away from the server's core 0, and raises
 * its open-files limit to the hard limit: 10,000 clients are 10,000 sockets.
 */
function prepareLoadGenerator(): void {
  const pid = String(process.pid);
  try {
    execFileSync("taskset", ["-a", "-cp", String(LOAD_GENERATOR_CPU), pid], { stdio: "ignore" });
  } catch {
    log("warning: could not pin the load generator (taskset)");
  }
  try {
    const hard = execFileSync("bash", ["-c", "ulimit -Hn"]).toString().trim();
    execFileSync("prlimit", ["--pid", pid, `--nofile=${hard}:${hard}`], { stdio: "ignore" });
  } catch {
    log("warning: could not raise the open-files limit (prlimit)");
  }
}
