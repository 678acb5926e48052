#!/usr/bin/env bash
# hub.sh: throughput of a hub run with 1, 2 and 3 worker processes on this machine, against
# one local `evolve` process, and what coordination costs.
#
# Each configuration runs linear_demo (10 islands of 100, FEC on) for SECONDS (default 30) with a
# target it cannot reach, so every run does the same kind of work for the same time. Workers
# use one evaluation thread each (--workers 1), so 1 worker is one core, 2 workers are both
# cores of a 2-core machine, and 3 workers oversubscribe it. The baselines are `galapagos evolve`
# --no-save with --workers 1 and 2 for the same time.
#
# Printed per configuration: individuals per second (the hub's evaluations over the run's wall
# time, which includes joining and leaving), the FEC hit rate and the children actually scored
# per second (individuals minus FEC hits: the compute, independent of how converged the islands
# are); per worker: syncs, mean sync of one island
# (checkpoint + migrant pull + hall-of-fame inserts, one transaction), mean sync when the island
# sent migrants (the coordination cost of a migration); and the database's side from
# pg_stat_database: transactions and rows written per 1,000 individuals; and the bytes of one
# island's stored checkpoint at the end.
#
# Usage: Benchmarks/hub.sh [postgres://URL]   (default: scripts/postgres-up.sh's URL)
# Environment: SECONDS_PER_RUN (30), SYNC (2: --sync-every), GALAPAGOS_BIN. Writes JSON lines to
# Benchmarks/results/hub.jsonl.
set -euo pipefail
case ${GALAPAGOS_BIN:-/} in /*) ;; *) GALAPAGOS_BIN=$PWD/$GALAPAGOS_BIN ;; esac
cd "$(dirname "$0")/.."
url=${1:-$(scripts/postgres-up.sh | tail -n 1)}
bin=${GALAPAGOS_BIN:-.build/release/galapagos}
[ -x "$bin" ] || swift build -c release >/dev/null
seconds=${SECONDS_PER_RUN:-30}
sync=${SYNC:-2}
out=Benchmarks/results/hub.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sql() { psql "$url" -tAc "$1"; }
db=$(sql "SELECT current_database()")
stats() { sql "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = '$db'"; }

echo "# machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for threads in 1 2; do
    "$bin" evolve --searchspace searchspaces/linear_demo.yaml --seed 1 --target-fitness 2 \
        --max-time "${seconds}s" --workers "$threads" --no-save --quiet --json | tail -n 1 >"$work/local.json"
    python3 - "$work/local.json" "$threads" "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
line = {"configuration": f"local evolve, {sys.argv[2]} threads", "individuals_per_second": round(r["individuals_per_second"]),
        "fec_hit_rate": round(r["fec_hits"] / r["evaluations"], 4),
        "scored_per_second": round((r["evaluations"] - r["fec_hits"]) / r["seconds"])}
print(f"{line['configuration']:28s} {line['individuals_per_second']:>9,d} individuals/s, FEC hits {100 * line['fec_hit_rate']:.1f} %,"
      f" {line['scored_per_second']:,d} scored/s")
open(sys.argv[3], "a").write(json.dumps(line) + "\n")
PY
done
for workers in 1 2 3; do
    run="bench-$(date +%s)-$workers"
    before=$(stats)
    "$bin" evolve --searchspace searchspaces/linear_demo.yaml --seed 1 --target-fitness 2 \
        --max-time "${seconds}s" --hub "$url" --run "$run" --sync-every "$sync" --quiet --json \
        >"$work/hub.json" 2>"$work/hub.err" &
    hub=$!
    until [ "$(sql "SELECT COUNT(*) FROM galapagos_run WHERE name = '$run'")" = "1" ]; do sleep 0.1; done
    pids=()
    for w in $(seq 1 "$workers"); do
        "$bin" worker --hub "$url" --run "$run" --name "w$w" --workers 1 --quiet --json \
            >"$work/w$w.json" 2>"$work/w$w.err" &
        pids+=("$!")
    done
    wait "$hub" "${pids[@]}"
    after=$(stats)
    # Bytes of one island's stored checkpoint (compressed from schema 3 on, JSON text before).
    if [ "$(sql "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'galapagos_island' AND column_name = 'state_compressed'")" = "1" ]; then
        bytes=$(sql "SELECT ROUND(AVG(COALESCE(octet_length(state_compressed), octet_length(state)))) FROM galapagos_island WHERE run = '$run'")
    else
        bytes=$(sql "SELECT ROUND(AVG(octet_length(state))) FROM galapagos_island WHERE run = '$run'")
    fi
    python3 - "$work" "$workers" "$before" "$after" "$out" "$sync" "$bytes" <<'PY'
import json, sys
work, n, before, after, out, sync = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
checkpoint_bytes = int(float(sys.argv[7] or 0))
hub = json.loads(open(f"{work}/hub.json").read().strip().splitlines()[-1])
workers = [json.loads(open(f"{work}/w{i}.json").read().strip().splitlines()[-1]) for i in range(1, n + 1)]
(t0, r0), (t1, r1) = [map(int, s.split("|")) for s in (before, after)]
individuals = hub["evaluations"]
line = {
    "configuration": f"hub, {n} worker{'s' if n > 1 else ''} x 1 thread, sync {sync} s",
    "individuals_per_second": round(hub["individuals_per_second"]),
    "individuals": individuals,
    "fec_hit_rate": round(hub["fec_hits"] / individuals, 4),
    "scored_per_second": round((individuals - hub["fec_hits"]) / (individuals / hub["individuals_per_second"])),
    "syncs": sum(w["syncs"] for w in workers),
    "mean_sync_ms": round(1000 * sum(w["mean_sync_seconds"] * w["syncs"] for w in workers) / max(1, sum(w["syncs"] for w in workers)), 2),
    "mean_migration_sync_ms": round(1000 * sum(w["mean_migration_sync_seconds"] * w["migration_syncs"] for w in workers) / max(1, sum(w["migration_syncs"] for w in workers)), 2),
    "sync_share_of_worker_time": round(sum(w["mean_sync_seconds"] * w["syncs"] for w in workers) / sum(w["seconds"] for w in workers), 4),
    "transactions_per_1000_individuals": round(1000 * (t1 - t0) / individuals, 3),
    "rows_written_per_1000_individuals": round(1000 * (r1 - r0) / individuals, 3),
    "migrations": hub["migrations"],
    "checkpoint_bytes_per_island": checkpoint_bytes,
}
print(f"{line['configuration']:28s} {line['individuals_per_second']:>9,d} individuals/s, FEC hits {100 * line['fec_hit_rate']:.1f} %,"
      f" {line['scored_per_second']:,d} scored/s; syncs {line['syncs']},"
      f" mean {line['mean_sync_ms']} ms (with migrants {line['mean_migration_sync_ms']} ms),"
      f" {100 * line['sync_share_of_worker_time']:.2f} % of worker time;"
      f" {line['transactions_per_1000_individuals']} transactions and"
      f" {line['rows_written_per_1000_individuals']} rows per 1,000 individuals;"
      f" checkpoint {checkpoint_bytes:,d} bytes per island")
open(out, "a").write(json.dumps(line) + "\n")
PY
    sql "DELETE FROM galapagos_run WHERE name = '$run'" >/dev/null
done
