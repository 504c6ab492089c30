"""Expected random loss weighting (RLW) from LibMTL's RLW, for given random vectors.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

Only abstract_weighting.py and RLW.py are loaded, from their files. LibMTL's RLW draws
lambda~ = torch.randn(K) every step and weighs the losses by softmax(lambda~). The draws of two
random generators cannot be compared, so this script hands RLW.backward fixed vectors in place of
torch.randn's draw and records the weights it returns and the gradient of its weighted sum with
respect to the losses: the map from a draw to the weights, which the project's test applies to the
same vectors. That the draws are standard normal is checked separately (RandomLossWeightingTest).
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


def f32(values):
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def case(module, name, draw, losses_value):
    model = module.RLW()
    model.task_num = len(draw)
    model.device = torch.device("cpu")
    original = torch.randn
    torch.randn = lambda *shape, **kwargs: torch.tensor(draw)
    try:
        losses = torch.tensor(losses_value, requires_grad=True)
        weights = model.backward(losses)
    finally:
        torch.randn = original
    return {
        "name": name,
        "draw": draw.tolist(),
        "losses": losses_value.tolist(),
        "weights": np.asarray(weights, dtype=np.float64).tolist(),
        "lossGradients": losses.grad.numpy().tolist(),
    }


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "RLW")
    rng = np.random.default_rng(20220701)
    cases = []
    for k in (2, 3, 5, 8):
        cases.append(case(module, f"{k} tasks", f32(rng.standard_normal(k)),
                          f32(rng.uniform(0.05, 3.0, k))))
    # a draw with a large spread: the softmax must not overflow
    cases.append(case(module, "3 tasks, far-apart draw", f32([40.0, -35.0, 2.5]),
                      f32([1.0, 2.0, 0.5])))
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/RLW.py",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
