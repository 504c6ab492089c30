"""Expected Nash-MTL weights from the authors' solver, for NashMtlReferenceTest.

Run outside the project, with the authors' repository checked out at the commit named in
README.md and on PYTHONPATH, in a Python with numpy, cvxpy and ecos (no torch needed):

    PYTHONPATH=/path/to/nash-mtl python generate.py > expected.json

The authors' module imports torch at the top but their solver (NashMTL.solve_optimization and
the convex program of _init_optim_problem) uses numpy and cvxpy only; torch is replaced by a stub
so the module imports where torch cannot be installed next to numpy 2. get_weighted_loss's own
steps around the solver are repeated here as it writes them: the Gramian GTG = G Gᵀ of the
per-task shared gradients, normalization_factor = ‖GTG‖_F, and the solver called on GTG divided
by it. Each case starts from a fresh NashMTL (prvs_alpha = 1), as at a run's first update; the
sequence case reuses one instance for consecutive Gramians, as consecutive updates do.
"""
import json
import sys
from unittest import mock

import cvxpy  # noqa: F401  (imported before the stub: scipy probes sys.modules for torch)
import numpy as np
import scipy.optimize  # noqa: F401
import scipy.stats  # noqa: F401

for name in ["torch", "torch.nn", "torch.nn.functional"]:
    sys.modules[name] = mock.MagicMock()

from methods.weight_methods import NashMTL  # noqa: E402


def gradients(seed, k, d, spread):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((k, d))
    # norms spread over `spread` decades, directions random
    scales = 10.0 ** (spread * rng.uniform(-0.5, 0.5, size=k))
    return g * scales[:, None]


def authors_alpha(method, g):
    gtg = g @ g.T
    method.normalization_factor = np.array([np.linalg.norm(gtg)])
    return method.solve_optimization(gtg / method.normalization_factor.item())


def fresh(k):
    method = NashMTL(n_tasks=k, device="cpu")
    method._init_optim_problem()
    return method


cases = []
specs = [(1, 2, 6, 0.0), (2, 2, 6, 2.0), (3, 3, 8, 1.0), (4, 3, 8, 3.0), (5, 4, 10, 1.5),
         (6, 5, 12, 1.0), (7, 3, 4, 0.5)]
for seed, k, d, spread in specs:
    g = gradients(seed, k, d, spread)
    alpha = authors_alpha(fresh(k), g)
    gtg = g @ g.T
    cases.append({
        "name": f"seed{seed}-k{k}",
        "gradients": g.tolist(),
        "alpha": [float(a) for a in alpha],
        # max_i |α_i (Gα)_i − 1| on the raw Gramian: how close the authors' answer is to the fixed point
        "residual": float(np.max(np.abs(alpha * (gtg @ alpha) - 1))),
        # the same on the normalized Gramian, the condition `gramian-norm` solved
        "normalized_residual": float(np.max(np.abs(alpha * ((gtg / np.linalg.norm(gtg)) @ alpha) - 1))),
    })

# consecutive updates of one instance (warm-started from the previous alpha)
method = fresh(3)
sequence = []
for seed in [11, 12, 13]:
    g = gradients(seed, 3, 8, 1.0)
    alpha = authors_alpha(method, g)
    sequence.append({"gradients": g.tolist(), "alpha": [float(a) for a in alpha]})
json.dump({"cases": cases, "sequence": sequence}, sys.stdout, indent=1)
print()
