"""Expected DWA task weights from LibMTL's DWA, on fixed tables of per-epoch mean training losses.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

Only abstract_weighting.py and DWA.py are loaded, from their files (LibMTL's package __init__
imports every method and its optional dependencies). LibMTL keeps each epoch's mean training loss
per task in train_loss_buffer[:, epoch] and, in epoch e (counted from 0), weighs the losses by
DWA.backward with that buffer filled up to e - 1; this script does the same for every epoch of a
case and records the weights backward returns and their gradient of the weighted sum.
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
    # values exact in single precision, so both sides start from the same numbers
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def case(module, name, rng, k, epochs, temperature):
    # positive mean losses that mostly fall, with some tasks stalling or rising
    means = f32(np.exp(rng.normal(0.0, 0.4, (k, epochs)) - 0.15 * np.arange(epochs)))
    step_losses = f32(rng.uniform(0.1, 3.0, (epochs, k)))
    model = module.DWA()
    model.task_num = k
    model.device = torch.device("cpu")
    model.train_loss_buffer = np.zeros((k, epochs))
    weights, loss_gradients = [], []
    for epoch in range(epochs):
        model.epoch = epoch
        losses = torch.tensor(step_losses[epoch], requires_grad=True)
        w = model.backward(losses, T=temperature)
        weights.append(np.asarray(w, dtype=np.float64).tolist())
        loss_gradients.append(losses.grad.numpy().tolist())
        # the trainer records the epoch's mean losses after the epoch
        model.train_loss_buffer[:, epoch] = means[:, epoch]
    return {
        "name": name,
        "temperature": temperature,
        # epoch-major: meanLosses[e] are the k mean training losses of epoch e (from 0)
        "meanLosses": means.T.tolist(),
        "stepLosses": step_losses.tolist(),
        "weights": weights,
        "lossGradients": loss_gradients,
    }


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "DWA")
    rng = np.random.default_rng(20190615)
    cases = [
        case(module, "two tasks, 6 epochs, T = 2", rng, 2, 6, 2.0),
        case(module, "three tasks, 8 epochs, T = 2", rng, 3, 8, 2.0),
        case(module, "four tasks, 6 epochs, T = 0.5", rng, 4, 6, 0.5),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/DWA.py",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
