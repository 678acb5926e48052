#!/usr/bin/env python3
"""Bring-your-own-data benchmark: each shipped CSV search space, side by side on the same rows.

For every space, on the training rows and held-out test rows of its first final task (the rows
`galapagos predict --split train|test` names by data-file line):
- discovered: `galapagos evolve --seed S --max-time T` from random programs, then the run's
  reported program trained and scored by `galapagos predict RUN --split test`;
- hand-written: the reference program in searchspaces/examples/ (SGD linear regression, softmax
  regression), scored the same way;
- scikit-learn: LinearRegression / LogisticRegression (z-scored features) fitted on exactly
  the same training rows and scored on the same test rows.

Scores: accuracy for classification, R² for regression (higher is better for both).
Peers are benchmark tools, never product dependencies: run it with a virtual environment that
has scikit-learn, e.g.
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-learn
    /tmp/venv/bin/python Benchmarks/own_data.py --max-time 2m --seeds 1...3

Usage: Benchmarks/own_data.py [--seeds 1...3] [--max-time 2m] [--spaces a,b] [--bin PATH] [--out FILE]
"""
import argparse, csv, json, os, statistics, subprocess, sys, tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--seeds", default="1...3")
parser.add_argument("--max-time", default="2m")
parser.add_argument("--bin", default=os.environ.get("GALAPAGOS_BIN", ".build/release/galapagos"))
parser.add_argument("--out", default="Benchmarks/results/own_data.jsonl")
parser.add_argument("--spaces", default="concrete_regression,auto_mpg_regression,"
                    "penguins_classification,iris_classification,digits_multiclass,symbolic_csv")
args = parser.parse_args()

try:
    import numpy as np
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
except ImportError:
    sys.exit("own_data: needs scikit-learn (python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-learn)")

REFERENCE = {"regression": "sgd_table_regression.gal", "classification": "softmax_regression.gal"}


def galapagos(*arguments):
    run = subprocess.run([args.bin, *arguments], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"own_data: galapagos {' '.join(arguments)} failed: {run.stderr.strip()}")
    return run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""


def predicted_lines(path):
    with open(path) as handle:
        return [int(row["line"]) for row in csv.DictReader(handle)]


def score(kind, truth, predicted):
    if kind == "classification":
        return float(np.mean(np.asarray(truth) == np.asarray(predicted)))
    truth, predicted = np.asarray(truth, float), np.asarray(predicted, float)
    total = float(np.sum((truth - truth.mean()) ** 2))
    return 1 - float(np.sum((truth - predicted) ** 2)) / total if total > 0 else 0.0


def predict_score(kind, program, space, seed, work, extra=()):
    """Trains `program` (a run file, or a .gal with its space) and scores it on the test rows."""
    output = os.path.join(work, "p.csv")
    source = [program] if program.endswith(".sqlite") else [program, "--searchspace", space, "--seed", str(seed)]
    report = json.loads(galapagos("predict", *source, "--split", "test", "-o", output, "--json"))
    return report["score"]["accuracy" if kind == "classification" else "r2"], output


def sklearn_score(space_path, data, train_lines, test_lines):
    """Linear model on the same rows, read from the CSV by line number."""
    path = os.path.join(os.path.dirname(space_path), data["dataset"])
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = {line: row for line, row in enumerate(csv.DictReader(handle), start=2)}
    def table(lines):
        x = np.array([[float(rows[l][c]) for c in data["feature_columns"]] for l in lines])
        y = [rows[l][data["target"]] for l in lines]
        return x, y
    (xt, yt), (xv, yv) = table(train_lines), table(test_lines)
    if data["kind"] == "classification":
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
        model.fit(xt, yt)
        return score("classification", yv, model.predict(xv))
    model = make_pipeline(StandardScaler(), LinearRegression())
    model.fit(xt, np.asarray(yt, float))
    return score("regression", np.asarray(yv, float), model.predict(xv))


low, high = (int(x) for x in args.seeds.split("..."))
os.makedirs(os.path.dirname(args.out), exist_ok=True)
print(f"| search space | kind | discovered (median of seeds {low}–{high}, {args.max_time} each) "
      f"| hand-written reference | scikit-learn linear |")
print("| --- | --- | --- | --- | --- |")
for name in args.spaces.split(","):
    space = f"searchspaces/{name}.yaml"
    info = json.loads(galapagos("searchspace", "info", space, "--json"))
    tasks = info["tasks"]
    data = (tasks.get("final") or tasks.get("select") or tasks["search"])["data"]
    kind = data["kind"]
    # Predict-only (symbolic) spaces have no learning-algorithm reference.
    learns = info["components"]["learn"]["max_size"] > 0
    discovered, references, peers = [], [], []
    with tempfile.TemporaryDirectory() as work:
        for seed in range(low, high + 1):
            run = os.path.join(work, f"run{seed}.sqlite")
            report = json.loads(galapagos("evolve", "--searchspace", space, "--seed", str(seed),
                                          "--max-time", args.max_time, "--quiet", "--out", run, "--json"))
            found, test_csv = predict_score(kind, run, space, seed, work)
            galapagos("predict", run, "--split", "train", "-o", os.path.join(work, "t.csv"))
            train_lines = predicted_lines(os.path.join(work, "t.csv"))
            test_lines = predicted_lines(test_csv)
            hand = None
            if learns:
                reference = os.path.join("searchspaces/examples", REFERENCE[kind])
                hand, _ = predict_score(kind, reference, space, seed, work)
            peer = sklearn_score(space, data, train_lines, test_lines)
            discovered.append(found), peers.append(peer)
            if hand is not None:
                references.append(hand)
            line = {"space": name, "seed": seed, "max_time": args.max_time, "kind": kind,
                    "evaluations": report["evaluations"], "discovered": found, "reference": hand,
                    "sklearn": peer, "program": report["program"]}
            with open(args.out, "a") as out:
                out.write(json.dumps(line) + "\n")
            shown = "—" if hand is None else f"{hand:.3f}"
            print(f"{name} seed {seed}: discovered {found:.3f}, hand-written {shown},"
                  f" scikit-learn {peer:.3f} ({report['evaluations']} individuals)", file=sys.stderr)
    metric = "accuracy" if kind == "classification" else "R²"
    print(f"| {name} | {kind} ({metric}) | {statistics.median(discovered):.3f} "
          f"| {f'{statistics.median(references):.3f}' if references else '—'} | {statistics.median(peers):.3f} |", flush=True)
