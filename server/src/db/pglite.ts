/**
 * The embedded PostgreSQL (PGlite, WebAssembly) with a small footprint. Measured on PGlite
 * 0.5 with our schema and 1,000 pads: 16 MB of shared buffers keep the WASM heap at its
 * 128 MiB floor (it never shrinks; the default 128 MB of buffers grew it to 189 MiB) without
 * slowing point reads. And a new data directory is initialised in a child process: PGlite
 * runs initdb in a second in-memory instance that stays reachable for the life of the first,
 * holding ~430 MiB (RSS 780 MiB instead of 250 MiB after a first start).
 *
 * bytea goes through Node's native hex codec: PGlite's own parses and prints hex one byte
 * at a time in JavaScript, which was 60 ms of a 1 MiB pad's 90 ms load and as much again
 * on every snapshot of it, on the event loop.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import v8 from "node:v8";
import { PGlite, types } from "@electric-sql/pglite";

// PGlite's 9 MB of WebAssembly is compiled by Liftoff, V8's baseline compiler, and is not
// compiled again by TurboFan as its functions get hot. The second tier kept ~50 MiB more
// code resident (server RSS at rest 230 -> 178 MiB in the benchmark) and compiled for seconds
// on the core that also serves the typists, while point queries ran no faster (0.12-0.17 ms
// either way) and a 1 MiB pad loaded after a restart in 15.5 ms against 14.5. The server runs
// no other WebAssembly. Set before PGlite.create, which compiles the module.
v8.setFlagsFromString("--liftoff-only");

const START_PARAMS = [
  // startParams replaces PGlite's defaults (fsync off, search_path, exit_on_error…): keep them.
  ...PGlite.defaultStartParams,
  "-c",
  "shared_buffers=16MB",
  // The heap never shrinks: cap one-off peaks of VACUUM and index builds too.
  "-c",
  "maintenance_work_mem=16MB",
];

const byteaAsHex = {
  // "\\x0a1b…". Each value gets a buffer of its own (Buffer.from would slice small ones out
  // of a shared pool), so that the worker can hand it to the server's thread without a copy.
  parse: (text: string): Uint8Array => {
    const bytes = Buffer.allocUnsafeSlow((text.length - 2) >>> 1);
    bytes.write(text.slice(2), "hex");
    return bytes;
  },
  serialize: (value: unknown): string => {
    if (!(value instanceof Uint8Array)) throw new TypeError("bytea parameter must be bytes");
    return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
  },
};

export async function openPglite(directory: string): Promise<PGlite> {
  await fs.mkdir(directory, { recursive: true });
  if (!(await isInitialised(directory))) await initialiseInChildProcess(directory);
  return PGlite.create(directory, {
    startParams: START_PARAMS,
    parsers: { [types.BYTEA]: byteaAsHex.parse },
    serializers: { [types.BYTEA]: byteaAsHex.serialize },
  });
}

async function isInitialised(directory: string): Promise<boolean> {
  return fs.stat(path.join(directory, "PG_VERSION")).then(
    () => true,
    () => false,
  );
}

async function initialiseInChildProcess(directory: string): Promise<void> {
  const script = [
    "const { PGlite } = await import(process.argv[1]);",
    "const db = await PGlite.create(process.argv[2]);",
    "await db.close();",
  ].join("\n");
  await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", script, import.meta.resolve("@electric-sql/pglite"), directory],
    { timeout: 120_000 },
  );
}
