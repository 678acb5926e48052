#!/usr/bin/env bash
# Starts a local PostgreSQL for the hub's integration tests and prints its URL.
#
# Debian's package, listening on loopback only (its default). Creates the role and database
# `galapagos` (password `galapagos`) once. Idempotent: safe to run when the server is already up.
# Needs root (or sudo) to install and start the server; prints the URL on the last line.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres-up: installing PostgreSQL (Debian's package)" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi

cluster=$(pg_lsclusters --no-header 2>/dev/null | head -n 1 || true)
if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    $SUDO pg_createcluster "$version" main >&2
    cluster=$(pg_lsclusters --no-header | head -n 1)
fi
version=$(echo "$cluster" | awk '{print $1}')
name=$(echo "$cluster" | awk '{print $2}')
port=$(echo "$cluster" | awk '{print $3}')
status=$(echo "$cluster" | awk '{print $4}')
if [ "$status" != "online" ]; then
    $SUDO pg_ctlcluster "$version" "$name" start >&2
fi

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
for _ in $(seq 1 30); do
    as_postgres psql -p "$port" -tAc "SELECT 1" >/dev/null 2>&1 && break
    sleep 1
done
if [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'galapagos'")" != "1" ]; then
    as_postgres psql -p "$port" -qc "CREATE ROLE galapagos LOGIN PASSWORD 'galapagos'" >&2
fi
if [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = 'galapagos'")" != "1" ]; then
    as_postgres psql -p "$port" -qc "CREATE DATABASE galapagos OWNER galapagos" >&2
fi
echo "postgres://galapagos:galapagos@127.0.0.1:$port/galapagos"
