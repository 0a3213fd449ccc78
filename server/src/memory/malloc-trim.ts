/**
 * glibc's `malloc_trim(0)`, where the process runs on glibc: it gives the free pages inside
 * malloc's heap back to the kernel.
 *
 * Why: every socket read in Node allocates a 64 KiB buffer with malloc and shrinks it to what
 * was read; WebSocket frames, the update log's batches and the embedded database's messages
 * come and go the same way. Between them sit allocations that live on (a socket's native
 * state, a kept encoding), so when the short-lived ones are freed, glibc keeps their pages:
 * `free` only returns memory at the top of the heap. After 1,000 pads of 10 KB were opened
 * and sat idle (the benchmark's memory scenario), malloc's heap held 49 MB of which 17 MB
 * were in use, and `malloc_trim(0)` (called from a debugger) took RSS from 199 to 174 MiB:
 * 25 of the 47 KB per pad were pages glibc was keeping free. Called by the quiet collection,
 * it took the benchmark's RSS per idle pad from 41 to 21 KB (README, "Benchmark").
 *
 * Returns undefined where there is no glibc (macOS, musl: those allocators return memory in
 * their own way) or no koffi binary. Loaded through koffi (a maintained FFI with prebuilt binaries), as Node has
 * no way to call a C library function of its own.
 */
export async function loadMallocTrim(): Promise<(() => void) | undefined> {
  if (!runsOnGlibc()) return undefined;
  try {
    // Imported here, so that a platform koffi has no binary for starts without the trim.
    const { default: koffi } = await import("koffi");
    const libc = koffi.load("libc.so.6");
    const mallocTrim = libc.func("int malloc_trim(size_t pad)") as (pad: number) => number;
    return () => {
      mallocTrim(0);
    };
  } catch {
    // No koffi binary for this platform: the server runs without the trim.
    return undefined;
  }
}

/** The process runs on glibc (Node's report names the glibc it runs on; none elsewhere). */
export function runsOnGlibc(): boolean {
  if (process.platform !== "linux") return false;
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime !== undefined;
}
