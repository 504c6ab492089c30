#!/usr/bin/env python3
"""Writes table.csv, the csv dataset's example: 400 rows of 8 features, a 3-class task `kind` (the
largest of three linear scores) and a regression task `amount` (a linear rule plus noise), about a
quarter of each task's labels left empty (missing), an ignored `id` column and a `split` column.
Only the standard library; the same seed writes the same file."""
import random

random.seed(4)
FEATURES = 8
scores = [[random.gauss(0, 1) for _ in range(FEATURES)] for _ in range(3)]
rule = [random.gauss(0, 1) for _ in range(FEATURES)]
with open("table.csv", "w", newline="\n") as out:
    out.write("id," + ",".join(f"x{f}" for f in range(FEATURES)) + ",kind,amount,split\n")
    for row in range(400):
        x = [random.gauss(0, 1) for _ in range(FEATURES)]
        kind = max(range(3), key=lambda k: sum(w * v for w, v in zip(scores[k], x)))
        amount = sum(w * v for w, v in zip(rule, x)) + random.gauss(0, 0.1)
        split = "validation" if row % 10 == 8 else "test" if row % 10 == 9 else "train"
        kind_cell = "" if random.random() < 0.25 else str(kind)
        amount_cell = "" if random.random() < 0.25 else f"{amount:.3f}"
        out.write(f"r{row}," + ",".join(f"{v:.3f}" for v in x) + f",{kind_cell},{amount_cell},{split}\n")
