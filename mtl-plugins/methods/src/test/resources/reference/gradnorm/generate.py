"""Expected GradNorm weights from LibMTL's implementation, for GradNormWeightingTest.

Run outside the project with torch, with LibMTL's repository checked out at the commit named in
README.md:

    python3 generate.py /path/to/LibMTL > expected.json

LibMTL's GradNorm (LibMTL/weighting/GradNorm.py on AbsWeighting, loaded from their files without the
package's __init__, which imports every other module) is given what its trainer gives it: a model
whose shared parameters are a small linear layer (rep_grad=False: gradients w.r.t. all shared
parameters), the epoch index (1: past the warm-up epoch) and train_loss_buffer[:, 0] (the first
epoch's mean losses, fixed here). Its loss_scale sits with the shared parameters in one Adam
(lr 0.01, no weight decay), as in LibMTL's trainer where the weighting is part of the model.
Per step recorded: the shared gradients of each task (computed beside, one autograd call per task),
the losses, the weights GradNorm returns, loss_scale's gradient, and loss_scale after the step.
"""
import importlib.util
import json
import sys
import types

import torch

root = sys.argv[1]
for package in ["LibMTL", "LibMTL.weighting"]:
    module = types.ModuleType(package)
    module.__path__ = []
    sys.modules[package] = module
for name in ["abstract_weighting", "GradNorm"]:
    spec = importlib.util.spec_from_file_location(
        "LibMTL.weighting." + name, f"{root}/LibMTL/weighting/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["LibMTL.weighting." + name] = module
    spec.loader.exec_module(module)
GradNorm = sys.modules["LibMTL.weighting.GradNorm"].GradNorm

torch.manual_seed(3)
K = 3
ALPHA = 1.5
LR = 0.01


class Model(GradNorm):
    def __init__(self):
        super().__init__()
        self.shared = torch.nn.Linear(4, 3)
        self.heads = torch.nn.ModuleList([torch.nn.Linear(3, 1) for _ in range(K)])
        self.task_num = K
        self.device = "cpu"
        self.rep_grad = False
        self.init_param()

    def get_share_params(self):
        return self.shared.parameters()

    def zero_grad_share_params(self):
        self.shared.zero_grad(set_to_none=False)

    def losses(self, x, y):
        h = torch.tanh(self.shared(x))
        # unequal scales, so the norms and training rates differ
        return torch.stack([(self.heads[t](h).squeeze(1) - y[:, t]).pow(2).mean() * (t + 1)
                            for t in range(K)])


model = Model()
model.epoch = 1
initial = [1.7, 3.1, 7.9]
model.train_loss_buffer = torch.tensor(initial).reshape(K, 1).numpy()
optimizer = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=0.0)
x = torch.randn(32, 4)
y = torch.randn(32, K)
steps = []
for step in range(6):
    optimizer.zero_grad()
    losses = model.losses(x, y)
    grads = []
    for t in range(K):
        g = torch.autograd.grad(losses[t], list(model.shared.parameters()), retain_graph=True)
        grads.append(torch.cat([v.reshape(-1) for v in g]).tolist())
    weights = model.backward(losses, alpha=ALPHA)
    record = {
        "losses": losses.tolist(),
        "gradients": grads,
        "weights": [float(w) for w in weights],
        "loss_scale_gradient": model.loss_scale.grad.tolist(),
    }
    optimizer.step()
    record["loss_scale_after"] = model.loss_scale.detach().tolist()
    steps.append(record)
json.dump({"alpha": ALPHA, "lr": LR, "initial_losses": initial, "steps": steps}, sys.stdout, indent=1)
print()
