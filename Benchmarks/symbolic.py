#!/usr/bin/env python3
"""Symbolic-regression benchmark: the six Nguyen problems shipped in searchspaces/symbolic/,
over several seeds. A run recovers the formula when its program's R² on 200 held-out test
points is above 0.9999. For the rational problems (Nguyen-1 and -12), `galapagos simplify
--formula` also decides whether the program is the formula exactly (polynomial identity testing
in rational arithmetic, fitted constants within 1e-9 of short fractions taken as those).

Usage: Benchmarks/symbolic.py [--seeds 1...10] [--max-time 30s] [--bin PATH] [--out FILE]
                              [--problems 1,5,12] [--extra "--fit-constants 0.5"]
                              [--jobs 2 --workers 1]

`--extra` passes flags to every `evolve` (for ablations); `--jobs K` runs K seeds at once
(use with `--workers 1` so that K runs share the cores without oversubscribing them).
"""
import argparse, json, os, shlex, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

parser = argparse.ArgumentParser()
parser.add_argument("--seeds", default="1...10")
parser.add_argument("--max-time", default="30s")
parser.add_argument("--bin", default=os.environ.get("GALAPAGOS_BIN", ".build/release/galapagos"))
parser.add_argument("--out", default="Benchmarks/results/symbolic.jsonl")
parser.add_argument("--problems", default="1,5,7,8,10,12")
parser.add_argument("--extra", default="", help="more flags for every evolve")
parser.add_argument("--jobs", type=int, default=1, help="runs at once")
parser.add_argument("--workers", type=int, default=None, help="--workers of every evolve")
parser.add_argument("--target", default="0.999999", help="--target-fitness of every evolve")
parser.add_argument("--label", default="", help="a tag stored with every result line")
args = parser.parse_args()

low, high = (int(x) for x in args.seeds.split("..."))
seeds = range(low, high + 1)
os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)


def run_one(problem, seed):
    space = f"searchspaces/symbolic/nguyen-{problem}.yaml"
    command = [args.bin, "evolve", "--searchspace", space, "--seed", str(seed),
               "--max-time", args.max_time, "--target-fitness", args.target,
               "--no-save", "--quiet", "--json"] + shlex.split(args.extra)
    if args.workers:
        command += ["--workers", str(args.workers)]
    started = time.time()
    run = subprocess.run(command, capture_output=True, text=True)
    seconds = time.time() - started
    report = json.loads(run.stdout.strip().splitlines()[-1])
    with tempfile.NamedTemporaryFile("w", suffix=".gal", delete=False) as handle:
        handle.write(report["program"])
        path = handle.name
    check = subprocess.run([args.bin, "eval", path, "--searchspace", space, "--tasks", "final",
                            "--test", "--json"], capture_output=True, text=True)
    exact = None
    if problem in RATIONAL:
        identity = subprocess.run([args.bin, "simplify", path, "--searchspace", space, "--formula",
                                   RATIONAL[problem], "--json"], capture_output=True, text=True)
        exact = json.loads(identity.stdout.strip().splitlines()[-1]).get("equivalent")
    os.unlink(path)
    r2 = json.loads(check.stdout.strip().splitlines()[-1]).get("r2", [None])[0]
    ok = r2 is not None and r2 > 0.9999
    line = {"problem": f"nguyen-{problem}", "seed": seed, "seconds": round(seconds, 2),
            "evaluations": report["evaluations"], "fitness": report.get("fitness"),
            "select_fitness": report["select_fitness"], "test_r2": r2, "recovered": ok, "exact": exact,
            "extra": args.extra, "label": args.label, "program": report["program"]}
    print(f"nguyen-{problem} seed {seed}: {'recovered' if ok else 'not recovered'}"
          f" (R² {r2}{', exact' if exact else ''}) in {seconds:.1f} s", file=sys.stderr, flush=True)
    return line


RATIONAL = {"1": "x0^3 + x0^2 + x0", "12": "x0^4 - x0^3 + x1^2/2 - x1"}
summary = []
for problem in args.problems.split(","):
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        lines = list(pool.map(lambda seed: run_one(problem, seed), seeds))
    with open(args.out, "a") as out:
        for line in lines:
            out.write(json.dumps(line) + "\n")
    times = sorted(line["seconds"] for line in lines if line["recovered"])
    median = times[len(times) // 2] if times else None
    exact = sum(1 for line in lines if line["exact"]) if problem in RATIONAL else None
    summary.append((problem, len(times), len(lines), median, exact))
for problem, recovered, total, median, exact in summary:
    print(f"nguyen-{problem}: {recovered}/{total} recovered"
          + ("" if exact is None else f", {exact}/{total} exactly") + ", median time to target "
          f"{'n/a' if median is None else f'{median:.1f} s'}")
