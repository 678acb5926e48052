#!/usr/bin/env bash
# hub_soak.sh: does a long hub run keep the database bounded? Runs linear_demo (10 islands of
# 100; migration every 1,000 island individuals, so migrants flow all the time) as a hub run
# with 3 worker processes syncing every second for MINUTES (default 30), and prints, at the
# start and then every minute, the rows of each of the run's tables and the database's size.
# With retention (HubRetention: arrived migrants deleted by their receiver, statistics thinned
# by age, the hall of fame kept to the run's top and its fitness-size front) the migrant rows
# stay flat; statistics rows grow through the first hour (every row of the last hour is kept;
# the run writes half a row a second in all, here one per island every 20 s, thinning to one per
# 1/200 of a worker's session as run files do: about 1,800 in the first hour) and are thinned
# after it; the
# hall of fame and its lineages grow only with improvements; the checkpoint is one row per
# island, its old versions vacuumed. Sizes are in kB. Table sizes (island_table and the four
# before it) cover every run in the database; without_statistics is the database less the
# statistics table (which grows through the first hour by design); checkpoints_live is the size
# of the run's current checkpoints (what the island table holds besides replaced ones not yet
# vacuumed). The last line sums up the growth of each table from minute 5 to the end.
#
# Usage: Benchmarks/hub_soak.sh [postgres://URL]   (default: scripts/postgres-up.sh's URL)
# Environment: MINUTES (30), SYNC (1: --sync-every; 0.2 replaces checkpoints 5x as often, a long
# soak's churn in a shorter one), GALAPAGOS_BIN (a build with the hub trait; default .build/release).
set -euo pipefail
case ${GALAPAGOS_BIN:-/} in /*) ;; *) GALAPAGOS_BIN=$PWD/$GALAPAGOS_BIN ;; esac
cd "$(dirname "$0")/.."
url=${1:-$(scripts/postgres-up.sh | tail -n 1)}
bin=${GALAPAGOS_BIN:-.build/release/galapagos}
[ -x "$bin" ] || swift build -c release --product galapagos >/dev/null
minutes=${MINUTES:-30}
sync=${SYNC:-1}
work=$(mktemp -d)
run="soak-$(date +%s)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
sql() { psql "$url" -tAc "$1"; }
sed 's/every: [0-9]*, count/every: 1000, count/' searchspaces/linear_demo.yaml >"$work/space.yaml"
cp -r searchspaces/data "$work/" 2>/dev/null || true

report() {
    sql "SELECT '$1',
        (SELECT COUNT(*) FROM galapagos_migrant WHERE run = '$run'),
        (SELECT COUNT(*) FROM galapagos_statistic WHERE run = '$run'),
        (SELECT COUNT(*) FROM galapagos_hall_of_fame WHERE run = '$run'),
        (SELECT COUNT(*) FROM galapagos_lineage WHERE run = '$run'),
        (SELECT COUNT(*) FROM galapagos_event WHERE run = '$run'),
        (SELECT COALESCE(SUM(individuals), 0) FROM galapagos_island WHERE run = '$run'),
        (SELECT COALESCE(SUM(migrants_sent), 0) FROM galapagos_island WHERE run = '$run'),
        pg_database_size(current_database()) / 1024,
        (pg_database_size(current_database()) - pg_total_relation_size('galapagos_statistic')) / 1024,
        pg_total_relation_size('galapagos_migrant') / 1024,
        pg_total_relation_size('galapagos_statistic') / 1024,
        pg_total_relation_size('galapagos_hall_of_fame') / 1024,
        pg_total_relation_size('galapagos_island') / 1024,
        pg_total_relation_size('galapagos_lineage') / 1024,
        (SELECT COALESCE(SUM(pg_column_size(state_compressed)), 0) / 1024 FROM galapagos_island WHERE run = '$run')" |
        tr '|' '\t' | tee -a "$work/report.tsv"
}

echo "# machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); run $run, $minutes min, 3 workers, --sync-every $sync"
"$bin" evolve --searchspace "$work/space.yaml" --seed 1 --target-fitness 2 --max-time "${minutes}m" \
    --hub "$url" --run "$run" --sync-every "$sync" --quiet --json >"$work/hub.json" 2>"$work/hub.err" &
hub=$!
until [ "$(sql "SELECT COUNT(*) FROM galapagos_run WHERE name = '$run'")" = "1" ]; do sleep 0.1; done
for w in 1 2 3; do
    "$bin" worker --hub "$url" --run "$run" --name "soak$w" --workers 1 --quiet >"$work/w$w.out" 2>&1 &
done
printf 'minute\tmigrants\tstatistics\thall_of_fame\tlineage\tevents\tindividuals\tmigrants_sent\tdatabase\twithout_statistics\tmigrant_table\tstatistic_table\tfame_table\tisland_table\tlineage_table\tcheckpoints_live\n'
report 0
for minute in $(seq 1 "$minutes"); do
    sleep 60
    report "$minute"
done
wait "$hub" || true
report end
tail -n 1 "$work/hub.json"
# Growth from minute 5 (or the first row, in a shorter soak) to the end, per size column.
awk -F'\t' 'NR == 1 { split("database without_statistics migrant_table statistic_table fame_table island_table lineage_table checkpoints_live", names, " ") }
    $1 == "5" || NR == 1 { for (i = 9; i <= 16; i++) from[i] = $i; start = $1 }
    $1 == "end" { line = "# growth from minute " start " to the end (kB):"
        for (i = 9; i <= 16; i++) line = line " " names[i - 8] " " ($i - from[i]) ";"
        print line }' "$work/report.tsv"
sql "DELETE FROM galapagos_run WHERE name = '$run'" >/dev/null
