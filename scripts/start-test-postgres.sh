#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 server for the test suite and prints its URL.
# initdb/pg_ctl refuse to run as root, so they run as the `postgres` user.
# Usage: eval "$(scripts/start-test-postgres.sh)"   → exports TEST_DATABASE_URL
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PGDATA=${PGDATA_DIR:-/tmp/codepad-test-pg}
PGPORT=${PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ ! -x "$PG_BIN/initdb" ]; then
  echo "PostgreSQL 15 is not installed ($PG_BIN/initdb): apt-get install postgresql-15" >&2
  exit 1
fi
if [ -f "$PGDATA/postmaster.pid" ]; then
  as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$PGDATA"
mkdir -p "$PGDATA"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/postgres"
