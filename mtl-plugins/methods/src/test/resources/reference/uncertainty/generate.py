"""Expected uncertainty weighting (UW) from LibMTL's UW, on fixed losses and log-variances.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

Only abstract_weighting.py and UW.py are loaded, from their files. LibMTL's UW minimizes
sum_i L_i / (2 exp(s_i)) + s_i / 2 (the paper's regression form for every task) and returns the
weights 1 / (2 exp(s_i)); this script sets its log-scales s to given values, runs UW.backward on
leaf losses and records the objective (read when backward is called on it), the gradients of the
objective with respect to the losses and to s, and the returned weights.
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


def case(module, name, rng, k, initial):
    model = module.UW()
    model.task_num = k
    model.device = torch.device("cpu")
    model.init_param()
    default_init = model.loss_scale.detach().numpy().tolist()
    s = f32(rng.normal(0.0, 0.8, k)) if not initial else np.asarray(default_init)
    with torch.no_grad():
        model.loss_scale.copy_(torch.tensor(s))
    losses_value = f32(rng.uniform(0.05, 3.0, k))
    losses = torch.tensor(losses_value, requires_grad=True)
    recorded = []
    original = torch.Tensor.backward

    def recording_backward(self, *args, **kwargs):
        recorded.append(self.item())
        return original(self, *args, **kwargs)

    torch.Tensor.backward = recording_backward
    try:
        weights = model.backward(losses)
    finally:
        torch.Tensor.backward = original
    return {
        "name": name,
        "libmtlInit": default_init,
        "logScales": s.tolist(),
        "losses": losses_value.tolist(),
        "objective": recorded[0],
        "lossGradients": losses.grad.numpy().tolist(),
        "logScaleGradients": model.loss_scale.grad.numpy().tolist(),
        "weights": np.asarray(weights, dtype=np.float64).tolist(),
    }


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "UW")
    rng = np.random.default_rng(20180618)
    cases = [
        case(module, "two tasks at LibMTL's initial log-scales", rng, 2, True),
        case(module, "three tasks", rng, 3, False),
        case(module, "five tasks", rng, 5, False),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/UW.py",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
