#!/usr/bin/env python3
"""Discovery benchmark: one search space from random programs over several seeds, each run
for a fixed wall time; reports each seed's select and test fitness (test = the final tasks'
held-out split, never seen in search) and the median, and appends raw lines to a JSONL file.

Usage: Benchmarks/discovery.py [--space searchspaces/digits_binary.yaml] [--seeds 1...5]
                               [--max-time 10m] [--workers 2] [--bin PATH] [--out FILE]
                               [-- extra evolve arguments]
"""
import argparse, json, os, statistics, subprocess, sys, time

arguments = sys.argv[1:]
extra = []
if "--" in arguments:
    extra = arguments[arguments.index("--") + 1:]
    arguments = arguments[:arguments.index("--")]
parser = argparse.ArgumentParser()
parser.add_argument("--space", default="searchspaces/digits_binary.yaml")
parser.add_argument("--seeds", default="1...5")
parser.add_argument("--max-time", default="10m")
parser.add_argument("--workers", default="2")
parser.add_argument("--bin", default=os.environ.get("GALAPAGOS_BIN", ".build/release/galapagos"))
parser.add_argument("--out", default="Benchmarks/results/discovery.jsonl")
args = parser.parse_args(arguments)

low, high = (int(x) for x in args.seeds.split("..."))
os.makedirs(os.path.dirname(args.out), exist_ok=True)
tests = []
for seed in range(low, high + 1):
    started = time.time()
    run = subprocess.run([args.bin, "evolve", "--searchspace", args.space, "--seed", str(seed),
                          "--max-time", args.max_time, "--workers", args.workers, "--no-save",
                          "--quiet", "--json"] + extra, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"seed {seed}: evolve failed ({run.returncode}): {run.stderr.strip()[-400:]}")
    report = json.loads(run.stdout.strip().splitlines()[-1])
    load = os.getloadavg()[0]
    line = {"space": args.space, "seed": seed, "max_time": args.max_time, "workers": args.workers,
            "extra": extra, "select": report.get("select_fitness"), "test": report.get("test_fitness"),
            "individuals": report.get("evaluations"), "fec_hits": report.get("fec_hits"),
            "seconds": round(time.time() - started, 1), "load": round(load, 2),
            "program": report.get("simplified_program") or report.get("program")}
    with open(args.out, "a") as handle:
        handle.write(json.dumps(line) + "\n")
    tests.append(line["test"] or 0)
    print(f"seed {seed}: test {line['test']:.4f} select {line['select']:.4f} "
          f"individuals {line['individuals']:,} load {load:.2f}", flush=True)
print(f"median test {statistics.median(tests):.4f} over {len(tests)} seeds "
      f"(min {min(tests):.4f}, max {max(tests):.4f})")
