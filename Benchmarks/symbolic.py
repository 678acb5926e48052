#!/usr/bin/env python3
"""Symbolic-regression benchmark: the six Nguyen problems shipped in searchspaces/symbolic/,
over several seeds. A run recovers the formula when its program's R² on 200 held-out test
points is above 0.9999 (and, for the rational problems, `galapagos simplify --formula` can
confirm exact equivalence when available).

Usage: Benchmarks/symbolic.py [--seeds 1...10] [--max-time 30s] [--bin PATH] [--out FILE]
"""
import argparse, json, os, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--seeds", default="1...10")
parser.add_argument("--max-time", default="30s")
parser.add_argument("--bin", default=os.environ.get("GALAPAGOS_BIN", ".build/release/galapagos"))
parser.add_argument("--out", default="Benchmarks/results/symbolic.jsonl")
parser.add_argument("--problems", default="1,5,7,8,10,12")
args = parser.parse_args()

low, high = (int(x) for x in args.seeds.split("..."))
seeds = range(low, high + 1)
os.makedirs(os.path.dirname(args.out), exist_ok=True)
summary = []
for problem in args.problems.split(","):
    space = f"searchspaces/symbolic/nguyen-{problem}.yaml"
    recovered, times = 0, []
    for seed in seeds:
        started = time.time()
        run = subprocess.run([args.bin, "evolve", "--searchspace", space, "--seed", str(seed),
                              "--max-time", args.max_time, "--target-fitness", "0.999999",
                              "--no-save", "--quiet", "--json"], capture_output=True, text=True)
        seconds = time.time() - started
        report = json.loads(run.stdout.strip().splitlines()[-1])
        with tempfile.NamedTemporaryFile("w", suffix=".gal", delete=False) as handle:
            handle.write(report["program"])
            path = handle.name
        check = subprocess.run([args.bin, "eval", path, "--searchspace", space, "--tasks", "final",
                                "--test", "--json"], capture_output=True, text=True)
        os.unlink(path)
        r2 = json.loads(check.stdout.strip().splitlines()[-1]).get("r2", [None])[0]
        ok = r2 is not None and r2 > 0.9999
        recovered += ok
        if ok:
            times.append(seconds)
        line = {"problem": f"nguyen-{problem}", "seed": seed, "seconds": round(seconds, 2),
                "evaluations": report["evaluations"], "select_fitness": report["select_fitness"],
                "test_r2": r2, "recovered": ok, "program": report["program"]}
        with open(args.out, "a") as out:
            out.write(json.dumps(line) + "\n")
        print(f"nguyen-{problem} seed {seed}: {'recovered' if ok else 'not recovered'}"
              f" (R² {r2}) in {seconds:.1f} s", file=sys.stderr)
    times.sort()
    median = times[len(times) // 2] if times else None
    summary.append((problem, recovered, len(seeds), median))
for problem, recovered, total, median in summary:
    print(f"nguyen-{problem}: {recovered}/{total} recovered, median time to target "
          f"{'n/a' if median is None else f'{median:.1f} s'}")
