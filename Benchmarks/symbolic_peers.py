#!/usr/bin/env python3
"""Symbolic regression on CSV data, side by side with the peers a user would pick instead.

For each problem (Feynman and Keijzer equations, sampled into a CSV with a fixed seed), and each
seed: `galapagos init --kind symbolic` writes the search space, `galapagos evolve` runs for the
time budget on one worker, and `galapagos predict --split test` predicts the held-out rows. The
peers see exactly the rows Galapagos searched on (every row but the test rows) and are scored
on the same test rows:

- Operon (`pyoperon`, one thread, the same wall time, the same operators);
- gplearn (population 1000, as many generations as fit in the same wall time, one job).

A problem counts as solved by a run when the test R² exceeds 0.9999.

Setup: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pyoperon gplearn scikit-learn
Usage: /tmp/venv/bin/python Benchmarks/symbolic_peers.py [--seeds 1...3] [--seconds 20]
                                                          [--bin PATH] [--out FILE]
"""
import argparse, csv, json, math, os, random, shlex, subprocess, sys, tempfile, time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--seeds", default="1...3")
parser.add_argument("--seconds", type=int, default=20)
parser.add_argument("--bin", default=os.environ.get("GALAPAGOS_BIN", ".build/release/galapagos"))
parser.add_argument("--out", default="Benchmarks/results/symbolic_peers.jsonl")
parser.add_argument("--problems", default="")
parser.add_argument("--rows", type=int, default=400)
parser.add_argument("--tools", default="galapagos,operon,gplearn",
                    help="which tools run (ablations of Galapagos need not rerun the peers)")
parser.add_argument("--extra", default="", help="more flags for galapagos evolve")
args = parser.parse_args()

# name: (formula over x (a list), variables' sampling ranges, text)
PROBLEMS = {
    "feynman-I.6.2a": (lambda x: math.exp(-x[0] ** 2 / 2) / math.sqrt(2 * math.pi), [(1, 3)],
                       "exp(-θ²/2)/√(2π)"),
    "feynman-I.12.1": (lambda x: x[0] * x[1], [(1, 5)] * 2, "μ·N"),
    "feynman-I.14.4": (lambda x: x[0] * x[1] ** 2 / 2, [(1, 5)] * 2, "k·x²/2"),
    "feynman-I.25.13": (lambda x: x[0] / x[1], [(1, 5)] * 2, "q/C"),
    "feynman-I.39.1": (lambda x: 1.5 * x[0] * x[1], [(1, 5)] * 2, "3/2·p·V"),
    "feynman-II.3.24": (lambda x: x[0] / (4 * math.pi * x[1] ** 2), [(1, 5)] * 2, "P/(4πr²)"),
    "feynman-I.18.4": (lambda x: (x[0] * x[1] + x[2] * x[3]) / (x[0] + x[2]), [(1, 5)] * 4,
                       "(m₁r₁ + m₂r₂)/(m₁ + m₂)"),
    "keijzer-7": (lambda x: math.log(x[0]), [(1, 100)], "ln x"),
    "keijzer-14": (lambda x: 8 / (2 + x[0] ** 2 + x[1] ** 2), [(-3, 3)] * 2, "8/(2 + x² + y²)"),
    "keijzer-15": (lambda x: x[0] ** 3 / 5 + x[1] ** 3 / 2 - x[1] - x[0], [(-3, 3)] * 2,
                   "x³/5 + y³/2 − y − x"),
}
chosen = [p for p in args.problems.split(",") if p] or list(PROBLEMS)
tools = args.tools.split(",")
low, high = (int(v) for v in args.seeds.split("..."))
seeds = range(low, high + 1)
galapagos = os.path.abspath(args.bin)
os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)


def r2(y, prediction):
    y, prediction = np.asarray(y, float), np.asarray(prediction, float)
    if not np.all(np.isfinite(prediction)):
        return float("-inf")
    total = float(np.sum((y - y.mean()) ** 2))
    return 1 - float(np.sum((y - prediction) ** 2)) / total if total > 0 else float("-inf")


def write_problem(directory, name):
    formula, ranges, _ = PROBLEMS[name]
    generator = random.Random(f"{name}-20261204")
    path = os.path.join(directory, f"{name}.csv")
    rows = []
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([f"x{k}" for k in range(len(ranges))] + ["y"])
        for _ in range(args.rows):
            x = [generator.uniform(a, b) for a, b in ranges]
            rows.append(x + [formula(x)])
            out.writerow([f"{v:.9g}" for v in rows[-1]])
    return path, np.asarray(rows)


