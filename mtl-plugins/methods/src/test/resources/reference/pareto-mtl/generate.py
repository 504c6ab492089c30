"""Expected Pareto MTL task weights from the authors' code, on fixed task gradients and losses.

Run with a checkout of github.com/Xi-L/ParetoMTL at commit
0407f354407444f48e405da41950b1b19bc56ce8 (not part of this project), with Debian's python3,
python3-torch (1.13) and python3-numpy:

    python3 generate.py /path/to/ParetoMTL > expected.json

multiMNIST/train.py starts a full training run when imported, so its source is parsed and only
its functions get_d_paretomtl_init, get_d_paretomtl and circle_points are executed, unchanged,
with the authors' MinNormSolver from multiMNIST/min_norm_solvers.py. The authors' code moves a few
tensors to the GPU with .cuda(); here Tensor.cuda returns the tensor itself, so it runs on the CPU.

The authors' min-norm solver stops when an iteration changes the weights by less than 1e-5 (L1),
which leaves its answer up to about 1e-4 relative off the min-norm point. So that the expected
values are the method's and not the solver's stopping point, its class constant STOP_CRIT is set
to 1e-14 (its iteration cap MAX_ITER is never consulted: the loop does not count its iterations).
Nothing else is changed.

What is recorded, per case: the losses l, the task gradients g (rows), the reference vectors and
the index of the run's vector; for the initial phase, the authors' flag (a feasible solution is
reached: no constraint active) and their weights Σ_j λ_j (u_j − u_i) (unnormalized, as their
training loop uses them); for the main phase, their weights from get_d_paretomtl and the weights
their training loop then uses, w · n_tasks / Σ|w|.
"""
import ast
import json
import sys

import numpy as np
import torch

repo = sys.argv[1]
sys.path.insert(0, repo + "/multiMNIST")
from min_norm_solvers import MinNormSolver  # noqa: E402

MinNormSolver.STOP_CRIT = 1e-14
torch.Tensor.cuda = lambda self, *args, **kwargs: self

with open(repo + "/multiMNIST/train.py") as f:
    tree = ast.parse(f.read())
wanted = {"get_d_paretomtl_init", "get_d_paretomtl", "circle_points"}
module = ast.Module(body=[n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in wanted],
                    type_ignores=[])
namespace = {"torch": torch, "np": np, "MinNormSolver": MinNormSolver}
exec(compile(module, repo + "/multiMNIST/train.py", "exec"), namespace)
assert wanted <= set(namespace)


def f32(values):
    # inputs exactly representable in single precision: the Gramian the trainer computes in
    # single precision then starts from the same numbers
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def case(name, seed, npref, pref_idx, losses, d=6, scales=(1.0, 1.0), correlation=0.0):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((2, d))
    g[1] = correlation * g[0] + np.sqrt(1 - correlation ** 2) * g[1]
    g = f32(g * np.asarray(scales)[:, None])
    l = f32(losses)
    ref = namespace["circle_points"]([1], [npref])[0]
    # double precision throughout (the authors' training is in single precision), so the expected
    # weights carry no single-precision rounding of the solver's inner products
    ref_vec = torch.tensor(ref)
    grads = torch.tensor(g)
    value = torch.tensor(l)
    flag, init = namespace["get_d_paretomtl_init"](grads, value, ref_vec, pref_idx)
    main = namespace["get_d_paretomtl"](grads, value, ref_vec, pref_idx)
    main = torch.as_tensor(main, dtype=torch.float64)
    used = main * (2 / torch.sum(torch.abs(main)))
    # the constraints the authors' code finds active: (u_j - u_i) . l / |l| > 0
    w = ref_vec - ref_vec[pref_idx]
    active = (torch.matmul(w, value / torch.norm(value)) > 0).nonzero().flatten()
    return {
        "name": name,
        "losses": l.tolist(),
        "gradients": g.tolist(),
        "references": ref.tolist(),
        "index": pref_idx,
        "active": [int(a) for a in active],
        "init_feasible": bool(flag),
        "init_weights": [float(x) for x in torch.as_tensor(init, dtype=torch.float64)],
        "main_weights": [float(x) for x in main],
        "step_weights": [float(x) for x in used],
    }


cases = [
    # the run's vector is the middle one of five (45 degrees); the loss vector's angle decides
    # which constraints (u_j - u_i) . l > 0 are active
    case("one-active", 1, 5, 2, [2.0, 1.2]),
    case("two-active", 2, 5, 2, [2.0, 0.7]),
    case("two-active-other-side", 3, 5, 2, [0.3, 2.5], scales=(0.5, 2.0)),
    # the loss vector in the run's own sector: no constraint, the two task gradients alone
    case("feasible", 4, 5, 2, [1.0, 1.1], correlation=-0.3),
    # the end vectors (1, 0) and (0, 1), every other vector's constraint active
    case("first-vector", 5, 5, 0, [0.5, 1.5], scales=(1.0, 3.0)),
    case("last-vector", 6, 5, 4, [1.5, 0.4]),
    # seven reference vectors, conflicting gradients of different norms
    case("seven-refs", 7, 7, 1, [0.4, 2.0], d=10, scales=(0.2, 1.5), correlation=-0.6),
    case("seven-refs-near", 8, 7, 5, [1.0, 1.6], d=8, correlation=0.4),
    case("seven-refs-far", 9, 7, 3, [2.5, 0.3], d=8, scales=(3.0, 0.5), correlation=0.2),
]
json.dump({"commit": "0407f354407444f48e405da41950b1b19bc56ce8", "cases": cases}, sys.stdout, indent=1)
print()
