"""Expected MTAN attention-module outputs from LibMTL's MTAN, on fixed weights and inputs.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

Only abstract_arch.py and MTAN.py are loaded, from their files. LibMTL's attention module (its
`_att_layer`, adapted from the authors' lorenmt/mtan) is 1x1 conv, BatchNorm, ReLU, 1x1 conv,
BatchNorm, Sigmoid, which is this project's default (architecture.mtan.attention.norm=batch). The
module is built with LibMTL's own method, its convolutions given drawn weights, and for each case the
script records:

- mask: in eval mode with each BatchNorm set to the identity (running mean 0, running variance
  1 - eps, weight 1, bias 0), the expected output of the project's `none` variant (no BatchNorm);
- with drawn BatchNorm weights, biases and running statistics (`norms`, per BatchNorm: weight,
  bias, running mean, running variance), maskTraining (train mode: batch statistics), the running
  statistics after that forward (`runningAfterTraining`, per BatchNorm: mean, variance), and maskEval
  (eval mode, the drawn running statistics), the expected outputs of the default.

The shapes are those of the project's mtan on images with the lenet trunk (stage 1: 10 channels in,
10 out; stage 2: [u ; f(a)] of 40 channels in, 20 out; a 1x1 module is indifferent to the map size,
so small maps are used).
"""
import importlib.util
import json
import sys
import types

import numpy as np
import torch


def load(root, name):
    spec = importlib.util.spec_from_file_location(
        f"LibMTL.architecture.{name}", f"{root}/LibMTL/architecture/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def f32(rng, shape, scale):
    return (rng.standard_normal(shape) * scale).astype(np.float32).astype(np.float64)


def case(mtan, rng, name, block, channels_in, channels, batch, size):
    module = mtan._transform_resnet_MTAN._att_layer(None, channels_in, channels, channels)
    convs = [m for m in module if isinstance(m, torch.nn.Conv2d)]
    norms = [m for m in module if isinstance(m, torch.nn.BatchNorm2d)]
    weights = []
    with torch.no_grad():
        for conv in convs:
            for p in (conv.weight, conv.bias):
                v = f32(rng, tuple(p.shape), 0.25)
                p.copy_(torch.tensor(v))
                weights.append(v.ravel().tolist())
        for bn in norms:
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
            bn.weight.fill_(1.0)
            bn.bias.zero_()
    x = torch.tensor(f32(rng, (batch, channels_in, size, size), 1.0))
    with torch.no_grad():
        module.eval()
        mask = module(x)
    # the default: drawn BatchNorm parameters and running statistics
    drawn = []
    with torch.no_grad():
        for bn in norms:
            n = bn.num_features
            values = [1.0 + f32(rng, (n,), 0.2), f32(rng, (n,), 0.2), f32(rng, (n,), 0.3),
                      0.5 + np.abs(f32(rng, (n,), 0.5))]
            for p, v in zip((bn.weight, bn.bias, bn.running_mean, bn.running_var), values):
                p.copy_(torch.tensor(v))
            drawn.append([v.tolist() for v in values])
        module.eval()
        mask_eval = module(x)
        module.train()
        mask_training = module(x)
        after = [[bn.running_mean.numpy().tolist(), bn.running_var.numpy().tolist()] for bn in norms]
    return {"name": name, "block": block, "inputShape": list(x.shape), "input": x.numpy().ravel().tolist(),
            "weights": weights, "mask": mask.numpy().ravel().tolist(),
            "norms": drawn, "maskTraining": mask_training.numpy().ravel().tolist(),
            "runningAfterTraining": after, "maskEval": mask_eval.numpy().ravel().tolist()}


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.architecture"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_arch")
    mtan = load(root, "MTAN")
    rng = np.random.default_rng(20190616)
    cases = [
        case(mtan, rng, "stage 1: u^1 (10 channels, 5x5 maps)", "a_attention1", 10, 10, 2, 5),
        case(mtan, rng, "stage 2: [u^2 ; f(a^1)] (40 channels, 4x4 maps)", "b_attention2", 40, 20, 2, 4),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/architecture/MTAN.py",
               "cases": cases}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
