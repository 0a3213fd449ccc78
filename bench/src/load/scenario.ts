import type { Measurement, Better } from "../report/results.ts";
import type { RunningTarget } from "../targets/target.ts";
import { memoryMiB } from "./proc-stats.ts";

export interface ScenarioContext {
  readonly running: RunningTarget;
  readonly quick: boolean;
  log(message: string): void;
  /**
   * One number of the report: a row is `group` × `metric`. `value` null means "not
   * measured", with `note` saying why (n/a, failed, stopped).
   */
  record(
    group: string,
    metric: string,
    value: number | null,
    unit: string,
    better: Better,
    note?: string,
  ): void;
}

/** Runs per target and scenario when neither `--runs` nor the scenario says otherwise. */
export const DEFAULT_RUNS = 2;

export interface Scenario {
  readonly name: string;
  /** Start the target with the V8 inspector (to collect garbage and read the heap). */
  readonly needsInspector?: boolean;
  /** Runs per target when `--runs` is not given (otherwise DEFAULT_RUNS). */
  readonly defaultRuns?: number;
  readonly run: (ctx: ScenarioContext) => Promise<void>;
}

/** The server's resident memory now, as a row of `group`. */
export function recordServerRss(ctx: ScenarioContext, group: string, metric: string): void {
  ctx.record(group, metric, memoryMiB(ctx.running.process.pid).rss, "MiB", "lower");
}

/** Collects the measurements of one scenario run on one target. */
export function collector(
  scenario: string,
  target: string,
  run: number,
): { measurements: Measurement[]; record: ScenarioContext["record"] } {
  const measurements: Measurement[] = [];
  return {
    measurements,
    record(group, metric, value, unit, better, note) {
      measurements.push({ scenario, group, metric, unit, better, target, run, value, note });
    },
  };
}
