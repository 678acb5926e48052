#!/usr/bin/env bash
# kill-resume.sh [N]: crash-safety check of run files. N times (default 10): start `evolve` on
# linear_demo, `kill -9` it at a random moment 0.3-3 s in, then `resume` it for a few thousand
# more individuals, and check that
#   - resume exits 0 and says `resuming FILE at N individuals` with N equal to the checkpoint
#     the file holds (read with `galapagos inspect --json` before resuming);
#   - no checkpoint the killed process reported as written was lost (it runs with
#     GALAPAGOS_LOG_CHECKPOINTS=1, which prints `checkpoint: N individuals, ...` on stderr after
#     each committed checkpoint), so the resumed run is at most one checkpoint interval behind
#     what the killed process had saved, and N > 0 once a checkpoint after the start was written;
#   - the resumed run ends at N + the requested individuals and is recorded as stopped.
# Prints one line per kill point and `kill-resume: K passed, F failed`; exits 1 on any failure.
#
# Environment: GALAPAGOS_BIN (default .build/release/galapagos, built with
# `swift build -c release` when missing), KILL_RESUME_DIR (default: a temporary directory,
# removed at the end unless a point failed), KILL_RESUME_SEED (seeds the kill moments; default
# random), RESUME_EVALS (default 3000). Needs bash, python3.
set -u

# Paths given relative to where the script was started.
case ${GALAPAGOS_BIN:-/} in /*) ;; *) GALAPAGOS_BIN=$PWD/$GALAPAGOS_BIN ;; esac
cd "$(dirname "$0")/.."
points=${1:-10}
case $points in '' | *[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;; esac
extra=${RESUME_EVALS:-3000}
bin=${GALAPAGOS_BIN:-.build/release/galapagos}
if [ ! -x "$bin" ]; then
    if [ -n "${GALAPAGOS_BIN:-}" ]; then echo "kill-resume: no executable at $bin" >&2; exit 2; fi
    echo "kill-resume: building $bin (swift build -c release)" >&2
    swift build -c release >&2 || exit 2
fi
command -v python3 >/dev/null || { echo "kill-resume: needs python3" >&2; exit 2; }
if [ -n "${KILL_RESUME_DIR:-}" ]; then
    dir=$KILL_RESUME_DIR
    mkdir -p "$dir"
else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/kill-resume.XXXXXX")
fi
# A private copy: resume rightly refuses a run whose search-space file changed since it started,
# and the repository's copy may be edited while this script runs.
space=$dir/linear_demo.yaml
cp searchspaces/linear_demo.yaml "$space"
RANDOM=${KILL_RESUME_SEED:-$$}

# The checkpoint's individuals and the run's status from `inspect --json` (last stdout line).
checkpoint_of() {
    "$bin" inspect "$1" --json 2>"$2" | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
report = json.loads(lines[-1])
progress = report.get("progress") or {}
print(progress.get("individuals", 0), report["run"]["status"], report["run"].get("stop_reason"))'
}

passed=0 failed=0
start_time=$SECONDS
for k in $(seq 1 "$points"); do
    run=$dir/run-$k.sqlite
    rm -f "$run" "$run-wal" "$run-shm"
    milliseconds=$((300 + RANDOM % 2701))
    delay=$(printf '%d.%03d' $((milliseconds / 1000)) $((milliseconds % 1000)))
    GALAPAGOS_LOG_CHECKPOINTS=1 "$bin" evolve --searchspace "$space" --seed "$k" \
        --population 200 --islands 2 --checkpoint-every 1000 --max-evals 1000000000 \
        --out "$run" --quiet >"$dir/evolve-$k.out" 2>"$dir/evolve-$k.err" &
    pid=$!
    sleep "$delay"
    problems=()
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid"
    else
        problems+=("evolve had already exited")
    fi
    wait "$pid" 2>/dev/null
    status=$?
    [ "$status" -eq 137 ] || problems+=("evolve exit status $status, expected 137 (SIGKILL)")
    # The last checkpoint the killed process reported as committed.
    logged=$(sed -n 's/^checkpoint: \([0-9]*\) individuals.*/\1/p' "$dir/evolve-$k.err" | tail -n 1)
    logged=${logged:-none}

    if ! read -r saved run_status _ < <(checkpoint_of "$run" "$dir/inspect-$k.err") || [ -z "${saved:-}" ]; then
        problems+=("inspect failed: $(head -n 1 "$dir/inspect-$k.err")")
        saved=-1 run_status=?
    fi
    [ "$run_status" = running ] || [ "$saved" -lt 0 ] || problems+=("status $run_status after kill, expected running")

    "$bin" resume "$run" --max-evals "$extra" --checkpoint-every 1000 \
        >"$dir/resume-$k.out" 2>"$dir/resume-$k.err"
    resume_status=$?
    resumed_at=$(sed -n 's/^resuming .* at \([0-9]*\) individuals$/\1/p' "$dir/resume-$k.err" | head -n 1)
    [ "$resume_status" -eq 0 ] || problems+=("resume exit status $resume_status: $(head -n 1 "$dir/resume-$k.err")")
    if [ -z "$resumed_at" ]; then
        problems+=("resume printed no 'resuming ... at N individuals' line")
        resumed_at=-1
    else
        [ "$resumed_at" -eq "$saved" ] || problems+=("resumed at $resumed_at, but the file's checkpoint was $saved")
        if [ "$logged" != none ]; then
            [ "$resumed_at" -ge "$logged" ] || problems+=("resumed at $resumed_at, behind the checkpoint at $logged the killed run had written")
            [ "$logged" -eq 0 ] || [ "$resumed_at" -gt 0 ] || problems+=("resumed from scratch after a checkpoint at $logged")
        fi
    fi
    read -r final final_status final_reason < <(checkpoint_of "$run" "$dir/inspect-$k.err") || final=-1
    if [ "$resumed_at" -ge 0 ]; then
        [ "${final:--1}" -eq $((resumed_at + extra)) ] || problems+=("ended at ${final:-?} individuals, expected $((resumed_at + extra))")
    fi
    [ "${final_status:-}" = stopped ] && [ "${final_reason:-}" = max-evals ] \
        || problems+=("after resume: status ${final_status:-?} (${final_reason:-?}), expected stopped (max-evals)")

    line=$(printf 'point %2d: killed at %ss: last logged checkpoint %s, file checkpoint %s, resumed at %s, ended at %s' \
        "$k" "$delay" "$logged" "$saved" "$resumed_at" "${final:-?}")
    if [ ${#problems[@]} -eq 0 ]; then
        passed=$((passed + 1))
        echo "$line: ok"
    else
        failed=$((failed + 1))
        joined=$(printf '%s; ' "${problems[@]}")
        echo "$line: FAILED: ${joined%; }"
    fi
done

echo "kill-resume: $passed passed, $failed failed"
if [ "$failed" -eq 0 ] && [ -z "${KILL_RESUME_DIR:-}" ]; then
    rm -rf "$dir"
    echo "($((SECONDS - start_time)) s)" >&2
else
    echo "($((SECONDS - start_time)) s; run files and logs kept in $dir)" >&2
fi
[ "$failed" -eq 0 ]
