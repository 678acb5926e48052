#!/usr/bin/env bash
# render-report.sh [OUT.png]: makes a small run, writes its `galapagos inspect --html` report and
# renders it with headless Chromium at 1100 and 420 pixels wide, then checks the wide screenshot:
# a PNG of the requested size that is not blank and shows the plots' line colours. Look at both
# PNGs (OUT.png, OUT-narrow.png) to judge the layout.
#
# Skips (exit 0, with a message) when Chromium is not installed. Environment: GALAPAGOS_BIN
# (default .build/release/galapagos, built with `swift build -c release` when missing), CHROMIUM
# (default: chromium or chromium-browser on PATH). Needs python3. Writes OUT.png (default:
# ${TMPDIR:-/tmp}/galapagos-report.png) and the report next to it (OUT.html).
set -eu

# Paths given relative to where the script was started.
case ${GALAPAGOS_BIN:-/} in /*) ;; *) GALAPAGOS_BIN=$PWD/$GALAPAGOS_BIN ;; esac
out=${1:-${TMPDIR:-/tmp}/galapagos-report.png}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")/.."
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ] || ! command -v "$chromium" >/dev/null; then
    echo "render-report: skipped: Chromium is not installed (apt-get install chromium)"
    exit 0
fi
bin=${GALAPAGOS_BIN:-.build/release/galapagos}
if [ ! -x "$bin" ]; then
    if [ -n "${GALAPAGOS_BIN:-}" ]; then echo "render-report: no executable at $bin" >&2; exit 2; fi
    echo "render-report: building $bin (swift build -c release)" >&2
    swift build -c release >&2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/render-report.XXXXXX")
trap 'rm -rf "$work"' EXIT
html=${out%.png}.html
mkdir -p "$(dirname "$out")"
rm -f "$out"

# Four islands, UCB parent selection and the operator bandit, migrations: every plot has data.
"$bin" evolve --searchspace searchspaces/linear_demo.yaml --seed 7 --population 100 --islands 4 \
    --selector ucb --operator-bandit on --migration-every 5000 --max-evals 60000 \
    --checkpoint-every 2000 --out "$work/run.sqlite" --quiet >/dev/null
"$bin" inspect "$work/run.sqlite" --html "$html" >/dev/null
echo "render-report: report $html ($(wc -c <"$html") bytes, $(grep -o '<svg' "$html" | wc -l) plots)"

# Chromium wants a writable profile and may linger on D-Bus: a private profile and a time limit.
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$work/profile" --screenshot="$out" --window-size=1100,2400 \
    "file://$html" >"$work/chromium.log" 2>&1 || true
if [ ! -s "$out" ]; then
    echo "render-report: FAILED: Chromium wrote no screenshot; its log:" >&2
    tail -n 20 "$work/chromium.log" >&2
    exit 1
fi

# Decode the PNG (zlib and the five PNG filters, standard library only) and check it.
python3 - "$out" <<'PYTHON'
import struct, sys, zlib

path = sys.argv[1]
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"render-report: FAILED: {path} is not a PNG")
position, chunks, header = 8, [], None
while position < len(data):
    length, kind = struct.unpack(">I4s", data[position:position + 8])
    body = data[position + 8:position + 8 + length]
    if kind == b"IHDR":
        header = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        chunks.append(body)
    position += 12 + length
width, height, depth, colour, _, _, interlace = header
channels = {2: 3, 6: 4}.get(colour)
if depth != 8 or channels is None or interlace:
    sys.exit(f"render-report: FAILED: unexpected PNG format (depth {depth}, colour type {colour})")
if (width, height) != (1100, 2400):
    sys.exit(f"render-report: FAILED: screenshot is {width}x{height}, expected 1100x2400")
raw = zlib.decompress(b"".join(chunks))
stride = width * channels
previous = bytearray(stride)
non_white = 0
colours = {}
plot_colours = {(0x1F, 0x77, 0xB4): "blue", (0xD6, 0x27, 0x28): "red", (0x2C, 0xA0, 0x2C): "green",
                (0xFF, 0x7F, 0x0E): "orange"}
for row in range(height):
    start = row * (stride + 1)
    kind = raw[start]
    line = bytearray(raw[start + 1:start + 1 + stride])
    if kind == 1:
        for i in range(channels, stride):
            line[i] = (line[i] + line[i - channels]) & 0xFF
    elif kind == 2:
        line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
    elif kind == 3:
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    previous = line
    for x in range(0, stride, channels):
        pixel = (line[x], line[x + 1], line[x + 2])
        if pixel != (255, 255, 255):
            non_white += 1
            if pixel in plot_colours:
                colours[pixel] = colours.get(pixel, 0) + 1
share = non_white / (width * height)
shown = ", ".join(f"{plot_colours[c]} {n}" for c, n in sorted(colours.items(), key=lambda item: -item[1]))
print(f"render-report: {path}: {width}x{height}, {len(data)} bytes, {100 * share:.1f} % non-white;"
      f" plot-colour pixels: {shown or 'none'}")
if share < 0.01:
    sys.exit("render-report: FAILED: the screenshot is blank")
if len(colours) < 3 or min(colours.values()) < 50:
    sys.exit("render-report: FAILED: the plots' line colours barely show (empty plots?)")
PYTHON
# The same page on a phone-sized screen: the plots must scale down, not be cut off.
narrow=${out%.png}-narrow.png
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$work/profile" --screenshot="$narrow" --window-size=420,1800 \
    "file://$html" >"$work/chromium.log" 2>&1 || true
if [ ! -s "$narrow" ]; then
    echo "render-report: FAILED: no narrow screenshot" >&2
    exit 1
fi
echo "render-report: ok: $out and $narrow (look at both)"
