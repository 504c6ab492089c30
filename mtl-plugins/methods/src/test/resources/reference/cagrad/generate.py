"""Expected CAGrad from LibMTL's CAGrad, on fixed task gradients.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

LibMTL's package __init__ imports every method (and their optional dependencies), so only
abstract_weighting.py and CAGrad.py are loaded, from their files. The "network" is one shared
parameter vector theta with linear task losses L_t = g_t . theta, so the task gradients are exactly
the given g_t. CAGrad solves its inner problem with SciPy's SLSQP at SciPy's default tolerance
(ftol 1e-6), which leaves the update off by up to about 1e-4 relative in these cases; so that the
expected values are the method's and not the solver's rounding, the module's `minimize` is wrapped
to pass ftol 1e-15 and maxiter 1000 (the same problem, solved to convergence). The update is also
written as weights of the task gradients (least squares; the gradients are linearly independent).
"""
import importlib.util
import json
import sys
import types

import numpy as np
import torch
from scipy.optimize import minimize


def load(root, name):
    spec = importlib.util.spec_from_file_location(
        "LibMTL.weighting." + name, f"{root}/LibMTL/weighting/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def f32(rng, shape, scale=1.0):
    # values exact in single precision, so both sides start from the same numbers
    return (rng.standard_normal(shape) * scale).astype(np.float32).astype(np.float64)


def converged(fun, x0, **kwargs):
    return minimize(fun, x0, options={"ftol": 1e-15, "maxiter": 1000}, **kwargs)


def case(module, name, rng, g, calpha, rescale):
    k, p = g.shape

    class Model(module.CAGrad):
        def __init__(self):
            super().__init__()
            self.task_num = k
            self.device = torch.device("cpu")
            self.rep_grad = False
            self.theta = torch.nn.Parameter(torch.tensor(f32(rng, (p,))))

        def get_share_params(self):
            return [self.theta]

        def zero_grad_share_params(self):
            self.theta.grad = torch.zeros_like(self.theta)

    model = Model()
    gt = torch.tensor(g)
    losses = [gt[t] @ model.theta for t in range(k)]
    w = model.backward(losses, calpha=calpha, rescale=rescale)
    update = model.theta.grad.numpy()
    weights, *_ = np.linalg.lstsq(g.T, update, rcond=None)
    assert np.allclose(g.T @ weights, update, rtol=0, atol=1e-12)
    return {
        "name": name,
        "c": calpha,
        "rescale": rescale,
        "gradients": g.tolist(),
        # LibMTL's returned w*, the minimizer on the simplex
        "simplexWeights": np.asarray(w).tolist(),
        "sharedGradient": update.tolist(),
        # the update as weights of the task gradients
        "weights": weights.tolist(),
    }


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "CAGrad")
    module.minimize = converged
    rng = np.random.default_rng(20211206)
    g2 = np.array([[1.0, 0.5, -0.25, 2.0], [-1.5, 0.75, 0.5, -1.0]])
    g3 = f32(rng, (3, 6))
    g4 = f32(rng, (4, 8))
    g4[1] *= 3.0
    cases = [
        case(module, "two tasks, c 0.4, rescale 1", rng, g2, 0.4, 1),
        case(module, "three tasks, c 0.4, rescale 1", rng, g3, 0.4, 1),
        case(module, "four tasks of unequal norms, c 0.4, rescale 1", rng, g4, 0.4, 1),
        case(module, "three tasks, c 0.5, rescale 0", rng, g3, 0.5, 0),
        case(module, "four tasks, c 0.9, rescale 2", rng, g4, 0.9, 2),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/CAGrad.py",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