def run_galapagos(directory, data, seed):
    space = os.path.join(directory, "space.yaml")
    subprocess.run([galapagos, "init", data, "--label", "y", "--kind", "symbolic", "-o", space,
                    "--force"], check=True, capture_output=True)
    run_file = os.path.join(directory, f"run-{seed}.sqlite")
    if os.path.exists(run_file):
        os.unlink(run_file)
    started = time.time()
    evolve = subprocess.run([galapagos, "evolve", "--searchspace", space, "--seed", str(seed),
                             "--max-time", f"{args.seconds}s", "--workers", "1", "--target-fitness",
                             "0.9999999", "--out", run_file, "--quiet", "--json"] + shlex.split(args.extra),
                            capture_output=True, text=True, check=True)
    seconds = time.time() - started
    report = json.loads(evolve.stdout.strip().splitlines()[-1])
    predictions = os.path.join(directory, "test.csv")
    subprocess.run([galapagos, "predict", run_file, "--split", "test", "-o", predictions],
                   check=True, capture_output=True)
    with open(predictions) as handle:
        reader = csv.DictReader(handle)
        pairs = [(int(row["line"]), float(row[reader.fieldnames[1]])) for row in reader]
    return pairs, seconds, report.get("simplified_program", "")


def main():
    summary = {}
    with tempfile.TemporaryDirectory() as directory:
        for name in chosen:
            data, rows = write_problem(directory, name)
            for seed in seeds:
                pairs, seconds, program = run_galapagos(directory, data, seed)
                # `line` is the data file's line: the header is line 1.
                test_index = [line - 2 for line, _ in pairs]
                held = set(test_index)
                train_index = [k for k in range(len(rows)) if k not in held]
                x_train, y_train = rows[train_index, :-1], rows[train_index, -1]
                x_test, y_test = rows[test_index, :-1], rows[test_index, -1]
                results = {}
                if "galapagos" in tools:
                    results["galapagos"] = (r2(y_test, [p for _, p in pairs]), seconds)
                line = {"problem": name, "formula": PROBLEMS[name][2], "seed": seed,
                        "seconds_budget": args.seconds, "load": round(os.getloadavg()[0], 2),
                        "galapagos_program": program, "galapagos_extra": args.extra}
                if "operon" in tools:
                    results["operon"], line["operon_model"] = run_operon(x_train, y_train, x_test, y_test, seed)
                if "gplearn" in tools:
                    results["gplearn"] = run_gplearn(x_train, y_train, x_test, y_test, seed)
                for tool, (score, spent) in results.items():
                    line[f"{tool}_r2"] = score
                    line[f"{tool}_seconds"] = round(spent, 1)
                    summary.setdefault(tool, {}).setdefault(name, []).append(score > 0.9999)
                with open(args.out, "a") as handle:
                    handle.write(json.dumps(line) + "\n")
                print(f"{name} seed {seed}: " + ", ".join(
                    f"{tool} R² {score:.6f} ({spent:.0f} s)" for tool, (score, spent) in results.items()),
                    flush=True)
    print()
    print("| problem | formula | " + " | ".join(f"{tool} solved" for tool in summary) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in summary) + " |")
    for name in chosen:
        cells = [f"{sum(summary[tool][name])}/{len(summary[tool][name])}" for tool in summary]
        print(f"| {name} | {PROBLEMS[name][2]} | " + " | ".join(cells) + " |")
    totals = [sum(sum(v) for v in summary[tool].values()) for tool in summary]
    print("| total | | " + " | ".join(str(t) for t in totals) + " |")


def run_operon(x_train, y_train, x_test, y_test, seed):
    """Operon on one thread for the same wall time and operators; (test R², seconds), model."""
    from pyoperon.sklearn import SymbolicRegressor as Operon
    started = time.time()
    operon = Operon(allowed_symbols="add,sub,mul,div,sin,cos,exp,log,sqrt,square,constant,variable",
                    n_threads=1, max_time=args.seconds, random_state=seed,
                    generations=1_000_000, max_evaluations=10 ** 12)
    operon.fit(x_train, y_train)
    score = (r2(y_test, operon.predict(x_test)), time.time() - started)
    return score, operon.get_model_string(operon.model_, 4)


def run_gplearn(x_train, y_train, x_test, y_test, seed):
    """gplearn, as many generations of 1,000 as fit in the time; (test R², seconds)."""
    from gplearn.genetic import SymbolicRegressor as GPLearn
    started = time.time()
    gp = GPLearn(population_size=1000, generations=1, warm_start=True, random_state=seed,
                 function_set=("add", "sub", "mul", "div", "sin", "cos", "log", "sqrt"),
                 n_jobs=1)
    generations = 0
    while time.time() - started < args.seconds:
        generations += 1
        gp.set_params(generations=generations)
        gp.fit(x_train, y_train)
    return r2(y_test, gp.predict(x_test)), time.time() - started


main()
