"""Expected network selections of Standley et al. (ICML 2020) on fixed loss tables, produced by the
authors' selection code.

Their code: github.com/tstandley/taskgrouping, network_selection/main.cpp at commit
bb1496e42ff442b7ac69e6f227060b8023325d07 (get_best_networks, translate_scores_to_test_set,
higher_order_approximation), fixed at five tasks. Its candidates, read from a loss table: the
first line holds one half-size single-task network per task (cost 0.5 each), every further line a
full-size network (cost 1) with its loss on the tasks it was trained on. A choice is made on the
validation table and scored on the test table (each task's best test loss among the chosen
networks).

    git --git-dir=MIRROR archive bb1496e network_selection/main.cpp | tar -x -C /tmp/ref
    g++ -O2 -std=c++14 -I /tmp/ref/network_selection driver.cpp -o /tmp/ref/driver
    python3 generate.py /tmp/ref/driver > expected.json
"""
import itertools
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

T = 5


def table(rng):
    """Half-size singles, then every non-empty subset; a shared-network loss is a single's loss
    times a factor per task pair effect, so some groups help and some hurt."""
    base = rng.uniform(0.05, 0.2, size=T)
    effect = rng.normal(0.0, 0.06, size=(T, T))
    half = base * rng.uniform(1.02, 1.12, size=T)
    subsets = [s for r in range(1, T + 1) for s in itertools.combinations(range(T), r)]
    rows = []
    for s in subsets:
        row = [None] * T
        for a in s:
            row[a] = base[a] * (1 + sum(effect[a][b] for b in s if b != a) / max(1, len(s) - 1) * min(len(s) - 1, 1)
                                + rng.normal(0, 0.01))
        rows.append(row)
    return list(half), subsets, rows


def write(path, half, rows):
    with open(path, "w") as f:
        f.write("\t".join(f"{v:.6f}" for v in half) + "\n")
        for row in rows:
            f.write("\t".join("" if v is None else f"{v:.6f}" for v in row) + "\n")


def parse(line):
    head, *networks = line.split(" |")
    label, budget, val, test = head.split()
    chosen = []
    for n in networks:
        values = n.split()
        cost = float(values[values.index("cost") + 1])
        losses = [float(v) for v in values[:T]]
        chosen.append({"tasks": [t for t in range(T) if losses[t] < 99], "cost": cost})
    return label, float(budget), float(val), float(test), chosen


def main():
    driver = sys.argv[1]
    cases = []
    for seed in (1, 2, 3):
        rng = np.random.default_rng(seed)
        half, subsets, val_rows = table(rng)
        # test losses: the validation losses with independent noise, so a choice can rank differently
        test_half = [v * (1 + rng.normal(0, 0.03)) for v in half]
        test_rows = [[None if v is None else v * (1 + rng.normal(0, 0.03)) for v in row] for row in val_rows]
        with tempfile.TemporaryDirectory() as d:
            write(os.path.join(d, "val.txt"), half, val_rows)
            write(os.path.join(d, "test.txt"), test_half, test_rows)
            out = subprocess.run([driver, os.path.join(d, "val.txt"), os.path.join(d, "test.txt")],
                                 check=True, capture_output=True, text=True).stdout
        # the values as written (six decimals), which is what the authors' code read
        rnd = lambda v: None if v is None else float(f"{v:.6f}")
        choices = [dict(zip(("method", "budget", "validation_loss", "test_loss", "networks"), parse(l)))
                   for l in out.strip().splitlines()]
        cases.append({"seed": seed, "tasks": T,
                      "validation": {"half": [rnd(v) for v in half], "networks": [[rnd(v) for v in r] for r in val_rows]},
                      "test": {"half": [rnd(v) for v in test_half], "networks": [[rnd(v) for v in r] for r in test_rows]},
                      "subsets": [list(s) for s in subsets],
                      "choices": choices})
    print(json.dumps({"reference": "tstandley/taskgrouping@bb1496e42ff442b7ac69e6f227060b8023325d07"
                                   " network_selection/main.cpp", "cases": cases}, indent=1))


main()
