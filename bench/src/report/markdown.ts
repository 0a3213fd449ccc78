import { formatNumber } from "./format.ts";
import type { MachineInfo } from "./machine.ts";
import { ratioToBestPeer, toRows, type Cell, type Measurement } from "./results.ts";

export interface ReportInput {
  date: string;
  command: string;
  machine: MachineInfo;
  targets: string[];
  skipped: Record<string, string>;
  measurements: Measurement[];
  /** The load generator's CPU per scenario and target, % of its core. */
  loadGeneratorCpu: { scenario: string; target: string; run: number; percent: number }[];
  /** Runs per target of each scenario (one number for all in results before 2026-12-04). */
  runs: Record<string, number> | number;
  /**
   * With --merge: the earlier runs of the day whose rows were kept, so that every row can
   * be told apart by the run (and the machine's load) it came from.
   */
  kept?: KeptRun[];
}

export interface KeptRun {
  command: string;
  loadAverageAtStart: number[];
  scenarios: string[];
}

const PEERS = ["reference", "hocuspocus", "hocuspocus-sqlite"];

/** "2×", or "2× (scale 3×)" when some scenarios ran a different number of times. */
export function describeRuns(runs: ReportInput["runs"]): string {
  if (typeof runs === "number") return `${runs}×`;
  const counts = Object.values(runs);
  if (counts.length === 0) return "0×";
  const usual = mostCommon(counts);
  const others = Object.entries(runs).filter(([, count]) => count !== usual);
  if (others.length === 0) return `${usual}×`;
  return `${usual}× (${others.map(([name, count]) => `${name} ${count}×`).join(", ")})`;
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

/** The results as a Markdown page: machine, one table (scenario × metric, targets). */
export function renderMarkdown(input: ReportInput): string {
  const { machine } = input;
  const lines: string[] = [];
  lines.push(`# Codepad benchmark, ${input.date}`);
  lines.push("");
  lines.push(
    `\`${input.command}\` · ${machine.nproc} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, ` +
      `Linux ${machine.kernel}, Node ${machine.node}, open files ${machine.openFilesLimit}, ` +
      `load average at start ${machine.loadAverageAtStart.join(" / ")}`,
  );
  for (const kept of input.kept ?? []) {
    lines.push("");
    lines.push(
      `Rows of ${kept.scenarios.join(", ")} are kept from an earlier run of the day: ` +
        `\`${kept.command}\`, load average at start ${kept.loadAverageAtStart.join(" / ")}.`,
    );
  }
  lines.push("");
  lines.push(
    "Packages: " +
      Object.entries(machine.packages)
        .map(([name, version]) => `${name} ${version}`)
        .join(", "),
  );
  lines.push("");
  lines.push(
    `Each server runs alone on core 0 (\`taskset -c 0\`), the load generator on core 1. ` +
      `Each scenario ran ${describeRuns(input.runs)} per target, targets alternating; a cell is the median ` +
      `with the spread (min–max) of the runs. The last column is Codepad's median over the best ` +
      `peer's (reference = @y/websocket-server + y-leveldb; the relay is this machine's ceiling, ` +
      `not a peer): below 1 is better for latency, memory, CPU and time, above 1 for rates.`,
  );
  lines.push("");
  for (const [target, reason] of Object.entries(input.skipped)) {
    lines.push(`- **${target} skipped**: ${reason}`);
  }
  if (Object.keys(input.skipped).length > 0) lines.push("");

  const header = ["scenario", "metric", ...input.targets, "codepad / best peer"];
  lines.push(`| ${header.join(" | ")} |`);
  lines.push(`| ${header.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`);
  let previousGroup = "";
  for (const row of toRows(input.measurements)) {
    const ratio = ratioToBestPeer(row, PEERS);
    const unit = row.unit === "" ? "" : ` (${row.unit})`;
    const cells = input.targets.map((target) => formatCell(row.cells.get(target)));
    const group = row.group === previousGroup ? "" : `**${row.group}**`;
    previousGroup = row.group;
    lines.push(
      `| ${group} | ${row.metric}${unit} | ${cells.join(" | ")} | ${ratio === null ? "" : `${ratio.toFixed(2)}×`} |`,
    );
  }
  lines.push("");

  lines.push("## Load generator CPU (% of its core, per run)");
  lines.push("");
  lines.push(`| scenario | ${input.targets.join(" | ")} |`);
  lines.push(`| --- | ${input.targets.map(() => "---:").join(" | ")} |`);
  const scenarios = [...new Set(input.loadGeneratorCpu.map((entry) => entry.scenario))];
  for (const scenario of scenarios) {
    const cells = input.targets.map((target) =>
      input.loadGeneratorCpu
        .filter((entry) => entry.scenario === scenario && entry.target === target)
        .map((entry) => entry.percent.toFixed(0))
        .join(", "),
    );
    lines.push(`| ${scenario} | ${cells.join(" | ")} |`);
  }
  lines.push("");
  return lines.join("\n");
}

function formatCell(cell: Cell | undefined): string {
  if (cell === undefined) return "";
  if (cell.median === null || cell.min === null || cell.max === null) {
    return escape(cell.notes.join("; ") || "–");
  }
  const spread =
    cell.runs > 1 && cell.min !== cell.max
      ? ` (${formatNumber(cell.min)}–${formatNumber(cell.max)})`
      : "";
  const notes = cell.notes.length > 0 ? ` ⚠ ${escape(cell.notes.join("; "))}` : "";
  return `${formatNumber(cell.median)}${spread}${notes}`;
}

const escape = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
