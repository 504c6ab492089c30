"""Expected GradDrop directions from LibMTL's GradDrop, on fixed inputs.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

LibMTL's package __init__ imports every method (and their optional dependencies), so only
abstract_weighting.py and GradDrop.py are loaded, from their files. The weighting is given fixed
per-task representation gradients instead of computing them, and torch.rand_like is replaced by
fixed uniform numbers (the Java side uses its own generator; only the masks given U are compared).
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


def case(module, name, rng, k, rep_shape, leak, zeros=0.2):
    rep = f32(rng, rep_shape)
    rep[rng.random(rep_shape) < zeros] = 0.0  # sign(0) = 0: such activations count for nothing
    grads = f32(rng, (k,) + rep_shape)
    features = int(np.prod(rep_shape[1:]))
    # purity from the reference's formula, to keep U away from it (a flip at rounding level)
    s = (grads * np.sign(rep)[None]).sum(1).reshape(k, features)
    purity = 0.5 * (1 + s.sum(0) / (np.abs(s).sum(0) + 1e-7))
    u = np.empty(features)
    for f in range(features):
        while True:
            v = (rng.integers(0, 2 ** 23) * 2 + 1) * 2.0 ** -24  # exact in float32, as in Java
            if abs(v - purity[f]) > 1e-3:
                u[f] = v
                break
    uniform = torch.tensor(u.reshape(rep_shape[1:]), dtype=torch.float64)

    weighting = module.GradDrop()
    weighting.task_num = k
    weighting.rep_grad = True
    weighting.rep = torch.tensor(rep, dtype=torch.float64, requires_grad=True)
    per_grads = torch.tensor(grads, dtype=torch.float64)
    weighting._compute_grad = lambda losses, mode, rep_grad=False: per_grads
    original = torch.rand_like
    torch.rand_like = lambda p: uniform.clone()
    try:
        weighting.backward(None, leak=leak)
    finally:
        torch.rand_like = original
    return {
        "name": name,
        "leak": leak,
        "representationShape": list(rep_shape),
        "representation": rep.reshape(-1).tolist(),
        "gradients": grads.reshape(k, -1).tolist(),
        "uniform": u.tolist(),
        "direction": weighting.rep.grad.numpy().reshape(-1).tolist(),
    }


def main():
    root = sys.argv[1]
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "GradDrop")
    rng = np.random.default_rng(20200101)
    cases = [
        case(module, "three tasks, batch 4, 6 features", rng, 3, (4, 6), 0.0),
        case(module, "two tasks, batch 5, 3 features, leak 0.3", rng, 2, (5, 3), 0.3),
        case(module, "four tasks, batch 2, (2, 3, 2) features", rng, 4, (2, 2, 3, 2), 0.0),
        case(module, "three tasks, batch 1, 8 features, no zeros", rng, 3, (1, 8), 0.0, zeros=0.0),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/GradDrop.py",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
