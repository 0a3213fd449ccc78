import { readFileSync, writeFileSync } from "node:fs";

/** Kernel clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS;
}

/** Current and peak resident memory in MiB (VmRSS, VmHWM of /proc/<pid>/status). */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** Resets VmHWM to the current RSS, so that a peak belongs to one scenario level. */
export function resetPeakMemory(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // not permitted here: the peak then counts from the process start
  }
}

/** CPU used by a process over an interval, as % of one core. */
export class CpuMeter {
  private readonly startCpu: number;
  private readonly startWall = Date.now();

  constructor(private readonly pid: number) {
    this.startCpu = cpuSeconds(pid);
  }

  percent(): number {
    const wall = (Date.now() - this.startWall) / 1000;
    return wall > 0 ? ((cpuSeconds(this.pid) - this.startCpu) / wall) * 100 : 0;
  }
}

/** The load generator's own CPU over an interval, as % of one core. */
export class SelfCpuMeter {
  private readonly start = process.cpuUsage();
  private readonly startWall = Date.now();

  percent(): number {
    const used = process.cpuUsage(this.start);
    const wall = (Date.now() - this.startWall) / 1000;
    return wall > 0 ? ((used.user + used.system) / 1e6 / wall) * 100 : 0;
  }
}

/**
 * Waits until a process has used under 5% of a core for a second (it has finished the
 * writes it queued), or `timeoutMs` passed. Returns whether it settled.
 */
export async function waitUntilIdle(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  let last = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const current = cpuSeconds(pid);
    if (current - last > 0.25 * 0.05) quietSince = Date.now();
    else if (Date.now() - quietSince >= 1_000) return true;
    last = current;
  }
  return false;
}
