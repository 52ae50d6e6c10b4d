#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server from the machine's server binaries in
# a temporary directory on a spare port, and prints `export` lines for its URL.
#   eval "$(bash scripts/throwaway-postgres.sh start)"   ...   bash scripts/throwaway-postgres.sh stop "$PGTMP"
# postgres refuses to run as root, so as root it runs as an unprivileged user.
set -euo pipefail

PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
RUN_AS="${PG_RUN_AS:-storeplane-pg}"

as_pg_user() {
  if [ "$(id -u)" = "0" ]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi
}

start() {
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "throwaway-postgres: no PostgreSQL server binaries (install postgresql-15)" >&2
    exit 1
  fi
  if [ "$(id -u)" = "0" ] && ! id "$RUN_AS" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS"
  fi
  local dir port
  dir="$(mktemp -d /tmp/storeplane-pg.XXXXXX)"
  chmod 755 "$dir"
  [ "$(id -u)" = "0" ] && chown "$RUN_AS" "$dir"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  as_pg_user "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
  as_pg_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  echo "export PGTMP='$dir'"
  echo "export TEST_DATABASE_URL='postgres://postgres@127.0.0.1:$port/postgres'"
}

stop() {
  local dir="${1:-${PGTMP:-}}"
  [ -n "$dir" ] && [ -d "$dir/data" ] || exit 0
  as_pg_user "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
