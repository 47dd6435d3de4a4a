#!/usr/bin/env bash
# Start a private PostgreSQL server for the tests and print its SQLAlchemy URL.
#
#   tools/postgres/start.sh DIR PORT     initdb in DIR (first time), listen on 127.0.0.1:PORT
#   tools/postgres/start.sh --stop DIR   stop it
#
# Debian's server is installed with apt-get when missing (CI runs as root). As root the server
# runs as the `postgres` user, so DIR and its parents must be reachable by it: use a directory
# under /tmp. Authentication is `trust` on localhost only; the database and role are `bpost`.
set -euo pipefail

server_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "--stop" ]; then
  bin=$(server_bin)
  [ -n "$bin" ] && [ -f "$2/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$2" -m fast -w stop >/dev/null
  exit 0
fi

dir=$1
port=$2
bin=$(server_bin)
if [ -z "$bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed and this user cannot install it (apt-get needs root)" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin=$(server_bin)
fi

mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  chmod 700 "$dir"
fi
if [ ! -f "$dir/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$dir" -A trust -U bpost -E UTF8 >/dev/null
fi
as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
  -o "-p $port -h 127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off" start >/dev/null
if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U bpost -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'bpost'" | grep -q 1; then
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U bpost bpost
fi
echo "postgresql+psycopg://bpost@127.0.0.1:$port/bpost"
