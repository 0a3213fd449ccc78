import { WebSocket } from "ws";

/** What `process.memoryUsage()` reports, in bytes. */
export interface HeapUsage {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const TIMEOUT_MS = 30_000;

/**
 * Runs two full garbage collections in a server started with `--inspect --expose-gc` and
 * returns its memory usage: the memory its live objects take (JS heap, plus the buffers
 * and WebAssembly memory outside it), without the garbage RSS still holds.
 */
export async function collectAndMeasure(inspectPort: number): Promise<HeapUsage> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as {
    webSocketDebuggerUrl?: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error("the server's inspector lists no target");
  const ws = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const reply = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("inspector did not answer")), TIMEOUT_MS);
      ws.on("message", (data: Buffer) => {
        const message = JSON.parse(data.toString("utf8")) as {
          id?: number;
          result?: { result?: { value?: string } };
        };
        if (message.id !== 1) return;
        clearTimeout(timer);
        const value = message.result?.result?.value;
        if (value === undefined) reject(new Error(`inspector: ${data.toString("utf8")}`));
        else resolve(value);
      });
    });
    ws.send(
      JSON.stringify({
        id: 1,
        method: "Runtime.evaluate",
        params: {
          expression: "gc(); gc(); JSON.stringify(process.memoryUsage())",
          returnByValue: true,
        },
      }),
    );
    return JSON.parse(await reply) as HeapUsage;
  } finally {
    ws.close();
  }
}
