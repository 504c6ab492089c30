"""Expected UPGrad weights from the paper's definition, computed independently in NumPy.

    python3 generate.py > expected.json

torchjd (the authors' library) needs PyTorch >= 2.3 and the quadprog package, neither available
here, so this is not the authors' code: it computes UPGrad from Quinton & Rey, "Jacobian Descent
for Multi-Objective Optimization" (arXiv:2406.16232), with the Gramian normalization and ridge of
torchjd at the commit in README.md (read, not run). Each task gradient g_i = J^T e_i is projected
onto the dual cone {v : J v >= 0}; by the paper's Proposition 1 that projection is J^T w_i with

    w_i = argmin_v  v^T Q v   subject to  v >= e_i,   Q = G / tr(G) + reg * I,   G = J J^T,

and UPGrad's weights are the mean (1/K) sum_i w_i (torchjd's default uniform preference vector).
Each program is solved exactly by enumerating its active sets (the KKT conditions: Q v - mu = 0,
mu >= 0, v >= e_i, mu_j (v_j - [i = j]) = 0) and cross-checked with SciPy's L-BFGS-B.
"""
import itertools
import json
import sys

import numpy as np
from scipy.optimize import minimize


def f32(rng, shape, scale=1.0):
    # values exact in single precision, so both sides start from the same numbers
    return (rng.standard_normal(shape) * scale).astype(np.float32).astype(np.float64)


def project(q, u):
    """argmin v^T q v subject to v >= u, by the KKT conditions on every active set."""
    k = len(u)
    found = []
    for r in range(k + 1):
        for active in itertools.combinations(range(k), r):
            a = list(active)
            f = [j for j in range(k) if j not in active]
            v = u.copy()
            if f:
                v[f] = np.linalg.solve(q[np.ix_(f, f)], -q[np.ix_(f, a)] @ u[a])
            mu = q @ v
            if (v[f] >= u[f] - 1e-12).all() and (mu[a] >= -1e-12).all():
                found.append(v)
    assert found, "no KKT point"
    v = min(found, key=lambda x: x @ q @ x)
    check = minimize(lambda x: x @ q @ x, u + 0.1, jac=lambda x: 2 * q @ x, method="L-BFGS-B",
                     bounds=[(b, None) for b in u], options={"ftol": 1e-15, "gtol": 1e-12})
    assert check.fun >= v @ q @ v - 1e-10, (check.fun, v @ q @ v)
    assert np.abs(check.x - v).max() < 1e-4, (check.x, v)
    return v


def upgrad(g, reg):
    gram = g @ g.T
    k = len(g)
    q = gram / np.trace(gram) + reg * np.eye(k)
    return sum(project(q, np.eye(k)[i]) for i in range(k)) / k


def case(name, g, reg):
    w = upgrad(g, reg)
    return {"name": name, "ridge": reg, "gradients": g.tolist(), "weights": w.tolist(),
            "sharedGradient": (g.T @ w).tolist()}


def main():
    rng = np.random.default_rng(20240624)
    g2 = np.array([[1.0, 0.5, -0.25, 2.0], [-1.5, 0.75, 0.5, -1.0]])
    g3 = f32(rng, (3, 6))
    g4 = f32(rng, (4, 8))
    g4[1] *= 3.0
    g5 = f32(rng, (5, 3))
    agree = np.abs(f32(rng, (3, 5)))
    cases = [
        case("two conflicting tasks", g2, 1e-4),
        case("three tasks", g3, 1e-4),
        case("four tasks of unequal norms", g4, 1e-4),
        case("five tasks in three dimensions", g5, 1e-4),
        case("three agreeing tasks", agree, 1e-4),
        case("three tasks, no ridge", g3, 0.0),
        case("four tasks, no ridge", g4, 0.0),
    ]
    json.dump({"reference": "the paper's definition, with torchjd's normalization and ridge",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
