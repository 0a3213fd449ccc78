/**
 * The reference y-websocket server (`@y/websocket-server`'s setupWSConnection) with y-leveldb
 * persistence, as its README sets it up, but with the same y-leveldb version as Codepad so
 * that both store through the same engine. Run as a child process by the bench:
 * `node --import tsx reference-server.ts <port> <dataDir>`.
 */
import http from "node:http";
import { setPersistence, setupWSConnection } from "@y/websocket-server/utils";
import { WebSocketServer } from "ws";
import { LeveldbPersistence } from "y-leveldb";
import * as Y from "yjs";

const port = Number(process.argv[2]);
const dataDir = process.argv[3];
if (!Number.isInteger(port) || dataDir === undefined) {
  throw new Error("usage: reference-server.ts <port> <dataDir>");
}

const ldb = new LeveldbPersistence(dataDir);
// The persistence of the package's own YPERSISTENCE mode: load what is stored, store the
// in-memory state once, then every update as it happens.
setPersistence({
  provider: ldb,
  // Its bindState is async, and setupWSConnection does not wait for it (see the cold sync
  // scenario: clients are "synced" on an empty document, then get the text as an update).
  bindState: (docName: string, ydoc: Y.Doc) => {
    void ldb.getYDoc(docName).then((persisted) => {
      const newUpdates = Y.encodeStateAsUpdate(ydoc);
      void ldb.storeUpdate(docName, newUpdates);
      Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(persisted));
      ydoc.on("update", (update: Uint8Array) => {
        void ldb.storeUpdate(docName, update);
      });
    });
  },
  writeState: async () => {},
});

const server = http.createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end("okay");
});
const wss = new WebSocketServer({ noServer: true });
wss.on("connection", setupWSConnection);
server.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
});
server.listen(port, "127.0.0.1");

// Close LevelDB on SIGTERM so that a restart reads everything that was written.
process.on("SIGTERM", () => {
  server.close();
  for (const client of wss.clients) client.terminate();
  ldb.destroy().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
