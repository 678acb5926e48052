#!/usr/bin/env bash
# checkpoint.sh: how long one checkpoint of a 10 islands x 1,000 population run takes.
#
# Runs `galapagos evolve` (release) on linear_demo with --islands 10 --population 1000
# --max-evals 30000 --checkpoint-every 10000, RUNS times (default 3), with
# GALAPAGOS_LOG_CHECKPOINTS=1. That environment variable makes the run print one stderr line per
# checkpoint written:
#     checkpoint: N individuals, capture X ms, write Y ms (M members, R lineage records)
# - capture: the pause of the search: copying the engine state (populations, hall of fame, FEC
#   cache, lineage records since the last checkpoint), plus any wait for a previous write still
#   in progress. This is the only time evaluation stops for a checkpoint.
# - write: the transaction on the background queue (program texts, 10,000 member rows, the new
#   lineage rows, statistics, bandits), which overlaps evaluation.
# The checkpoint at 0 individuals (written when the run starts, before the population exists)
# is left out. Target: < 100 ms. The machine's load average is printed: the write competes with
# the evaluation workers for the cores.
#
# Usage: Benchmarks/checkpoint.sh [RUNS]. Environment: GALAPAGOS_BIN (default
# .build/release/galapagos, built with `swift build -c release` when missing), MAX_EVALS
# (default 30000), CHECKPOINT_EVERY (default 10000), WORKERS (default: all cores). Needs python3.
set -eu

# Paths given relative to where the script was started.
case ${GALAPAGOS_BIN:-/} in /*) ;; *) GALAPAGOS_BIN=$PWD/$GALAPAGOS_BIN ;; esac
cd "$(dirname "$0")/.."
runs=${1:-3}
bin=${GALAPAGOS_BIN:-.build/release/galapagos}
if [ ! -x "$bin" ]; then
    if [ -n "${GALAPAGOS_BIN:-}" ]; then echo "checkpoint: no executable at $bin" >&2; exit 2; fi
    echo "checkpoint: building $bin (swift build -c release)" >&2
    swift build -c release >&2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/checkpoint-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
workers=()
[ -n "${WORKERS:-}" ] && workers=(--workers "$WORKERS")

echo "checkpoint: $runs runs of evolve --islands 10 --population 1000 --max-evals ${MAX_EVALS:-30000}" \
    "--checkpoint-every ${CHECKPOINT_EVERY:-10000} ${workers[*]:-} ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
for run in $(seq 1 "$runs"); do
    GALAPAGOS_LOG_CHECKPOINTS=1 "$bin" evolve --searchspace searchspaces/linear_demo.yaml \
        --seed "$run" --islands 10 --population 1000 --max-evals "${MAX_EVALS:-30000}" \
        --checkpoint-every "${CHECKPOINT_EVERY:-10000}" "${workers[@]}" \
        --out "$work/run-$run.sqlite" --quiet >/dev/null 2>"$work/run-$run.log"
    grep '^checkpoint: ' "$work/run-$run.log" | sed "s/^/  run $run: /"
    echo "  run $run: file $(($(stat -c %s "$work/run-$run.sqlite") / 1024)) KiB"
done

cat "$work"/run-*.log | python3 -c '
import re, statistics, sys
pattern = re.compile(r"^checkpoint: (\d+) individuals, capture ([\d.]+) ms, write ([\d.]+) ms \((\d+) members")
rows = [tuple(map(float, m.groups())) for m in map(pattern.match, sys.stdin) if m]
rows = [r for r in rows if r[0] > 0 and r[3] > 0]
if not rows:
    sys.exit("checkpoint: no checkpoint lines (is GALAPAGOS_LOG_CHECKPOINTS supported by this build?)")
def show(name, values):
    verdict = "within" if max(values) < 100 else "OVER"
    print(f"checkpoint: {name}: median {statistics.median(values):.1f} ms, max {max(values):.1f} ms"
          f" over {len(values)} checkpoints ({verdict} the 100 ms target)")
show("capture (search paused)", [r[1] for r in rows])
show("write (background)", [r[2] for r in rows])'
