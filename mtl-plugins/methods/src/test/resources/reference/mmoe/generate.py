"""Expected MMoE mixtures and outputs from LibMTL's MMoE, on fixed weights and a fixed input.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

Only abstract_arch.py and MMoE.py are loaded, from their files (LibMTL's package __init__ imports
everything). The encoder (each expert) is the project's mlp trunk written in torch, Linear and ReLU
per hidden width; each task's decoder is the project's mlp head (Linear, ReLU per head width, then
Linear to the task's outputs). Every weight is drawn here, exactly representable in single
precision, and written out under the name of the project's block that receives it, in that
block's parameter order (weight, bias per linear layer; a weight is (out, in) on both sides).
The computation runs in double precision. Recorded per task: the gate distribution (LibMTL's
`selector`), the gated mixture the decoder reads, and the decoder's output.
"""
import importlib.util
import json
import sys
import types

import numpy as np
import torch
from torch import nn


def load(root, package, name):
    spec = importlib.util.spec_from_file_location(
        f"LibMTL.{package}.{name}", f"{root}/LibMTL/{package}/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def f32(rng, shape, scale):
    return (rng.standard_normal(shape) * scale).astype(np.float32).astype(np.float64)


def mlp(widths, activate_last):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if activate_last or i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def fill(rng, module):
    """Draws every parameter of a module; returns them flat, in parameter order."""
    values = []
    with torch.no_grad():
        for p in module.parameters():
            v = f32(rng, tuple(p.shape), 0.6)
            p.copy_(torch.tensor(v))
            values.append(v.ravel().tolist())
    return values


def case(arch, rng, name, features, hidden, head_hidden, tasks, experts, batch):
    task_names = [t for t, _ in tasks]
    decoders = nn.ModuleDict({t: mlp([hidden[-1]] + head_hidden + [o], False) for t, o in tasks})
    model = arch.MMoE(task_names, lambda: mlp([features] + hidden, True), decoders, False, False,
                      torch.device("cpu"), img_size=[features], num_experts=[experts])
    blocks = {}
    for e, expert in enumerate(model.experts_shared):
        blocks[f"expert{e + 1}"] = fill(rng, expert)
    for t in task_names:
        # LibMTL's gate: Linear(input, experts) then Softmax; the softmax has no parameters
        blocks[f"{t}_gate"] = fill(rng, model.gate_specific[t][0])
        blocks[f"{t}_head"] = fill(rng, decoders[t])
    x = torch.tensor(f32(rng, (batch, features), 1.0))
    model.eval()
    with torch.no_grad():
        out = model(x)
        experts_rep = torch.stack([e(x) for e in model.experts_shared])
        gates, mixtures = {}, {}
        for t in task_names:
            selector = model.gate_specific[t](torch.flatten(x, start_dim=1))
            gates[t] = selector.numpy().ravel().tolist()
            mixtures[t] = torch.einsum('ij..., ji -> j...', experts_rep, selector).numpy().ravel().tolist()
    return {
        "name": name, "features": features, "mlpHidden": hidden, "headHidden": head_hidden,
        "tasks": [{"name": t, "outputs": o} for t, o in tasks], "experts": experts, "batch": batch,
        "input": x.numpy().ravel().tolist(), "blocks": blocks, "gates": gates, "mixtures": mixtures,
        "outputs": {t: out[t].numpy().ravel().tolist() for t in task_names},
    }


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.architecture"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "architecture", "abstract_arch")
    arch = load(root, "architecture", "MMoE")
    rng = np.random.default_rng(20180819)
    tasks3 = [("a", 3), ("b", 2), ("c", 2)]
    cases = [
        case(arch, rng, "three tasks, 3 experts 8-6-5, heads 5-4-o", 8, [6, 5], [4], tasks3, 3, 5),
        case(arch, rng, "two tasks, 4 experts 7-5, heads 5-o", 7, [5], [], [("left", 3), ("right", 4)], 4, 6),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/architecture/MMoE.py",
               "cases": cases}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
