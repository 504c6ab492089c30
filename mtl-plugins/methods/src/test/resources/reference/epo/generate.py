"""Expected EPO search weights from the authors' LP, on fixed task gradients, losses and preferences.

Run with a checkout of github.com/dbmptr/EPOSearch at commit
19f14dd61e1d137fe157d8abada68cba8ae04f83 (not part of this project), in a Python with numpy,
scipy, cvxpy (1.9.3 here) and cvxopt (1.3.3 here; its GLPK is the LP solver the authors' class
calls):

    python3 generate.py /path/to/EPOSearch > expected.json

The authors' class EPO_LP (multiMNIST/epo_lp.py) is imported and used as their training loop
(multiMNIST/epo_train.py) uses it: get_alpha(losses, G=GG, C=True) with GG the Gramian of the
per-task gradients, and the loss weights n_tasks * alpha. Nothing of it is changed.

An LP can have more than one optimal vertex; a case is kept only when its optimum is unique, so
that any correct solver returns the same alpha. This is checked independently: the same LP, written
here from the paper's equations, is solved by scipy's HiGHS, once as it is and once with the
objective's optimal value fixed and each alpha_j minimized and maximized in turn; the case is kept
when every alpha_j has a range below 1e-9 and the authors' alpha lies within 1e-7 of it.
"""
import json
import sys

import numpy as np
from scipy.optimize import linprog

repo = sys.argv[1]
sys.path.insert(0, repo + "/multiMNIST")
from epo_lp import EPO_LP, adjustments  # noqa: E402

COMMIT = "19f14dd61e1d137fe157d8abada68cba8ae04f83"


def f32(values):
    # exactly representable in single precision, as the trainer's Gramian is
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def independent_lp(l, C, r, eps):
    """The authors' two LPs, from the paper's equations, as (objective c, A_ub, b_ub) to maximize."""
    m = len(l)
    rl, mu, a = adjustments(l, r)
    Ca = C @ a
    if mu > eps:
        J = Ca > 0
        rhs = Ca.copy()
        if J.any():
            rhs[J] = -np.inf
            rhs[np.where(rl == np.max(rl))[0]] = 0
        else:
            rhs = np.zeros(m)
        keep = np.isfinite(rhs)
        # C alpha >= rhs  ->  -C alpha <= -rhs
        return "bal", Ca, -C[keep], -rhs[keep]
    rows = [-C, -Ca[None, :]]
    bounds = [np.zeros(m), np.array([-min(np.max(Ca), 0.0)])]
    return "dom", C.sum(axis=0), np.vstack(rows), np.concatenate(bounds)


def unique_optimum(c, A, b):
    m = len(c)
    eq = np.ones((1, m))
    base = linprog(-c, A_ub=A, b_ub=b, A_eq=eq, b_eq=[1.0], bounds=[(0, None)] * m, method="highs")
    assert base.status == 0, base.message
    best = -base.fun
    # every alpha_j over the optimal face: the objective held at its optimum
    A2 = np.vstack([A, -c[None, :]])
    b2 = np.concatenate([b, [-best + 1e-12 * max(1.0, abs(best))]])
    ranges = []
    for j in range(m):
        e = np.zeros(m)
        e[j] = 1
        lo = linprog(e, A_ub=A2, b_ub=b2, A_eq=eq, b_eq=[1.0], bounds=[(0, None)] * m, method="highs")
        hi = linprog(-e, A_ub=A2, b_ub=b2, A_eq=eq, b_eq=[1.0], bounds=[(0, None)] * m, method="highs")
        ranges.append((lo.x[j], hi.x[j]))
    return base.x, ranges


def gradients(rng, k, d, scales, correlation):
    g = rng.standard_normal((k, d))
    mixed = np.sqrt(1 - correlation ** 2) * g + correlation * g[0]
    mixed[0] = g[0]
    return mixed * np.asarray(scales)[:, None]


def case(name, seed, k, d, losses, preference, scales=None, correlation=0.0, eps=1e-4):
    rng = np.random.default_rng(seed)
    g = f32(gradients(rng, k, d, scales if scales is not None else np.ones(k), correlation))
    l = f32(losses)
    r = f32(preference)
    GG = g @ g.T
    lp = EPO_LP(m=k, n=d, r=r, eps=eps)
    alpha = lp.get_alpha(l, G=GG, C=True)
    assert alpha is not None, name
    mode, c, A, b = independent_lp(l, GG, r, eps)
    assert mode == lp.last_move, (name, mode, lp.last_move)
    x, ranges = unique_optimum(c, A, b)
    for j, (lo, hi) in enumerate(ranges):
        assert hi - lo < 1e-9, f"{name}: alpha_{j} not unique over [{lo}, {hi}]"
        assert abs(alpha[j] - x[j]) < 1e-7, f"{name}: GLPK {alpha} vs HiGHS {x}"
    _, mu, a = adjustments(l, r)
    return {
        "name": name,
        "losses": l.tolist(),
        "gradients": g.tolist(),
        "preference": r.tolist(),
        "eps": eps,
        "mode": lp.last_move,
        "mu": float(mu),
        "adjustments": [float(v) for v in a],
        "alpha": [float(v) for v in alpha],
        "weights": [float(v) for v in k * np.asarray(alpha)],
    }


cases = [
    # far from the preference ray: the balance LP
    case("k2-balance", 1, 2, 6, [2.0, 0.5], [0.5, 0.5]),
    case("k2-balance-conflict", 2, 2, 6, [0.3, 1.4], [0.8, 0.2], scales=[1.0, 2.5], correlation=-0.5),
    case("k2-balance-aligned", 3, 2, 6, [1.2, 0.9], [0.25, 0.75], correlation=0.6),
    # on the ray (r_1 l_1 = r_2 l_2, so mu = 0): the descent LP
    case("k2-descent", 4, 2, 6, [1.5, 0.5], [0.25, 0.75], correlation=-0.4),
    case("k2-descent-norms", 5, 2, 8, [0.8, 0.8], [0.5, 0.5], scales=[0.3, 2.0], correlation=0.3),
    # three and four tasks
    case("k3-balance", 6, 3, 8, [1.0, 2.0, 0.5], [0.2, 0.3, 0.5], correlation=0.2),
    case("k3-balance-conflict", 7, 3, 8, [0.6, 0.4, 1.8], [0.5, 0.25, 0.25], scales=[1.0, 0.5, 2.0],
         correlation=-0.3),
    case("k3-descent", 8, 3, 8, [1.0, 2.0, 0.5], [0.5, 0.25, 1.0], correlation=0.1),
    case("k4-balance", 9, 4, 10, [0.9, 1.3, 0.4, 2.2], [0.1, 0.2, 0.3, 0.4], scales=[1.0, 1.5, 0.7, 1.2],
         correlation=0.2),
]
json.dump({"commit": COMMIT, "cases": cases}, sys.stdout, indent=1)
print()
