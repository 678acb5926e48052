#!/usr/bin/env python3
"""Throughput benchmark: individuals per second of `galapagos evolve` on linear_demo, each
figure run several times (different seeds) and reported as min and median with the machine's
load, so that anyone can reproduce BENCHMARKS.md's figures. A run with one worker is pinned to
one core (taskset), with two workers to two.

Figures (--figures, comma-separated; default all but `decay`):
  fec-off      AutoML-Zero's layout (1 island x 1,000), FEC off, 500,000 individuals
  fec-on       AutoML-Zero's layout, FEC on, 2,000,000 individuals, with --fec-audit 0.01
               (the cache's wrong-fitness rate beside the speed)
  scaling      1 and 2 workers on AutoML-Zero's layout and on the default one (10 x 100),
               FEC on, 1,000,000 individuals, in turns seed by seed: the speed-up from 1 to
               2 workers; then the machine's ceiling, two independent 1-worker runs at once
  decay        nonlinear_teacher and digits_binary: individuals/s over the first minute and
               over minute 5 (run time 5.2 minutes per space and run); --decay-spaces,
               --decay-workers and --extra (more evolve options, e.g. "--parsimony 1e-4")
               change what runs

Usage: Benchmarks/throughput.py [--runs 3] [--figures fec-off,fec-on,scaling] [--bin PATH]
                                [--out Benchmarks/results/throughput.jsonl]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--figures", default="fec-off,fec-on,scaling")
parser.add_argument("--bin", default=os.environ.get("GALAPAGOS_BIN", ".build/release/galapagos"))
parser.add_argument("--out", default="Benchmarks/results/throughput.jsonl")
parser.add_argument("--first-seed", type=int, default=1, help="seeds are first-seed ... first-seed + runs - 1")
parser.add_argument("--decay-spaces", default="searchspaces/nonlinear_teacher.yaml,searchspaces/digits_binary.yaml")
parser.add_argument("--decay-workers", type=int, default=2)
parser.add_argument("--extra", default="", help="more evolve options for the decay runs")
args = parser.parse_args()
if not os.path.exists(args.bin):
    sys.exit(f"{args.bin}: not found; build with `swift build -c release` or pass --bin")

LINEAR = "searchspaces/linear_demo.yaml"
AUTOML_ZERO_LAYOUT = ["--islands", "1", "--population", "1000", "--migration-every", "0"]
pin = shutil.which("taskset")
os.makedirs(os.path.dirname(args.out), exist_ok=True)


def evolve(space, seed, workers, extra, max_evals=None, max_time=None):
    """One evolve run; its --json report and the load average when it ended."""
    command = [args.bin, "evolve", "--searchspace", space, "--seed", str(seed),
               "--workers", str(workers), "--target-fitness", "2", "--no-save", "--quiet",
               "--json"] + extra
    if max_evals: command += ["--max-evals", str(max_evals)]
    if max_time: command += ["--max-time", max_time]
    if pin: command = [pin, "-c", ",".join(str(core) for core in range(workers))] + command
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"{' '.join(command)}: failed ({run.returncode}): {run.stderr.strip()[-400:]}")
    return json.loads(run.stdout.strip().splitlines()[-1]), os.getloadavg()[0]


def record(figure, rates, loads, extra=None):
    line = {"figure": figure, "runs": len(rates), "min": round(min(rates)),
            "median": round(statistics.median(rates)), "all": [round(r) for r in rates],
            "load": [round(l, 2) for l in loads], "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d %H:%M")}
    if extra: line.update(extra)
    with open(args.out, "a") as handle:
        handle.write(json.dumps(line) + "\n")
    print(f"{figure}: min {line['min']:,} median {line['median']:,} individuals/s "
          f"(runs {line['all']}, load {line['load']})" + (f" {extra}" if extra else ""), flush=True)
    return line


def series(figure, space, workers, extra, max_evals, key="individuals_per_second"):
    rates, loads, reports = [], [], []
    for seed in range(args.first_seed, args.first_seed + args.runs):
        report, load = evolve(space, seed, workers, extra, max_evals=max_evals)
        rates.append(report[key])
        loads.append(load)
        reports.append(report)
    return rates, loads, reports


figures = set(args.figures.split(","))
if "fec-off" in figures:
    rates, loads, _ = series("fec-off, 1 x 1,000, 1 worker", LINEAR, 1, AUTOML_ZERO_LAYOUT + ["--fec", "off"], 500_000)
    record("fec-off, 1 x 1,000, 1 worker", rates, loads)
if "fec-on" in figures:
    rates, loads, reports = series("fec-on", LINEAR, 1, AUTOML_ZERO_LAYOUT + ["--fec-audit", "0.01"], 2_000_000)
    audits = [r.get("fec_audit") or {} for r in reports]
    checked = sum(a.get("checked", 0) for a in audits)
    wrong = sum(a.get("wrong", 0) for a in audits)
    rounding = sum(a.get("rounding", 0) for a in audits)
    hits = sum(r["fec_hits"] for r in reports) / sum(r["evaluations"] for r in reports)
    record("fec-on, 1 x 1,000, 1 worker", rates, loads, {
        "fec_hit_rate": round(hits, 4), "audited": checked, "wrong": wrong, "rounding": rounding,
        "wrong_rate": round(wrong / checked, 5) if checked else None,
        "wrong_rate_per_run": [round(a.get("rate", 0), 5) for a in audits]})
if "scaling" in figures:
    # One worker and two run in turns, seed by seed, so that the machine's drift (a shared VM's
    # speed changes from minute to minute) falls on both alike; each seed's pair gives a ratio.
    for name, layout in [("1 x 1,000", AUTOML_ZERO_LAYOUT), ("10 x 100", [])]:
        one, two, loads_one, loads_two = [], [], [], []
        for seed in range(args.first_seed, args.first_seed + args.runs):
            for workers, rates, loads in [(1, one, loads_one), (2, two, loads_two)]:
                report, load = evolve(LINEAR, seed, workers, layout, max_evals=1_000_000)
                rates.append(report["individuals_per_second"])
                loads.append(load)
        ratios = [b / a for a, b in zip(one, two)]
        record(f"fec-on, {name}, 1 worker", one, loads_one)
        record(f"fec-on, {name}, 2 workers", two, loads_two, {
            "speedup_median": round(statistics.median(two) / statistics.median(one), 2),
            "speedup_per_seed": [round(r, 2) for r in ratios],
            "speedup_median_of_seeds": round(statistics.median(ratios), 2)})
    # The machine's own ceiling: two independent one-worker runs at once, one per core,
    # against one alone (what two cores give work that shares nothing).
    alone, together = [], []
    for seed in range(args.first_seed, args.first_seed + args.runs):
        report, _ = evolve(LINEAR, seed, 1, AUTOML_ZERO_LAYOUT, max_evals=1_000_000)
        alone.append(report["individuals_per_second"])
        command = lambda core: ([pin, "-c", str(core)] if pin else []) + [
            args.bin, "evolve", "--searchspace", LINEAR, "--seed", str(seed), "--workers", "1",
            "--target-fitness", "2", "--no-save", "--quiet", "--json", "--max-evals", "1000000"] + AUTOML_ZERO_LAYOUT
        pair = [subprocess.Popen(command(core), stdout=subprocess.PIPE, text=True) for core in (0, 1)]
        together.append(sum(json.loads(p.communicate()[0].strip().splitlines()[-1])["individuals_per_second"] for p in pair))
    record("two independent 1-worker runs at once, 1 x 1,000 (sum)", together, [os.getloadavg()[0]] * len(together), {
        "alone": [round(a) for a in alone],
        "ceiling_per_seed": [round(t / a, 2) for a, t in zip(alone, together)],
        "ceiling_median_of_seeds": round(statistics.median([t / a for a, t in zip(alone, together)]), 2)})
if "decay" in figures:
    workers = args.decay_workers
    for space in args.decay_spaces.split(","):
        first, five, loads, fitness = [], [], [], []
        for seed in range(args.first_seed, args.first_seed + args.runs):
            with tempfile.TemporaryDirectory() as directory:
                run_file = os.path.join(directory, "run.sqlite")
                command = [args.bin, "evolve", "--searchspace", space, "--seed", str(seed),
                           "--workers", str(workers), "--target-fitness", "2", "--max-time", "312s",
                           "--out", run_file, "--quiet", "--json"] + args.extra.split()
                report = subprocess.run(command, capture_output=True, text=True, check=True).stdout
                fitness.append(json.loads(report.strip().splitlines()[-1]).get("test_fitness"))
                rows = subprocess.run([args.bin, "inspect", run_file, "--csv", "statistics"], capture_output=True,
                                      text=True, check=True).stdout.strip().splitlines()[1:]
            # individuals and seconds since the start, one row per statistics sample
            samples = sorted({(float(r.split(",")[1]), int(r.split(",")[0])) for r in rows})
            def rate_between(start, end):
                inside = [(s, i) for s, i in samples if start <= s <= end]
                (s0, i0), (s1, i1) = inside[0], inside[-1]
                return (i1 - i0) / (s1 - s0)
            first.append(rate_between(0, 60))
            five.append(rate_between(240, 300))
            loads.append(os.getloadavg()[0])
        name = os.path.basename(space) + (f" {args.extra}" if args.extra else "")
        record(f"{name}, {workers} workers, first minute", first, loads)
        record(f"{name}, {workers} workers, minute 5", five, loads, {
            "kept_median": round(statistics.median(five) / statistics.median(first), 2),
            "kept_per_run": [round(b / a, 2) for a, b in zip(first, five)],
            "seeds": list(range(args.first_seed, args.first_seed + args.runs)),
            "test_fitness_after_5_minutes": fitness})
