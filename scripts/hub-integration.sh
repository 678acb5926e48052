#!/usr/bin/env bash
# Integration test of hub runs (release build): a hub and 3 worker processes on loopback run
# linear_demo to its target; one worker is killed with SIGKILL mid-run. Checks that its islands
# are adopted from their checkpoints (their individual counts go on from where they were), that
# every hall-of-fame program written before the kill is still there, and that the run reaches
# its target.
#
# Usage: scripts/hub-integration.sh [postgres://URL]   (default: scripts/postgres-up.sh's)
# The run's timing decides whether the target comes before the dead worker's lease expires;
# when it does (the adoption could not be observed) the attempt is repeated with another seed.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:-${GALAPAGOS_TEST_POSTGRES_URL:-$(scripts/postgres-up.sh | tail -n 1)}}
bin=${GALAPAGOS_BIN:-.build/release/galapagos}
[ -x "$bin" ] || swift build -c release >/dev/null
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
sql() { psql "$url" -v ON_ERROR_STOP=1 -tAc "$1"; }

attempt() {
    local seed=$1
    local run="it-$(date +%s)-$$-seed$seed"
    echo "hub-integration: run $run"
    "$bin" evolve --searchspace searchspaces/linear_demo.yaml --seed "$seed" --fec off \
        --target-fitness 0.9999 --max-time 400s --hub "$url" --run "$run" --lease 2 --sync-every 0.25 \
        --quiet --json >"$work/hub.out" 2>"$work/hub.err" &
    local hub=$!
    pids+=("$hub")
    until [ "$(sql "SELECT COUNT(*) FROM galapagos_run WHERE name = '$run'" 2>/dev/null)" = "1" ]; do
        kill -0 "$hub" 2>/dev/null || { cat "$work/hub.err"; return 2; }
        sleep 0.1
    done
    for w in w1 w2 w3; do
        "$bin" worker --hub "$url" --run "$run" --name "$w" --workers 1 --quiet --json \
            >"$work/$w.out" 2>"$work/$w.err" &
        pids+=("$!")
        eval "pid_$w=$!"
    done
    # The victim: w2, once each of its islands has been checkpointed at least twice.
    local held=""
    for _ in $(seq 1 200); do
        held=$(sql "SELECT string_agg(island::text, ',' ORDER BY island) FROM galapagos_island
                    WHERE run = '$run' AND owner = 'w2' AND checkpoints >= 2")
        local all
        all=$(sql "SELECT COUNT(*) FROM galapagos_island WHERE run = '$run' AND owner = 'w2'")
        if [ -n "$held" ] && [ "$(echo "$held" | tr ',' '\n' | wc -l)" = "$all" ] \
            && [ "$(sql "SELECT COUNT(DISTINCT owner) FROM galapagos_island WHERE run = '$run' AND owner IS NOT NULL")" = "3" ]; then
            break
        fi
        sleep 0.05
    done
    [ -n "$held" ] || { echo "hub-integration: w2 never held an island"; return 2; }
    sql "SELECT md5(program) FROM galapagos_hall_of_fame WHERE run = '$run' ORDER BY 1" >"$work/fame-before"
    sql "SELECT island || ':' || individuals FROM galapagos_island WHERE run = '$run' AND island IN ($held) ORDER BY island" >"$work/counts-before"
    kill -9 "$pid_w2"
    local killed_at
    killed_at=$(sql "SELECT EXTRACT(EPOCH FROM now())")
    echo "hub-integration: killed w2 holding islands $held ($(wc -l <"$work/fame-before") hall-of-fame programs so far)"
    wait "$hub" || { echo "hub-integration: the hub failed"; cat "$work/hub.err"; return 1; }
    wait "$pid_w1" "$pid_w3" || { echo "hub-integration: a worker failed"; cat "$work"/w*.err; return 1; }
    tail -n 1 "$work/hub.out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("hub-integration: hub: %s, select fitness %.6f after %d individuals" % (r["stopped"], r["select_fitness"], r["evaluations"]))
assert r["reached_target"], "the run did not reach its target"'
    local adopted
    adopted=$(sql "SELECT COUNT(DISTINCT island) FROM galapagos_event WHERE run = '$run' AND kind = 'adopted'
                   AND detail LIKE 'from w2 at % individuals' AND island IN ($held)")
    local expected
    expected=$(echo "$held" | tr ',' '\n' | wc -l)
    if [ "$adopted" != "$expected" ]; then
        local finished_early
        finished_early=$(sql "SELECT (EXTRACT(EPOCH FROM finished_at) < $killed_at + lease_seconds + 0.5)::int
                              FROM galapagos_run WHERE name = '$run'")
        if [ "$finished_early" = "1" ]; then
            echo "hub-integration: the target came before w2's lease expired; trying another seed"
            return 3
        fi
        echo "hub-integration: only $adopted of w2's $expected islands were adopted"; return 1
    fi
    sql "SELECT md5(program) FROM galapagos_hall_of_fame WHERE run = '$run' ORDER BY 1" >"$work/fame-after"
    local lost
    lost=$(comm -23 "$work/fame-before" "$work/fame-after" | wc -l)
    [ "$lost" = "0" ] || { echo "hub-integration: $lost hall-of-fame programs were lost"; return 1; }
    # Adopted from the checkpoint: the adopter starts at least where the island stood when w2
    # was killed (w2 may have checkpointed once more before dying), not from scratch.
    while IFS=: read -r island before; do
        local resumed
        resumed=$(sql "SELECT MIN(split_part(detail, ' ', 4)::BIGINT) FROM galapagos_event
                       WHERE run = '$run' AND kind = 'adopted' AND island = $island AND detail LIKE 'from w2 at %'")
        [ "$resumed" -ge "$before" ] || { echo "hub-integration: island $island was adopted at $resumed individuals, before the kill it had $before"; return 1; }
        echo "hub-integration: island $island: $before individuals checkpointed before the kill, adopted at $resumed"
    done <"$work/counts-before"
    python3 - "$work" <<'PY'
import json, sys
for w in ("w1", "w3"):
    r = json.loads(open(f"{sys.argv[1]}/{w}.out").read().strip().splitlines()[-1])
    print(f"hub-integration: {w}: {r['individuals']} individuals, {r['islands_adopted']} islands adopted, "
          f"{r['syncs']} syncs of {r['mean_sync_seconds'] * 1000:.1f} ms, {r['migrants_sent']} migrants sent")
PY
    echo "hub-integration: passed: all $expected of w2's islands adopted from their checkpoints, none of $(wc -l <"$work/fame-before") hall-of-fame programs lost"
    sql "DELETE FROM galapagos_run WHERE name = '$run'" >/dev/null
    return 0
}

for seed in 1 2 3 4 5; do
    status=0
    attempt "$seed" || status=$?
    [ "$status" = "3" ] && continue
    exit "$status"
done
echo "hub-integration: every attempt reached the target before the lease expired"
exit 1
