"""Expected TAG groupings (Fifty et al., NeurIPS 2021) from fixed inter-task affinities, produced by
running the authors' network-selection code.

The selection code lives in google-research/google-research,
tag/network_selection/TAG_network_selection.ipynb at commit
dec705a28fea05552916c0b83c52f5f23609e8ee (the three "Network Selection" cells: gen_task_combinations,
the per-group normalization, select_groups). Put those cells, unchanged but for the two print
calls and with `splits` read from a global, into one file outside this project, and run

    python3 generate.py PATH/TO/that_file.py > expected.json

Each case sets the global revised_integrals (revised_integrals[a][b]: the affinity of a step on b
onto a, as the authors' Taskonomy code stores it after inverting its transference dictionary) and
splits (the most groups), executes the file, and records the groups it selects and the mean over
tasks of each task's best in-group affinity. expected.json also holds each case's matrix the way
this project stores it (lookahead[i][j]: a step on i onto j, the transpose).
"""
import json
import sys

import numpy as np

# the authors' Taskonomy TAG affinities, from the same notebook (its "TAG average inter-task affinities" cell)
TASKONOMY = {
    'ss_l': {'ss_l': 11.999321423965947, 'norm_l': 0.04891036220837213, 'depth_l': 0.11537429894122785,
             'key_l': 0.00454724706606927, 'edge2d_l': 0.008776140044461892},
    'depth_l': {'ss_l': 0.41355850961858076, 'norm_l': 0.2914147606289435, 'depth_l': 7.3276368896443556,
                'key_l': 0.01353652075974951, 'edge2d_l': 0.07395688217092156},
    'norm_l': {'ss_l': 0.13982367687578146, 'norm_l': 1.070989344832557, 'depth_l': 0.22096194178241185,
               'key_l': 0.010493772045577332, 'edge2d_l': 0.07645966827511533},
    'key_l': {'ss_l': 0.021098526716001414, 'norm_l': 0.010729013557423, 'depth_l': 0.013365983131803236,
              'key_l': 0.7338844180545812, 'edge2d_l': 0.6897358940641894},
    'edge2d_l': {'ss_l': 0.056692022190245474, 'norm_l': 0.03600666458561003, 'depth_l': 0.03668338077695892,
                 'key_l': 0.30372134710544996, 'edge2d_l': 5.9661909882444615},
}


def random_case(seed, n):
    rng = np.random.default_rng(seed)
    names = [f"t{i}" for i in range(n)]
    m = rng.normal(size=(n, n))
    return {a: {b: float(m[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)}


def run(reference_file, integrals, splits):
    scope = {"revised_integrals": integrals, "splits": splits}
    with open(reference_file) as f:
        exec(compile(f.read(), reference_file, "exec"), scope)
    groups = [sorted(g.split("|"), key=list(integrals).index) for g in scope["selected_group"]]
    return groups, float(scope["selected_val"][0])


def main():
    reference_file = sys.argv[1]
    cases = []
    inputs = [("taskonomy", TASKONOMY)] + [(f"random-{s}", random_case(s, 6)) for s in (1, 2)]
    for name, integrals in inputs:
        tasks = list(integrals)
        lookahead = [[integrals[j][i] for j in tasks] for i in tasks]
        for splits in (1, 2, 3):
            groups, value = run(reference_file, integrals, splits)
            cases.append({"name": name, "tasks": tasks, "lookahead": lookahead, "groups_at_most": splits,
                          "groups": groups, "mean_affinity": value})
    print(json.dumps({"reference": "google-research/google-research@dec705a28fea05552916c0b83c52f5f23609e8ee"
                                   " tag/network_selection/TAG_network_selection.ipynb",
                      "cases": cases}, indent=1))


main()
