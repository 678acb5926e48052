#!/usr/bin/env bash
# Renders the dashboard's main pages in headless Chromium at two widths (desktop 1280 px and
# phone 420 px) and saves PNG screenshots, with a run being written while the pages load.
#
# Usage: scripts/dashboard-screenshots.sh [OUT_DIR]   (default /tmp/galapagos-screenshots)
# Needs Debian's `chromium` and a build with the Dashboard trait (the default).
set -euo pipefail
out="${1:-/tmp/galapagos-screenshots}"
bin="${GALAPAGOS_BIN:-.build/release/galapagos}"
[ -x "$bin" ] || { echo "$bin: not found; run swift build -c release or set GALAPAGOS_BIN" >&2; exit 1; }
command -v chromium >/dev/null || { echo "chromium not found (apt-get install -y chromium)" >&2; exit 1; }
runs="$(mktemp -d)"
port="${PORT:-8765}"
mkdir -p "$out"
"$bin" evolve --searchspace searchspaces/linear_demo.yaml --seed 1 --max-evals 60000 --out "$runs/finished.sqlite" --quiet >/dev/null
"$bin" evolve --searchspace searchspaces/linear_demo.yaml --seed 2 --max-time 60s --out "$runs/running.sqlite" --quiet >/dev/null &
evolving=$!
"$bin" serve "$runs" --port "$port" 2>/dev/null &
serving=$!
trap 'kill $evolving $serving 2>/dev/null || true; rm -rf "$runs"' EXIT
sleep 8
member=$(curl -sf "http://127.0.0.1:$port/api/runs/running.sqlite/hall-of-fame" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
shoot() {  # name width height path
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$2,$3" \
        --screenshot="$out/$1-$2.png" "http://127.0.0.1:$port$4" 2>/dev/null
}
for width in 1280 420; do
    shoot runs "$width" 900 /
    shoot run "$width" 2400 /runs/running.sqlite
    shoot program "$width" 2400 "/runs/running.sqlite/programs/$member"
done
ls -1 "$out"/*.png
