#!/usr/bin/env bash
# A PostGIS server for webmap. As root: Debian's system cluster 15/main on port
# 5432. As an ordinary user: a cluster of its own under instance/pgdata on
# port 5433. Commands:
#   pg.sh start            start the server (creating the cluster and the role)
#   pg.sh stop             stop it
#   pg.sh url NAME         print the URL of database NAME on that server
#   pg.sh createdb URL     create the database of URL if missing, with postgis and pg_trgm
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
ROLE=webmap
PASSWORD=webmap

as_root() { [ "$(id -u)" -eq 0 ]; }
port() { if as_root; then echo 5432; else echo 5433; fi; }
own_data() { echo "$ROOT/instance/pgdata"; }
# Unix socket paths are limited to ~107 bytes: keep the socket in a short dir.
own_socket() { local d="${TMPDIR:-/tmp}/webmap-pg-$(id -u)"; mkdir -p "$d"; echo "$d"; }

start_system_cluster() {
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}' | grep -qx "15/main"; then
    pg_createcluster 15 main >/dev/null
  fi
  if ! pg_lsclusters -h | awk '$1=="15" && $2=="main" {print $4}' | grep -qx online; then
    pg_ctlcluster 15 main start
  fi
  runuser -u postgres -- psql -qAtX -p 5432 -c "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'" | grep -q 1 \
    || runuser -u postgres -- psql -qX -p 5432 -c "CREATE ROLE $ROLE LOGIN SUPERUSER PASSWORD '$PASSWORD'"
}

start_own_cluster() {
  local data; data=$(own_data)
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$(dirname "$data")"
    local pwfile; pwfile=$(mktemp); echo "$PASSWORD" >"$pwfile"
    "$PGBIN/initdb" -D "$data" -U "$ROLE" --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  if ! "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    "$PGBIN/pg_ctl" -D "$data" -l "$data/../postgres.log" -w -s \
      -o "-p $(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories=$(own_socket)" start
  fi
}

case "${1:-}" in
  start) if as_root; then start_system_cluster; else start_own_cluster; fi ;;
  stop) if as_root; then pg_ctlcluster 15 main stop; else "$PGBIN/pg_ctl" -D "$(own_data)" -s stop; fi ;;
  url) echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$(port)/${2:?database name}" ;;
  createdb)
    url=${2:?database URL}
    name=${url##*/}; name=${name%%\?*}
    server=${url%/*}/postgres
    psql -qAtX "$server" -c "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 \
      || psql -qX "$server" -c "CREATE DATABASE \"$name\""
    PGOPTIONS="-c client_min_messages=warning" psql -qX -v ON_ERROR_STOP=1 "$url" \
      -c "CREATE EXTENSION IF NOT EXISTS postgis" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm"
    ;;
  *) echo "usage: $0 start|stop|url NAME|createdb URL" >&2; exit 2 ;;
esac
