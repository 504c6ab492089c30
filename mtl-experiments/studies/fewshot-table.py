#!/usr/bin/env python3
"""Few-shot tables over many ./mtl adapt outputs (the few-shot study's step 3).

Reads <dir>/<trunk>-seed<seed>/adapt.json for every adaptation of the study (see the sequence in
fewshot-adapt-multimnist-many.yaml) and prints, in Markdown:
  1. test accuracy of the held-out task by k, per trunk and mode: mean +- sample std over every
     pretraining seed and draw (n values); scratch never reads the trunk but depends on the run's
     seed (the dataset's examples), so it is counted from one run per (architecture, seed) (the
     others that ran it are named, with their largest difference);
  2. the paired gain of each trunk over training from scratch: for every (seed, k, draw) the
     scratch run of the same architecture and seed and the trunk saw the same examples (checked),
     head initialization and batch order, so the difference is taken per (seed, k, draw) before
     averaging;
  3. steps to the target on the validation curve: draws that reached it / all, median steps of those;
  4. the mean validation curve at k = CURVE_K (after 0, 1/10, 1/4, 1/2 and all of the steps);
  5. the cost per trial by architecture and mode.
Steps to target are adapt.json's (at its adapt.target) unless --target T is given: then the first
measured step of each stored curve at which it reaches T (at least T, or at most T for a metric
where lower is better, as ./mtl adapt counts them). Only the standard library. Usage:
  python3 mtl-experiments/studies/fewshot-table.py runs/studies/fewshot-adapt-multimnist-many [--target T]
"""
import json
import os
import re
import statistics
import sys
from collections import defaultdict

CURVE_K = 10
TRUNK_ORDER = ("single-left", "single-right", "equal", "nash-mtl", "cross-stitch")


def fmt(values, digits=4):
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def load(root):
    runs = []
    for name in sorted(os.listdir(root)):
        m = re.fullmatch(r"(.+)-seed(\d+)", name)
        path = os.path.join(root, name, "adapt.json")
        if not m or not os.path.isfile(path):
            continue
        with open(path) as f:
            result = json.load(f)
        if result.get("status") != "completed":
            print(f"<!-- {name}: status {result.get('status')}, left out -->")
            continue
        runs.append((m.group(1), int(m.group(2)), result))
    if not runs:
        sys.exit(f"no completed adapt.json under {root}/<trunk>-seed<seed>/")
    return runs


