#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests that must run against a real one.
#
#   eval "$(tools/ci-postgres.sh start)"    # prints export DATABASE_URL=… and TRIDENT_PG_DIR=…
#   npm test
#   tools/ci-postgres.sh stop               # stops the server in $TRIDENT_PG_DIR and deletes it
#
#   tools/ci-postgres.sh run -- npm test    # the same three steps; stops even when the command fails
#
# Installs Debian's postgresql when no server binaries are found. The cluster lives in a temp
# directory, listens on 127.0.0.1 only (a free port) with trust authentication, and runs as the
# postgres user when started by root (PostgreSQL refuses to run as root).
set -euo pipefail

log() { echo "ci-postgres: $*" >&2; }

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    log "installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

# Runs a server binary as the cluster owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local bin dir port attempt
  bin=$(bindir)
  dir=$(mktemp -d /tmp/trident-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    port_in_use "$port" && continue
    # fsync off: the cluster is thrown away, and the tests run faster without it.
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres trident_test
      log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir"
      echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/trident_test"
      echo "export TRIDENT_PG_DIR=$dir"
      return 0
    fi
    log "could not start on port $port (attempt $attempt)"
  done
  cat "$dir/server.log" >&2 || true
  rm -rf "$dir"
  return 1
}

stop() {
  local dir=${1:-${TRIDENT_PG_DIR:-}}
  case "$dir" in
    /tmp/trident-pg.*) ;;
    *) log "stop needs the directory printed by start (TRIDENT_PG_DIR)"; return 1 ;;
  esac
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
}

run() {
  [ "${1:-}" = "--" ] && shift
  eval "$(start)"
  trap 'stop "$TRIDENT_PG_DIR"' EXIT
  "$@"
}

case "${1:-start}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  run) shift; run "$@" ;;
  *) log "usage: $0 start | stop [dir] | run -- command…"; exit 2 ;;
esac
