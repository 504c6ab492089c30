"""Expected GradVac from LibMTL's GradVac, on fixed task gradients over several steps.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

LibMTL's package __init__ imports every method (and their optional dependencies), so only
abstract_weighting.py and GradVac.py are loaded, from their files. The "network" is one shared
parameter vector theta with linear task losses L_t = g_t . theta, so the task gradients are exactly
the given g_t. GradVac_group_type is 0 (LibMTL's default, "whole_model"): one target per ordered
pair of tasks over the whole shared gradient. The targets rho_T persist from step to step; after
each step they are recorded with the update sum_i g_i^PC. GradVac draws each task's visiting order
with Python's random.shuffle; the orders it drew are recorded (the shuffle is wrapped, not changed)
so that the test replays them.
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


def case(module, name, rng, steps, beta, seed):
    k, p = steps[0].shape

    class Model(module.GradVac):
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
    model.init_param()
    recorder = RecordingRandom(seed)
    module.random = recorder
    records = []
    for g in steps:
        recorder.orders = []
        # LibMTL's trainer zeroes the gradients before each step (optimizer.zero_grad())
        model.theta.grad = None
        gt = torch.tensor(g)
        losses = [gt[t] @ model.theta for t in range(k)]
        model.backward(losses, GradVac_beta=beta, GradVac_group_type=0)
        update = model.theta.grad.numpy().copy()
        records.append({
            "gradients": g.tolist(),
            # row i: the order in which task i visited the other tasks
            "orders": recorder.orders,
            "sharedGradient": update.tolist(),
            # rho_T[i][j] after the step, K x K (the one group of group type 0)
            "targets": model.rho_T[:, :, 0].numpy().tolist(),
            # whether any pair was adjusted (the update differs from the plain sum)
            "adjusted": bool(np.abs(update - g.sum(0)).max() > 1e-9),
        })
    return {"name": name, "beta": beta, "steps": records}


def drifting(rng, k, p, count, common):
    """Task gradients sharing a component whose weight falls from step to step: the cosines are
    high first (the targets rise) and near zero at the end (below the targets, so GradVac adjusts)."""
    base = f32(rng, (p,))
    out = []
    for s in range(count):
        g = f32(rng, (k, p))
        weight = np.float32(common * (1.0 - s / (count - 1)))
        g = (g + weight * base).astype(np.float32).astype(np.float64)
        out.append(g)
    return out


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_weighting")
    module = load(root, "GradVac")
    rng = np.random.default_rng(20210112)
    cases = [
        case(module, "two tasks, LibMTL's beta 0.5", rng, drifting(rng, 2, 5, 5, 2.0), 0.5, 1),
        case(module, "three tasks, beta 0.5", rng, drifting(rng, 3, 6, 5, 2.5), 0.5, 2),
        case(module, "four tasks, the paper's beta 0.01", rng, drifting(rng, 4, 8, 5, 2.0), 0.01, 3),
        case(module, "five tasks, beta 0.3", rng, drifting(rng, 5, 7, 5, 3.0), 0.3, 4),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/GradVac.py",
               "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
