/**
 * The V8 flags the server runs with in production. `npm start`, the server workspace's
 * start script, the Docker image, the browser tests and the benchmark all start
 * `node <these flags> server/dist/main.mjs`; a test checks that they agree.
 *
 * `--max-semi-space-size=4` caps the young generation at 4 MiB semi-spaces. V8 grew it to
 * 32 MiB under load and kept it when idle; its collections then paused typing 4–19 ms, and
 * the cap also cut the RSS of 1,000 idle 10 KB pads from 129 to 79 KB per pad.
 *
 * `--single-threaded-gc` keeps the collector on the main thread. The server is one thread
 * and is usually given one core (a pinned process, a container with one CPU): there V8's
 * concurrent marking threads take the core in the kernel's time slices, and a 64 KB
 * marking step of the main thread took 16 ms while it waited for its turn
 * (`--trace-incremental-marking`, 500 pads × 4 clients). Marked on the main thread in small
 * steps, the same work never held it that long: edit p99 with 500 pads × 4 clients went
 * from 18–41 ms to 7–16 ms, and 5,000 clients from 55 to 7 ms, with the same peak
 * throughput (same-hour trials, one core).
 *
 * `--expose-gc` lets the server collect its garbage once it has fallen quiet after pads let
 * go of their documents (see `memory/quiet-collector.ts`): V8 collects when its heap grows,
 * not when it could shrink.
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=4", "--single-threaded-gc", "--expose-gc"];

/**
 * The environment the server runs with in production, set by the same launchers.
 *
 * `MALLOC_ARENA_MAX=1`: glibc gives every thread that allocates its own malloc arena, and an
 * arena keeps what it fragments. The embedded database's worker thread
 * (`db/pglite-worker-client.ts`) allocates and frees a buffer or two per pad it saves or
 * loads; in an arena of its own that cost RSS per idle pad in the benchmark's 1,000 pads:
 * 57–63 KB per pad with glibc's default, 46–60 KB with two arenas, 43.3–43.4 KB with one (as
 * before the worker: 44–46 KB), and 12 MiB at rest. One arena means one lock for every
 * thread; the server's own thread does nearly all of the allocating.
 */
export const SERVER_ENV = { MALLOC_ARENA_MAX: "1" };
