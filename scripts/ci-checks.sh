#!/usr/bin/env bash
# Release-built checks that are too slow for the debug unit tests, each with a time budget.
# Called by .ci/run after `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
swift build -c release 2>&1 | tail -1
bin=.build/release/galapagos
export GALAPAGOS_BIN=$PWD/$bin

echo "== README's main command, bounded: a real search on the default search space"
"$bin" evolve --searchspace searchspaces/linear_demo.yaml --seed 1 --target-fitness 0.9999 \
    --max-time 120s --no-save --quiet --json | tail -1 | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("linear_demo seed 1: select fitness", r["select_fitness"], "after", r["evaluations"], "individuals in", round(r["seconds"], 1), "s")
assert r["reached_target"], "the demo did not reach its target"'

echo "== kill -9 at random moments, then resume"
timeout 300 scripts/kill-resume.sh 20

if [ -n "${GALAPAGOS_TEST_POSTGRES_URL:-}" ]; then
  echo "== hub run: a hub and 3 workers on loopback PostgreSQL, one killed with SIGKILL mid-run"
  timeout 900 scripts/hub-integration.sh "$GALAPAGOS_TEST_POSTGRES_URL"
  echo "== hub run: PostgreSQL restarted under a hub and 2 workers"
  timeout 180 scripts/hub-db-restart.sh "$GALAPAGOS_TEST_POSTGRES_URL"
fi

echo "== report rendering (skipped when Chromium is not installed)"
timeout 120 scripts/render-report.sh || echo "render-report: failed (not fatal in CI)"

echo "== fuzzing: parser, search-space loader, CSV loader, run files, interpreter (see RELIABILITY.md)"
timeout 300 .build/release/galapagos-fuzz

echo "ci-checks: passed in $(( $(date +%s) - started )) s"
