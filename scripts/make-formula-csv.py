#!/usr/bin/env python3
"""Writes searchspaces/data/formula.csv: y = x0 * x1 + sin(x2), 300 rows, x uniform in [-2, 2].

The symbolic-regression CSV example (searchspaces/symbolic_csv.yaml) is sampled from a known
formula so that a recovered program can be checked exactly. Seeded: the file is reproducible.
"""
import math
import random
import sys

random.seed(20261202)
path = sys.argv[1] if len(sys.argv) > 1 else "searchspaces/data/formula.csv"
with open(path, "w") as out:
    out.write("x0,x1,x2,y\n")
    for _ in range(300):
        x = [random.uniform(-2, 2) for _ in range(3)]
        y = x[0] * x[1] + math.sin(x[2])
        out.write(",".join(f"{v:.6f}" for v in x) + f",{y:.9f}\n")
