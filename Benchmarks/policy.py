#!/usr/bin/env python3
"""Policy-objective benchmark: the shipped objectives (PPO's clipped surrogate, the vanilla
policy gradient, DPO's drift) trained on the final tasks of searchspaces/policy_objective.yaml
at the shipped training budget and at held-out budgets, and optionally searches from random
objectives, whose best program is scored the same way. Prints one table and appends raw
lines to a JSONL file.

Usage: Benchmarks/policy.py [--steps 15000,30000,60000] [--seeds 1...1 --max-time 10m]
                            [--workers 2] [--bin PATH] [--out FILE] [--no-search]
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--space", default="searchspaces/policy_objective.yaml")
parser.add_argument("--steps", default="15000,30000,60000",
                    help="training budgets of the final tasks; the first is the shipped one,"
                         " 60,000 the trainer's default")
parser.add_argument("--seeds", default="1...1", help="search seeds")
parser.add_argument("--max-time", default="10m")
parser.add_argument("--workers", default="2")
parser.add_argument("--no-search", action="store_true")
parser.add_argument("--held-out-length", type=int, default=5,
                    help="a chain length never searched on, scored at the shipped budget")
parser.add_argument("--bin", default=os.environ.get("GALAPAGOS_BIN", ".build/release/galapagos"))
parser.add_argument("--out", default="Benchmarks/results/policy.jsonl")
args = parser.parse_args()
os.makedirs(os.path.dirname(args.out), exist_ok=True)
text = open(args.space).read()
marker = "final: {generator: environment,"
if not any(line.lstrip().startswith(marker) and "steps:" in line for line in text.splitlines()):
    sys.exit(f"{args.space}: expected a line starting '{marker}' with 'steps:'")
work = tempfile.mkdtemp(prefix="galapagos-policy-")


final_line = next(line for line in text.splitlines() if line.lstrip().startswith(marker))


def space_with(steps, length=None):
    """The search space with its final tasks trained for `steps` environment steps (and, when
    given, on a chain of `length` states)."""
    path = os.path.join(work, f"policy-{steps}-{length}.yaml")
    changed = re.sub(r"steps: \d+", f"steps: {steps}", final_line)
    rest = text.replace(final_line, changed)
    if length is not None:
        rest = re.sub(r"(final: \{[^}]*length: )\d+", lambda m: m.group(1) + str(length), rest, flags=re.S)
    with open(path, "w") as handle:
        handle.write(rest)
    return path


def score(program_path, steps, length=None):
    """Mean greedy return per environment over the final tasks, and seconds per task."""
    run = subprocess.run([args.bin, "eval", program_path, "--searchspace", space_with(steps, length),
                          "--tasks", "final", "--json"], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"eval {program_path} failed: {run.stderr.strip()[-400:]}")
    report = json.loads(run.stdout.strip().splitlines()[-1])
    tasks = len(report["returns"])
    by_environment = {}
    for index, value in enumerate(report["returns"]):
        environment = "cartpole" if index % 2 == 0 else "chain"
        by_environment.setdefault(environment, []).append(value)
    return by_environment, report["seconds"] / tasks


def record(line):
    line["load"] = round(os.getloadavg()[0], 2)
    with open(args.out, "a") as handle:
        handle.write(json.dumps(line) + "\n")


rows = []
programs = [("PPO (clipped)", "searchspaces/examples/ppo_clip.gal"),
            ("vanilla policy gradient", "searchspaces/examples/vanilla_pg.gal"),
            ("DPO (drift)", "searchspaces/examples/dpo_drift.gal")]
if not args.no_search:
    low, high = (int(x) for x in args.seeds.split("..."))
    for seed in range(low, high + 1):
        started = time.time()
        run = subprocess.run([args.bin, "evolve", "--searchspace", args.space, "--seed", str(seed),
                              "--max-time", args.max_time, "--workers", args.workers, "--no-save",
                              "--quiet", "--json"], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"seed {seed}: evolve failed ({run.returncode}): {run.stderr.strip()[-400:]}")
        report = json.loads(run.stdout.strip().splitlines()[-1])
        path = os.path.join(work, f"discovered-{seed}.gal")
        with open(path, "w") as handle:
            handle.write(report["program"])
        record({"kind": "search", "seed": seed, "max_time": args.max_time, "workers": args.workers,
                "individuals": report["evaluations"], "fec_hits": report["fec_hits"],
                "select": report["select_fitness"], "test": report["test_fitness"],
                "seconds": round(time.time() - started, 1), "program": report["program"],
                "simplified": report.get("simplified_program")})
        print(f"seed {seed}: {report['evaluations']:,} individuals, select {report['select_fitness']:.4f};"
              f" simplified:\n{report.get('simplified_program') or report['program']}", flush=True)
        programs.append((f"discovered, seed {seed}", path))

budgets = [int(s) for s in args.steps.split(",")]
print("| objective | " + " | ".join(f"CartPole, {b:,} steps | chain, {b:,} steps" for b in budgets)
      + f" | chain of {args.held_out_length} states, {budgets[0]:,} steps | seconds per task |")
print("| --- |" + " --- | --- |" * len(budgets) + " --- | --- |")
for name, path in programs:
    cells, per_task = [], None
    for steps in budgets:
        returns, seconds = score(path, steps)
        per_task = per_task or seconds
        cartpole, chain = returns["cartpole"], returns["chain"]
        solved = sum(1 for value in cartpole if value >= 475)
        cells.append(f"{statistics.mean(cartpole):.1f} ({solved}/{len(cartpole)} ≥ 475)")
        cells.append(f"{statistics.mean(chain):.1f}")
        record({"kind": "score", "objective": name, "program": path, "steps": steps,
                "cartpole": cartpole, "chain": chain, "seconds_per_task": seconds})
    returns, _ = score(path, budgets[0], args.held_out_length)
    cells.append(f"{statistics.mean(returns['chain']):.1f}")
    record({"kind": "score", "objective": name, "program": path, "steps": budgets[0],
            "chain_length": args.held_out_length, "chain": returns["chain"]})
    print(f"| {name} | " + " | ".join(cells) + f" | {per_task:.3f} |", flush=True)
