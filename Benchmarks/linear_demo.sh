#!/usr/bin/env bash
# Issue benchmark: linear_demo from random programs, 10 seeds, select fitness >= 0.9999,
# on 1 worker and on 2 workers. Usage: Benchmarks/linear_demo.sh [SEEDS] [MAX_TIME] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-1...10}
cap=${2:-300s}
out=${3:-Benchmarks/results/linear_demo.jsonl}
bin=${GALAPAGOS_BIN:-.build/release/galapagos}
[ -x "$bin" ] || swift build -c release >/dev/null
mkdir -p "$(dirname "$out")"
for workers in 1 2; do
  echo "== $workers worker(s)" >&2
  line=$("$bin" sweep --searchspace searchspaces/linear_demo.yaml --seeds "$seeds" \
    --target-fitness 0.9999 --max-time "$cap" --workers "$workers" --json | tail -1)
  printf '{"workers": %s, "result": %s}\n' "$workers" "$line" >> "$out"
done
