"""Expected PCGrad from LibMTL's PCGrad, on fixed task gradients.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

LibMTL's package __init__ imports every method (and their optional dependencies), so only
abstract_weighting.py and PCGrad.py are loaded, from their files. The "network" is one shared
parameter vector theta with linear task losses L_t = g_t . theta, so the task gradients are exactly
the given g_t. PCGrad draws each task's visiting order with Python's random.shuffle; the orders it
drew are recorded (the shuffle is wrapped, not changed) so that the test replays them.
"""
import importlib.util
import json
import random
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


class RecordingRandom:
    """Python's random module, with every shuffle's result recorded."""

    def __init__(self, seed):
        self.generator = random.Random(seed)
        self.orders = []

    def shuffle(self, x):
        self.generator.shuffle(x)
        self.orders.append(list(x))


def case(module, name, rng, g, seed):
    k, p = g.shape

    class Model(module.PCGrad):
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
    recorder = RecordingRandom(seed)
    module.random = recorder
    gt = torch.tensor(g)
    losses = [gt[t] @ model.theta for t in range(k)]
    weights = model.backward(losses)
    return {
        "name": name,
        "gradients": g.tolist(),
        # row i: the order (over all tasks, i included) in which task i visited the others
        "orders": recorder.orders,
        "weights": np.asarray(weights).tolist(),
        "sharedGradient": model.theta.grad.numpy().tolist(),
    }


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "PCGrad")
    rng = np.random.default_rng(20200601)
    # a shared component c pushes some pairs to agree; the rest conflict
    g2 = np.array([[1.0, 0.5, -0.25, 2.0], [-1.5, 0.75, 0.5, -1.0]])
    g3 = f32(rng, (3, 6))
    g4 = f32(rng, (4, 8))
    g4[3] = -0.5 * g4[0] + f32(rng, (8,), 0.3)
    g5 = f32(rng, (5, 7))
    cases = [
        case(module, "two conflicting tasks", rng, g2, 1),
        case(module, "three tasks, 6 shared parameters", rng, g3, 2),
        case(module, "four tasks, one opposing another", rng, g4, 3),
        case(module, "five tasks, 7 shared parameters", rng, g5, 4),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/PCGrad.py",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
