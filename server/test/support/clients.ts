import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { waitUntil } from "./wait.ts";

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  text(): string;
  /** Every close event the provider saw, newest last. */
  closes: { code: number; reason: string }[];
  destroy(): void;
}

/** The stock y-websocket client, as any Yjs application would use it against Codepad. */
export function connectClient(baseUrl: string, padId: string): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, "ws")}/ws`, padId, doc, {
    // Node 20 has no global WebSocket; the stock client accepts the `ws` package.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
  });
  const closes: TestClient["closes"] = [];
  provider.on("connection-close", (event) => {
    // A CloseEvent; typed loosely here because the server has no DOM types.
    const close = event as unknown as { code: number; reason: string } | null;
    if (close !== null) closes.push({ code: close.code, reason: close.reason });
  });
  return {
    doc,
    provider,
    closes,
    text: () => doc.getText("code").toJSON(),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

export async function waitSynced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  await waitUntil(() => client.provider.synced, "the client to sync", timeoutMs);
}

export async function waitClosedWith(client: TestClient, code: number, timeoutMs = 10_000) {
  await waitUntil(
    () => client.closes.some((close) => close.code === code),
    `a close with code ${code} (saw ${JSON.stringify(client.closes)})`,
    timeoutMs,
  );
  return client.closes.find((close) => close.code === code);
}

/**
 * Stock clients of one test server, remembered so that a suite can let them all go at once
 * (`leaveAll`). `baseUrl` is read at each connect: suites start their server in `before`.
 */
export function clientsOf(baseUrl: () => string) {
  const connected: TestClient[] = [];
  return {
    connect: (padId: string): TestClient => {
      const client = connectClient(baseUrl(), padId);
      connected.push(client);
      return client;
    },
    leaveAll: (): void => {
      for (const client of connected.splice(0)) client.destroy();
    },
  };
}
