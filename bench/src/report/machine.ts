import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** Soft/hard limit of open files, which caps the connection count. */
  openFilesLimit: string;
  loadAverageAtStart: number[];
  packages: Record<string, string>;
}

const benchRoot = path.resolve(import.meta.dirname, "../..");

/** Versions of the packages that make the numbers. */
const PACKAGES = [
  "yjs",
  "y-protocols",
  "lib0",
  "ws",
  "y-leveldb",
  "@y/websocket-server",
  "@hocuspocus/server",
  "@hocuspocus/extension-sqlite",
  "better-sqlite3",
  "tsx",
];

export function machineInfo(): MachineInfo {
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) packages[name] = packageVersion(name);
  packages.codepad = readVersion(path.join(benchRoot, "..", "package.json"));
  return {
    nproc: Number(execFileSync("nproc").toString().trim()),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    openFilesLimit: execFileSync("bash", ["-c", "echo $(ulimit -Sn)/$(ulimit -Hn)"])
      .toString()
      .trim(),
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
    packages,
  };
}

/** The installed version, from the workspace's node_modules or the hoisted one. */
function packageVersion(name: string): string {
  for (const root of [benchRoot, path.join(benchRoot, "..")]) {
    try {
      return readVersion(path.join(root, "node_modules", name, "package.json"));
    } catch {
      // not installed at this level
    }
  }
  return "not installed";
}

function readVersion(file: string): string {
  const json = JSON.parse(readFileSync(file, "utf8")) as { version?: string };
  return json.version ?? "unknown";
}
