#!/usr/bin/env bash
# Ablation of the engine's choices on linear_demo (issue: engine). Each configuration runs the
# same seeds with the same individual budget; results are individuals, so machine load does not
# change them. Usage: Benchmarks/ablation.sh [SEEDS] [MAX_EVALS] [OUT.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-1...10}
budget=${2:-5000000}
out=${3:-Benchmarks/results/ablation.jsonl}
bin=.build/release/galapagos
[ -x "$bin" ] || swift build -c release >/dev/null
mkdir -p "$(dirname "$out")"
space=searchspaces/linear_demo.yaml
common=(--searchspace "$space" --seeds "$seeds" --target-fitness 0.9999 --max-evals "$budget"
        --workers 1 --parallel-runs 2 --json)
run() {
  local name=$1; shift
  echo "== $name" >&2
  local line
  line=$("$bin" sweep "${common[@]}" "$@" | tail -1)
  printf '{"config": "%s", "args": "%s", "result": %s}\n' "$name" "$*" "$line" >> "$out"
}
run "automl-zero (1 island, tournament, uniform operators)" --islands 1 --selector tournament --operator-bandit off
run "power-law" --islands 1 --selector power-law --operator-bandit off
run "ucb strata" --islands 1 --selector ucb --operator-bandit off
run "thompson strata" --islands 1 --selector thompson --operator-bandit off
run "tournament + operator bandit" --islands 1 --selector tournament --operator-bandit on
run "5 islands x 200, ring migration every 20k" --islands 5 --population 200 --migration-every 20000 --migrants 5
run "10 islands x 100, ring migration every 20k" --islands 10 --population 100 --migration-every 20000 --migrants 5
run "5 islands x 200, ucb islands+strata" --islands 5 --population 200 --migration-every 20000 --migrants 5 --selector ucb
run "automl-zero + restart after 200k" --islands 1 --restart-after 200000
