"""Expected Aligned-MTL from LibMTL's Aligned_MTL, on fixed task gradients.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

LibMTL's package __init__ imports every method (and their optional dependencies), so only
abstract_weighting.py and Aligned_MTL.py are loaded, from their files. The "network" is one shared
parameter vector theta with linear task losses L_t = g_t . theta, so the task gradients are exactly
the given g_t. It runs in single precision, as the authors trained: the rank tolerance
K * lambda_max * eps uses the default dtype's eps, which is single precision's, as in this project.
One case has a task gradient that is the sum of two others (rank K - 1).
"""
import importlib.util
import json
import sys
import types

import numpy as np
import torch


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


def case(module, name, rng, g):
    k, p = g.shape

    class Model(module.Aligned_MTL):
        def __init__(self):
            super().__init__()
            self.task_num = k
            self.device = torch.device("cpu")
            self.rep_grad = False
            self.theta = torch.nn.Parameter(torch.tensor(f32(rng, (p,)), dtype=torch.float32))

        def get_share_params(self):
            return [self.theta]

        def zero_grad_share_params(self):
            self.theta.grad = torch.zeros_like(self.theta)

    model = Model()
    gt = torch.tensor(g, dtype=torch.float32)
    losses = [gt[t] @ model.theta for t in range(k)]
    alpha = model.backward(losses)
    return {
        "name": name,
        "gradients": g.tolist(),
        "alpha": np.asarray(alpha, dtype=np.float64).tolist(),
        "sharedGradient": model.theta.grad.numpy().astype(np.float64).tolist(),
    }


def main():
    root = sys.argv[1]
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "Aligned_MTL")
    rng = np.random.default_rng(20230618)
    g2 = np.array([[1.0, 0.5, -0.25, 2.0], [-1.5, 0.75, 0.5, -1.0]])
    g3 = f32(rng, (3, 6))
    g3[2] *= 4.0
    g4 = f32(rng, (4, 8))
    g4r = g4.copy()
    g4r[3] = g4r[0] + g4r[1]
    cases = [
        case(module, "two tasks", rng, g2),
        case(module, "three tasks of unequal norms", rng, g3),
        case(module, "four tasks, 8 shared parameters", rng, g4),
        case(module, "four tasks of rank three", rng, g4r),
    ]
    json.dump({"reference": "median-research-group/LibMTL",
               "file": "LibMTL/weighting/Aligned_MTL.py", "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
