"""Expected cross-stitch unit outputs, computed independently in numpy from the paper's equation.

Misra, Shrivastava, Gupta & Hebert, Cross-stitch Networks for Multi-task Learning, CVPR 2016, eq. (1):
the unit maps activations x_A, x_B (at one location) to [x~_A, x~_B]^T = [[a_AA, a_AB], [a_BA, a_BB]]
[x_A, x_B]^T, i.e. x~_i = sum_j alpha_ij x_j, for T columns. The authors released no code, so this is
an independent computation: one alpha per unit, and one alpha per channel (axis 1 of (batch, C, H, W)).

Usage: python3 generate.py > expected.json
"""
import json
import sys

import numpy as np

rng = np.random.default_rng(1604035)
cases = []
for tasks, shape, per_channel in [(2, (3, 5), False), (3, (2, 4, 3, 3), False), (3, (2, 4, 3, 3), True), (4, (3, 6), True)]:
    x = rng.normal(size=(tasks,) + shape).astype(np.float32)
    channels = shape[1]
    if per_channel:
        alpha = rng.uniform(-0.5, 1.0, size=(channels, tasks, tasks)).astype(np.float32)
        out = np.zeros_like(x, dtype=np.float64)
        for c in range(channels):
            for i in range(tasks):
                for j in range(tasks):
                    out[i][:, c] += alpha[c, i, j].astype(np.float64) * x[j][:, c]
    else:
        alpha = rng.uniform(-0.5, 1.0, size=(tasks, tasks)).astype(np.float32)
        out = np.zeros_like(x, dtype=np.float64)
        for i in range(tasks):
            for j in range(tasks):
                out[i] += alpha[i, j].astype(np.float64) * x[j]
    cases.append({"per_channel": per_channel, "shape": list(shape), "alpha": alpha.ravel().tolist(),
                  "alpha_shape": list(alpha.shape), "inputs": [a.ravel().tolist() for a in x],
                  "outputs": [a.ravel().tolist() for a in out]})
json.dump({"equation": "Misra et al. 2016, eq. (1), numpy", "cases": cases}, sys.stdout)
print()
