"""Expected COSMOS outputs, losses, objective and gradients from the authors' code, on fixed
weights, a fixed batch and a fixed preference.

Run with a checkout of https://github.com/ruchtem/cosmos at the commit in README.md (not part of
this project):

    /usr/bin/python3 generate.py /path/to/cosmos > expected.json

Only multi_objective/methods/cosmos/cosmos.py is loaded, from its file, with stand-ins for the two
modules it imports (utils, ..base), which the part used here does not call. Its `Upsampler` turns
the preference into input channels (images) or appends it (feature vectors) and runs the child
model; its `COSMOSMethod.step` forms sum_i a_i L_i - lambda * cos(L, a) and runs the backward
pass. The harness around it: the Dirichlet draw returns the fixed preference, `.cuda()` is the
identity, and arrays from numpy become double tensors, so the whole computation runs in double
precision. The child model is the project's network written in torch (the lenet trunk with its
50-50-outputs heads, or an mlp trunk and heads), reading the C + K channels (or d + K features).
Every weight is drawn here, exactly representable in single precision, and written out under the
name of the project's parameter that receives it; the first convolution's weight is split into
the image channels' part and the preference channels' part, as the project keeps them.
"""
import importlib.util
import json
import sys
import types

import numpy as np
import torch
from torch import nn


