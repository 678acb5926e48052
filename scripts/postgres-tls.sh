#!/usr/bin/env bash
# Turns on TLS in the local PostgreSQL of scripts/postgres-up.sh, with a certificate authority
# and a server certificate made here (for the host name "localhost" only, so that a client
# verifying the host name against 127.0.0.1 is refused), and prints the authority's PEM file on
# the last line: the hub's TLS tests take it as GALAPAGOS_TEST_POSTGRES_TLS_CA.
# Idempotent; needs root (or sudo) like postgres-up.sh. Plain connections keep working.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/postgres-up.sh >/dev/null
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
cluster=$(pg_lsclusters --no-header | head -n 1)
port=$(echo "$cluster" | awk '{print $3}')
dir=/var/lib/postgresql/galapagos-tls
if ! $SUDO test -f "$dir/server.crt"; then
    work=$(mktemp -d)
    openssl req -x509 -new -nodes -newkey rsa:2048 -days 3650 -subj "/CN=galapagos test CA" \
        -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
    openssl req -new -nodes -newkey rsa:2048 -subj "/CN=localhost" \
        -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost\n' >"$work/ext"
    openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
        -CAcreateserial -days 3650 -extfile "$work/ext" -out "$work/server.crt" 2>/dev/null
    $SUDO mkdir -p "$dir"
    $SUDO cp "$work/ca.crt" "$work/server.crt" "$work/server.key" "$dir/"
    $SUDO chown -R postgres:postgres "$dir"
    $SUDO chmod 600 "$dir/server.key"
    $SUDO chmod 644 "$dir/ca.crt"
    rm -rf "$work"
fi
if [ "$(as_postgres psql -p "$port" -tAc "SHOW ssl")" != "on" ]; then
    as_postgres psql -p "$port" -qc "ALTER SYSTEM SET ssl_cert_file = '$dir/server.crt'" >&2
    as_postgres psql -p "$port" -qc "ALTER SYSTEM SET ssl_key_file = '$dir/server.key'" >&2
    as_postgres psql -p "$port" -qc "ALTER SYSTEM SET ssl = on" >&2
    as_postgres psql -p "$port" -tAc "SELECT pg_reload_conf()" >/dev/null
    for _ in $(seq 1 20); do
        [ "$(as_postgres psql -p "$port" -tAc "SHOW ssl")" = "on" ] && break
        sleep 0.5
    done
fi
# Clients read the authority from a world-readable copy.
cp "$dir/ca.crt" /tmp/galapagos-test-ca.crt 2>/dev/null || $SUDO cat "$dir/ca.crt" >/tmp/galapagos-test-ca.crt
echo /tmp/galapagos-test-ca.crt
