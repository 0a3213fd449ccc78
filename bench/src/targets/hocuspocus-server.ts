/**
 * Hocuspocus as its README sets it up, in memory or with its SQLite extension. Run as a
 * child process by the bench: `node --import tsx hocuspocus-server.ts <port> [sqliteFile]`.
 */
import { SQLite } from "@hocuspocus/extension-sqlite";
import { Server } from "@hocuspocus/server";

const port = Number(process.argv[2]);
const sqliteFile = process.argv[3];
if (!Number.isInteger(port)) throw new Error("usage: hocuspocus-server.ts <port> [sqliteFile]");

const server = new Server({
  port,
  address: "127.0.0.1",
  quiet: true,
  // Its default closes a socket that sent nothing for 60 s; the stock provider keeps it
  // alive with awareness renewals every 15 s, which the bench's idle clients do not send.
  timeout: 600_000,
  extensions: sqliteFile === undefined ? [] : [new SQLite({ database: sqliteFile })],
});
// listen() installs its own SIGTERM handler, which stores every document before exiting.
await server.listen();