def load_cosmos(root):
    for name in ["multi_objective", "multi_objective.methods", "multi_objective.methods.cosmos"]:
        package = types.ModuleType(name)
        package.__path__ = []
        sys.modules[name] = package
    base = types.ModuleType("multi_objective.methods.base")
    base.BaseMethod = type("BaseMethod", (), {})
    sys.modules[base.__name__] = base
    utils = types.ModuleType("utils")
    utils.num_parameters = utils.model_from_dataset = utils.circle_points = None
    sys.modules["utils"] = utils
    name = "multi_objective.methods.cosmos.cosmos"
    spec = importlib.util.spec_from_file_location(name, f"{root}/multi_objective/methods/cosmos/cosmos.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def f32(rng, shape, scale):
    return (rng.standard_normal(shape) * scale).astype(np.float32).astype(np.float64)


class Child(nn.Module):
    """The project's trunk-and-heads network over the augmented input."""

    def __init__(self, trunk, heads):
        super().__init__()
        self.trunk = trunk
        self.heads = nn.ModuleDict(heads)

    def forward(self, batch):
        z = self.trunk(batch["data"])
        return {f"logits_{t}": head(z) for t, head in self.heads.items()}


def lenet(channels, size, outputs):
    side = ((size - 4) // 2 - 4) // 2
    trunk = nn.Sequential(nn.Conv2d(channels, 10, 5), nn.MaxPool2d(2), nn.ReLU(),
                          nn.Conv2d(10, 20, 5), nn.MaxPool2d(2), nn.ReLU(), nn.Flatten(),
                          nn.Linear(20 * side * side, 50), nn.ReLU())
    heads = {t: nn.Sequential(nn.Linear(50, 50), nn.ReLU(), nn.Linear(50, n)) for t, n in outputs.items()}
    return Child(trunk, heads)


def mlp(features, hidden, head_hidden, outputs):
    layers, fan_in = [], features
    for w in hidden:
        layers += [nn.Linear(fan_in, w), nn.ReLU()]
        fan_in = w
    heads = {}
    for t, n in outputs.items():
        h, f = [], fan_in
        for w in head_hidden:
            h += [nn.Linear(f, w), nn.ReLU()]
            f = w
        heads[t] = nn.Sequential(*h, nn.Linear(f, n))
    return Child(nn.Sequential(*layers), heads)


def linear_names(prefix, sequential):
    """Project names of the linear layers of a Sequential, numbered by position from 01."""
    names = {}
    for i, layer in enumerate(sequential):
        if isinstance(layer, nn.Linear):
            names[f"{prefix}_{i + 1:02d}Linear_weight"] = layer.weight
            names[f"{prefix}_{i + 1:02d}Linear_bias"] = layer.bias
    return names


def run(cosmos, case, rng):
    k = 2
    outputs = {"left": 3, "right": 2}
    batch = case["batch"]
    if case["kind"] == "image":
        channels, size = 1, case["size"]
        dim = [channels + k, size, size]
        child = lenet(channels + k, size, outputs)
    else:
        dim = [case["features"] + k]
        child = mlp(case["features"] + k, case["hidden"], case["head_hidden"], outputs)
    model = cosmos.Upsampler(k, child, dim).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(f32(rng, tuple(p.shape), case["scale"])))
    data = f32(rng, (batch, channels, size, size) if case["kind"] == "image" else (batch, case["features"]), 1.0)
    labels = {t: rng.integers(0, n, batch) for t, n in outputs.items()}
    preference = np.array(case["preference"], dtype=np.float64)

    method = object.__new__(cosmos.COSMOSMethod)
    method.K, method.alpha, method.lamda, method.model = k, 1.2, case["lambda"], model
    method.objectives = [
        (lambda t: lambda **b: nn.functional.cross_entropy(b[f"logits_{t}"], b[f"labels_{t}"]))(t) for t in outputs]
    batch_dict = {"data": torch.from_numpy(data)}
    for t in outputs:
        batch_dict[f"labels_{t}"] = torch.from_numpy(labels[t])

    np.random.dirichlet = lambda *a, **kw: preference.reshape(1, -1)
    from_numpy = torch.from_numpy
    torch.from_numpy = lambda a: from_numpy(np.asarray(a, dtype=np.float64))
    torch.Tensor.cuda = lambda self, *a, **kw: self
    try:
        objective, cosine = method.step(batch_dict)
    finally:
        torch.from_numpy = from_numpy
    logits = {t: batch_dict[f"logits_{t}"].detach().numpy() for t in outputs}
    losses = {t: float(nn.functional.cross_entropy(batch_dict[f"logits_{t}"], batch_dict[f"labels_{t}"])) for t in outputs}

    named = {}
    if case["kind"] == "image":
        conv1 = child.trunk[0]
        named["preference_input_weight"] = (conv1.weight[:, channels:], conv1.weight.grad[:, channels:])
        named["preference_upsampler_1"] = (model.transposed_cnn[0].weight, model.transposed_cnn[0].weight.grad)
        named["preference_upsampler_2"] = (model.transposed_cnn[2].weight, model.transposed_cnn[2].weight.grad)
        named["01stage1_01Conv2d_weight"] = (conv1.weight[:, :channels], conv1.weight.grad[:, :channels])
        named["01stage1_01Conv2d_bias"] = (conv1.bias, conv1.bias.grad)
        conv2, fc = child.trunk[3], child.trunk[7]
        named["02stage2_01Conv2d_weight"] = (conv2.weight, conv2.weight.grad)
        named["02stage2_01Conv2d_bias"] = (conv2.bias, conv2.bias.grad)
        named["03stage3_01Linear_weight"] = (fc.weight, fc.weight.grad)
        named["03stage3_01Linear_bias"] = (fc.bias, fc.bias.grad)
        first_head = 4
    else:
        stage = 0
        for layer in child.trunk:
            if isinstance(layer, nn.Linear):
                stage += 1
                named[f"{stage:02d}stage{stage}_01Linear_weight"] = (layer.weight, layer.weight.grad)
                named[f"{stage:02d}stage{stage}_01Linear_bias"] = (layer.bias, layer.bias.grad)
        first_head = stage + 1
    for i, t in enumerate(outputs):
        for name, p in linear_names(f"{first_head + i:02d}{t}", child.heads[t]).items():
            named[name] = (p, p.grad)
    return {
        "name": case["name"],
        "kind": case["kind"],
        "config": case["config"],
        "example_shape": [channels, size, size] if case["kind"] == "image" else [case["features"]],
        "batch": batch,
        "lambda": case["lambda"],
        "preference": preference.tolist(),
        "input": data.reshape(-1).tolist(),
        "labels": {t: labels[t].tolist() for t in outputs},
        "parameters": {n: v.detach().numpy().reshape(-1).tolist() for n, (v, _) in named.items()},
        "logits": {t: v.reshape(-1).tolist() for t, v in logits.items()},
        "losses": losses,
        "cosine": cosine,
        "objective": objective,
        "gradients": {n: g.detach().numpy().reshape(-1).tolist() for n, (_, g) in named.items()},
    }


def main():
    cosmos = load_cosmos(sys.argv[1])
    rng = np.random.default_rng(20211207)
    cases = [
        {"name": "image 1x16x16, lambda 2", "kind": "image", "size": 16, "batch": 3, "lambda": 2.0, "scale": 0.1,
         "preference": [0.75, 0.25], "config": {"trunk": "lenet", "conditioning": "input"}},
        {"name": "features 6, lambda 8", "kind": "features", "features": 6, "hidden": [8, 6], "head_hidden": [5],
         "batch": 4, "lambda": 8.0, "scale": 0.3, "preference": [0.375, 0.625],
         "config": {"trunk": "mlp", "mlp.hidden": "8,6", "head.hidden": "5"}},
    ]
    json.dump({"cases": [run(cosmos, c, rng) for c in cases]}, sys.stdout)


if __name__ == "__main__":
    main()
