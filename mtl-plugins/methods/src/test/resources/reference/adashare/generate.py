"""Expected AdaShare policy samples from the authors' code, on fixed logits and fixed Gumbel noise.

Runs MTL2.train_sample_policy of github:sunxm2357/AdaShare (models/deeplab_resnet.py) at commit
0615a4731765d42fa6b0606741b5ad9d954a3b5b, which draws each task's policy with
torch.nn.functional.gumbel_softmax(task_logits, temperature, hard=hard_sampling). The noise is
fixed by replacing Tensor.exponential_ (gumbel_softmax draws g = -log(E), E ~ Exp(1)) with values
from a seeded numpy generator; the same g is written out for the Java test. Also records the
gradient of sum(c * policy) with respect to the logits (straight-through for hard sampling).

Usage (the reference checked out outside the project):
  git --git-dir=<mirror> archive 0615a4731765d42fa6b0606741b5ad9d954a3b5b models utils | tar -x -C /tmp/ref-adashare
  python3 generate.py /tmp/ref-adashare > expected.json
Needs torch, numpy, scipy; tqdm (imported by the module, unused here) is stubbed.
"""
import json
import sys
import types

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, sys.argv[1])
sys.modules.setdefault("tqdm", types.ModuleType("tqdm"))
from models.deeplab_resnet import MTL2  # noqa: E402

rng = np.random.default_rng(20240601)
cases = []
for tasks, blocks, tau, hard in [(2, 4, 5.0, False), (3, 6, 1.3, False), (2, 4, 5.0, True), (3, 6, 0.7, True)]:
    logits = rng.normal(0, 1.5, size=(tasks, blocks, 2)).astype(np.float32)
    exponentials = rng.exponential(1.0, size=(tasks, blocks, 2)).astype(np.float32)
    weights = rng.normal(0, 1, size=(tasks, blocks, 2)).astype(np.float32)
    net = MTL2.__new__(MTL2)
    nn.Module.__init__(net)
    net.num_tasks = tasks
    for t in range(tasks):
        net.register_parameter("task%d_logits" % (t + 1), nn.Parameter(torch.from_numpy(logits[t].copy())))
    draws = iter(exponentials)
    original = torch.Tensor.exponential_

    def fixed_exponential(self, *args, **kwargs):
        with torch.no_grad():
            self.copy_(torch.from_numpy(next(draws).copy()))
        return self

    torch.Tensor.exponential_ = fixed_exponential
    try:
        policies = MTL2.train_sample_policy(net, tau, hard)
    finally:
        torch.Tensor.exponential_ = original
    loss = sum((torch.from_numpy(weights[t]) * policies[t]).sum() for t in range(tasks))
    loss.backward()
    cases.append({
        "tau": tau,
        "hard": hard,
        "logits": logits.tolist(),
        "gumbel": (-np.log(exponentials)).tolist(),
        "weights": weights.tolist(),
        "policy": [p.detach().numpy().tolist() for p in policies],
        "gradient": [getattr(net, "task%d_logits" % (t + 1)).grad.numpy().tolist() for t in range(tasks)],
    })
json.dump({"repository": "github:sunxm2357/AdaShare", "commit": "0615a4731765d42fa6b0606741b5ad9d954a3b5b",
           "function": "models/deeplab_resnet.py MTL2.train_sample_policy", "cases": cases}, sys.stdout, indent=1)
print()
