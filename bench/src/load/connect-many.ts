import { PadClient, type PadClientOptions } from "./pad-client.ts";
import { Samples } from "./samples.ts";
import { now } from "./send-times.ts";

export interface ConnectResult {
  /** The synced clients. */
  clients: PadClient[];
  /** The client of each request, in request order; undefined where it failed. */
  byIndex: (PadClient | undefined)[];
  failures: string[];
  /** Socket open → synced, per client. */
  connectMs: Samples;
  /** First socket opened → last client synced. */
  allSyncedMs: number;
}

/**
 * Opens many clients with a bounded number of handshakes in flight: thousands of SYNs at
 * once overflow the listen backlog and turn into 1 s retransmits, which would measure the
 * kernel, not the server.
 */
export async function connectMany(
  options: PadClientOptions[],
  concurrency = 64,
): Promise<ConnectResult> {
  const clients: PadClient[] = [];
  const byIndex: (PadClient | undefined)[] = new Array<PadClient | undefined>(options.length);
  const failures: string[] = [];
  const connectMs = new Samples();
  const started = now();
  let next = 0;
  const worker = async () => {
    while (next < options.length) {
      const index = next++;
      const option = options[index];
      if (option === undefined) break;
      try {
        const client = await PadClient.open(option);
        clients.push(client);
        byIndex[index] = client;
        connectMs.add(client.connectMs);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, options.length) }, worker));
  return { clients, byIndex, failures, connectMs, allSyncedMs: now() - started };
}

export function closeAll(clients: PadClient[]): void {
  for (const client of clients) client.close();
}
