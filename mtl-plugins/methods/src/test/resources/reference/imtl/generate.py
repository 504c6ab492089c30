"""Expected IMTL (the hybrid: learned loss scales and IMTL-G on the scaled losses) from LibMTL's
IMTL, on fixed inputs.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

LibMTL's package __init__ imports every method (and their optional dependencies), so only
abstract_weighting.py and IMTL.py are loaded, from their files. The "network" is one shared
parameter vector theta with task losses L_t = 1/2 |A_t theta - b_t|^2; LibMTL's IMTL.backward runs
on them with parameter gradients (rep_grad False), from given loss scales s.
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


def case(module, name, rng, k, p):
    a = f32(rng, (k, p, p), 1 / np.sqrt(p))
    b = f32(rng, (k, p))
    theta0 = f32(rng, (p,))
    s0 = f32(rng, (k,), 0.5)

    class Model(module.IMTL):
        def __init__(self):
            super().__init__()
            self.task_num = k
            self.device = torch.device("cpu")
            self.rep_grad = False
            self.theta = torch.nn.Parameter(torch.tensor(theta0))

        def get_share_params(self):
            return [self.theta]

        def zero_grad_share_params(self):
            self.theta.grad = torch.zeros_like(self.theta)

    model = Model()
    model.init_param()
    with torch.no_grad():
        model.loss_scale.copy_(torch.tensor(s0))
    at = torch.tensor(a)
    bt = torch.tensor(b)

    def losses():
        return torch.stack([0.5 * ((at[t] @ model.theta - bt[t]) ** 2).sum() for t in range(k)])

    raw = losses()
    gradients = [torch.autograd.grad(raw[t], model.theta, retain_graph=True)[0] for t in range(k)]
    alpha = model.backward(losses())
    return {
        "name": name,
        "logScales": s0.tolist(),
        "losses": raw.detach().numpy().tolist(),
        # the raw losses' gradients with respect to the shared parameters
        "gradients": [g.numpy().tolist() for g in gradients],
        "alpha": np.asarray(alpha).tolist(),
        "sharedGradient": model.theta.grad.numpy().tolist(),
        "logScaleGradient": model.loss_scale.grad.numpy().tolist(),
    }


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "IMTL")
    rng = np.random.default_rng(20210101)
    cases = [
        case(module, "two tasks, 5 shared parameters", rng, 2, 5),
        case(module, "three tasks, 6 shared parameters", rng, 3, 6),
        case(module, "four tasks, 10 shared parameters", rng, 4, 10),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/IMTL.py",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
