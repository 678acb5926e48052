#!/usr/bin/env bash
# Integration test of hub runs (release build): the database restarts under a running hub run.
# A hub and 2 worker processes run linear_demo on loopback PostgreSQL; after some seconds the
# PostgreSQL server is restarted (every connection is cut, and it refuses new ones while it
# starts). Checks that every process survives it (they retry on new connections), that the
# islands evolve on and checkpoint after the restart, and that the run ends at its time limit
# with its hall of fame intact.
#
# Usage: scripts/hub-db-restart.sh [postgres://URL]   (default: scripts/postgres-up.sh's)
# Needs the right to restart the local cluster (root or sudo; Debian's pg_ctlcluster).
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:-${GALAPAGOS_TEST_POSTGRES_URL:-$(scripts/postgres-up.sh | tail -n 1)}}
bin=${GALAPAGOS_BIN:-.build/release/galapagos}
[ -x "$bin" ] || swift build -c release >/dev/null
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
cluster=$(pg_lsclusters --no-header | head -n 1)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
sql() { psql "$url" -v ON_ERROR_STOP=1 -tAc "$1"; }

run="restart-$(date +%s)-$$"
"$bin" evolve --searchspace searchspaces/linear_demo.yaml --seed 1 --target-fitness 2 --max-time 30s \
    --hub "$url" --run "$run" --sync-every 0.5 --quiet --json >"$work/hub.out" 2>"$work/hub.err" &
hub=$!
pids+=("$hub")
until [ "$(sql "SELECT COUNT(*) FROM galapagos_run WHERE name = '$run'" 2>/dev/null)" = "1" ]; do
    kill -0 "$hub" 2>/dev/null || { cat "$work/hub.err"; exit 1; }
    sleep 0.1
done
for w in w1 w2; do
    "$bin" worker --hub "$url" --run "$run" --name "$w" --workers 1 --quiet --json >"$work/$w.out" 2>"$work/$w.err" &
    pids+=("$!")
    eval "pid_$w=$!"
done
sleep 8
before=$(sql "SELECT SUM(checkpoints) || ' ' || SUM(individuals) FROM galapagos_island WHERE run = '$run'")
fame_before=$(sql "SELECT COUNT(*) FROM galapagos_hall_of_fame WHERE run = '$run'")
echo "hub-db-restart: before the restart: $before (checkpoints, individuals), $fame_before hall-of-fame programs"
# shellcheck disable=SC2086
$SUDO pg_ctlcluster $(echo "$cluster" | awk '{print $1, $2}') restart
echo "hub-db-restart: PostgreSQL restarted at $(date +%T)"
wait "$hub" || { echo "hub-db-restart: the hub failed"; cat "$work/hub.err"; exit 1; }
wait "$pid_w1" "$pid_w2" || { echo "hub-db-restart: a worker failed"; cat "$work"/w*.err; exit 1; }
after=$(sql "SELECT SUM(checkpoints) || ' ' || SUM(individuals) FROM galapagos_island WHERE run = '$run'")
fame_after=$(sql "SELECT COUNT(*) FROM galapagos_hall_of_fame WHERE run = '$run'")
status=$(sql "SELECT status || ' ' || COALESCE(stop_reason, '') FROM galapagos_run WHERE name = '$run'")
echo "hub-db-restart: after: $after (checkpoints, individuals), $fame_after hall-of-fame programs; run $status"
read -r checkpoints_before individuals_before <<<"$before"
read -r checkpoints_after individuals_after <<<"$after"
[ "$checkpoints_after" -gt $((checkpoints_before + 20)) ] || { echo "hub-db-restart: the islands stopped checkpointing"; exit 1; }
[ "$individuals_after" -gt "$individuals_before" ] || { echo "hub-db-restart: the islands stopped evolving"; exit 1; }
[ "$fame_after" -ge "$fame_before" ] || { echo "hub-db-restart: hall-of-fame programs were lost"; exit 1; }
[ "$status" = "finished max-time" ] || { echo "hub-db-restart: the run ended as '$status', not at its time limit"; exit 1; }
grep -h "retr\|reconnect\|unreachable" "$work"/*.err | head -3 || true
sql "DELETE FROM galapagos_run WHERE name = '$run'" >/dev/null
echo "hub-db-restart: passed: the hub and both workers survived the restart and the run went on to its time limit"