def main():
    args = sys.argv[1:]
    own_target = None
    if "--target" in args:
        i = args.index("--target")
        own_target = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    runs = load(args[0])
    metric = runs[0][2]["metric"]["name"]
    target = runs[0][2]["metric"]["target"] if own_target is None else own_target
    higher = runs[0][2]["metric"]["higher_is_better"]
    steps = int(runs[0][2]["settings"]["adapt.steps"])
    every = runs[0][2]["evaluation"]["every"]
    curve_steps = sorted({min(steps, every * round(steps * f / every)) for f in (0, 0.1, 0.25, 0.5, 1)})
    ks = sorted({e["k"] for _, _, r in runs for e in r["entries"]})
    trunks = [t for t in TRUNK_ORDER if any(v == t for v, _, _ in runs)]
    trunks += sorted({v for v, _, _ in runs} - set(trunks))
    arch = {v: r["source"]["architecture"] for v, _, r in runs}

    # row (trunk, mode) -> k -> values; a scratch row is ("scratch (<architecture>)", "scratch")
    test = defaultdict(lambda: defaultdict(list))
    reached = defaultdict(lambda: defaultdict(list))
    curves = defaultdict(list)  # row -> the curves at k = CURVE_K, as {step: value}
    seconds = defaultdict(list)  # (architecture, mode) -> seconds of every trial
    # Scratch never reads the trunk but depends on the run's seed (the dataset's examples, hence the
    # draws and the test split) and on adapt.seed: it is keyed by (architecture, seed), counted from
    # one run per key, and a trunk is compared with the scratch of its own architecture and seed only
    # when both drew the same examples.
    scratch = {}  # (architecture, seed, k, draw) -> accuracies of scratch (one per run that had it)
    scratch_runs = defaultdict(set)
    counted = {}  # (architecture, seed) -> the run whose scratch entries the tables count
    draws = {(variant, seed): r.get("draws") for variant, seed, r in runs}
    for variant, seed, r in runs:
        for e in r["entries"]:
            seconds[(arch[variant], e["mode"])].append(e["seconds"])
            if e["mode"] == "scratch":
                first = counted.setdefault((arch[variant], seed), (variant, seed))
                scratch.setdefault((arch[variant], seed, e["k"], e["draw"]), []).append(e["test"][metric])
                scratch_runs[(arch[variant], seed)].add(f"{variant}-seed{seed}")
                if first != (variant, seed):
                    continue
            row = ("scratch (" + arch[variant] + ")", "scratch") if e["mode"] == "scratch" else (variant, e["mode"])
            test[row][e["k"]].append(e["test"][metric])
            if own_target is None:
                reached[row][e["k"]].append(e.get("steps_to_target"))
            else:
                reached[row][e["k"]].append(next((p["step"] for p in e["curve"]
                                                  if (p["value"] >= own_target if higher else p["value"] <= own_target)),
                                                 None))
            if e["k"] == CURVE_K:
                curves[row].append({p["step"]: p["value"] for p in e["curve"]})

    rows = [(t, m) for t in trunks for m in ("frozen", "fine-tune") if (t, m) in test]
    rows += sorted(r for r in test if r[1] == "scratch")
    n_seeds = len({s for _, s, _ in runs})
    scratch_seeds = {a: sorted(s for aa, s in counted if aa == a) for a, _ in counted}
    scratch_note = ("; scratch over the seeds it ran with × draws: "
                    + ", ".join(f"{a} seeds {', '.join(map(str, s))}" for a, s in sorted(scratch_seeds.items()))
                    if scratch_seeds else "")
    print(f"**Test {metric} of `{runs[0][2]['task']}` by k** (mean ± sample std over "
          f"{n_seeds} pretraining seeds × draws{scratch_note}):\n")
    print("| trunk | mode | " + " | ".join(f"k = {k}" for k in ks) + " |")
    print("|---|---|" + "---:|" * len(ks))
    for t, m in rows:
        print(f"| {t} | {m} | " + " | ".join(fmt(test[(t, m)][k]) for k in ks) + " |")

    if scratch:
        print(f"\n**Gain over scratch** (test {metric} minus that of scratch with the same architecture, seed, "
              "k and draw, which drew the same examples; mean ± std over seeds × draws):\n")
        print("| trunk | mode | " + " | ".join(f"k = {k}" for k in ks) + " |")
        print("|---|---|" + "---:|" * len(ks))
        for t, m in rows:
            if m == "scratch":
                continue
            cells = []
            for k in ks:
                diffs = []
                for variant, seed, r in runs:
                    if variant != t:
                        continue
                    ref = counted.get((arch[variant], seed))
                    if ref is None or draws[ref] != draws[(variant, seed)]:
                        continue
                    for e in r["entries"]:
                        base = scratch.get((arch[variant], seed, k, e["draw"]))
                        if e["mode"] == m and e["k"] == k and base:
                            diffs.append(e["test"][metric] - statistics.mean(base))
                cells.append(fmt(diffs, 3) if diffs else "—")
            print(f"| {t} | {m} | " + " | ".join(cells) + " |")
        for (a, sd), names in sorted(scratch_runs.items()):
            spread = max((max(v) - min(v) for (aa, ss, _, _), v in scratch.items() if (aa, ss) == (a, sd)),
                         default=0.0)
            print(f"\n<!-- scratch ({a}, seed {sd}) ran in {', '.join(sorted(names))}; largest difference "
                  f"between them at one (k, draw): {spread:.6f} -->")
        missing = sorted(f"{v}-seed{sd}" for v, sd, _ in runs if (arch[v], sd) not in counted)
        if missing:
            print(f"\n<!-- no scratch run of the same architecture and seed for: {', '.join(missing)} -->")

    print(f"\n**Steps to {target} validation {metric}** (draws that reached it / all; median steps of "
          "those):\n")
    print("| trunk | mode | " + " | ".join(f"k = {k}" for k in ks) + " |")
    print("|---|---|" + "---:|" * len(ks))
    for t, m in rows:
        cells = []
        for k in ks:
            steps = reached[(t, m)][k]
            hit = [s for s in steps if s is not None]
            cells.append(f"{len(hit)}/{len(steps)}" + (f", {statistics.median(hit):g}" if hit else ""))
        print(f"| {t} | {m} | " + " | ".join(cells) + " |")

    print(f"\n**Validation curve at k = {CURVE_K}** (mean {metric} after this many steps):\n")
    print("| trunk | mode | " + " | ".join(f"step {s}" for s in curve_steps) + " |")
    print("|---|---|" + "---:|" * len(curve_steps))
    for t, m in rows:
        points = curves[(t, m)]
        cells = []
        for s in curve_steps:
            vals = [p[s] for p in points if s in p]
            cells.append(f"{statistics.mean(vals):.3f}" if vals else "—")
        print(f"| {t} | {m} | " + " | ".join(cells) + " |")

    print("\n**Cost per trial** (seconds, mean over every k and draw):\n")
    print("| architecture | mode | trials | seconds per trial |")
    print("|---|---|---:|---:|")
    for (a, m), s in sorted(seconds.items()):
        print(f"| {a} | {m} | {len(s)} | {statistics.mean(s):.1f} |")
    once = [r["cost"]["frozen_features_once"]["seconds"] for _, _, r in runs
            if "frozen_features_once" in r.get("cost", {})]
    if once:
        print(f"\nFrozen features of the curve and test examples, once per command: "
              f"{statistics.mean(once):.1f} s on average.")


if __name__ == "__main__":
    main()
