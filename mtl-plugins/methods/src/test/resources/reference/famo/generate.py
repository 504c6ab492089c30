"""Expected FAMO weights and logits from the authors' code, for FamoReferenceTest.

Run outside the project with torch, the authors' repository checked out at the commit named in
README.md and on PYTHONPATH:

    PYTHONPATH=/path/to/FAMO python3 generate.py > expected.json

`sequence`: the FAMO class of the authors' famo.py at its defaults (gamma 0.01, w_lr 0.025), driven
as their example drives it: get_weighted_loss on a step's losses, backward, then update() with the
same batch's losses after the model's step. Given here as fixed loss vectors (`losses` before,
`after` after the update); recorded are the gradient of the weighted loss with respect to each
task's loss (the weights the step gives the task gradients) and the logits after update().

`clipping`: the gradient norm the shared parameters are left with, on a small linear model whose
unclipped gradient has norm above 1, (a) by famo.py's FAMO.backward handed the shared parameters,
(b) by the experiments' WeightMethods("famo").backward as their trainers call it (optimizer
gradients zeroed first), (c) the unclipped norm. The experiments clip before their backward pass,
so (b) equals (c).

methods/weight_methods.py imports cvxpy and scipy for other methods; they are stubbed, FAMO does
not use them.
"""
import json
import sys
from unittest import mock

import torch

for name in ["cvxpy", "scipy", "scipy.optimize"]:
    sys.modules[name] = mock.MagicMock()

from famo import FAMO  # noqa: E402
from methods.weight_methods import WeightMethods  # noqa: E402

torch.set_default_dtype(torch.float64)

generator = torch.Generator().manual_seed(5)
k = 3
famo = FAMO(n_tasks=k, device="cpu")
sequence = []
losses = torch.tensor([2.3, 0.7, 1.1])
for step in range(8):
    current = losses.clone().requires_grad_(True)
    loss = famo.get_weighted_loss(current)
    (gradient,) = torch.autograd.grad(loss, current)
    # each task's loss falls by its own factor over the update
    after = losses * torch.exp(-0.3 * torch.rand(k, generator=generator))
    famo.update(after)
    sequence.append({
        "losses": losses.tolist(),
        "after": after.tolist(),
        "weights": gradient.tolist(),
        "logits": famo.w.detach().tolist(),
    })
    # the next batch's losses
    losses = after * torch.exp(0.1 * torch.randn(k, generator=generator))


def clipped_norm(kind):
    torch.manual_seed(0)
    model = torch.nn.Linear(4, k)
    x = torch.randn(16, 4) * 3
    y = torch.randn(16, k)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    optimizer.zero_grad()
    task_losses = (model(x) - y).pow(2).mean(0)
    shared = list(model.parameters())
    if kind == "famo.py":
        FAMO(n_tasks=k, device="cpu").backward(task_losses, shared_parameters=shared)
    elif kind == "experiments":
        WeightMethods("famo", n_tasks=k, device="cpu", gamma=0.01, w_lr=0.025, max_norm=1.0).backward(
            losses=task_losses, shared_parameters=shared)
    else:
        FAMO(n_tasks=k, device="cpu").backward(task_losses)
    return float(torch.sqrt(sum(p.grad.pow(2).sum() for p in shared)))


json.dump({
    "gamma": 0.01,
    "lr": 0.025,
    "sequence": sequence,
    "clipping": {kind: clipped_norm(kind) for kind in ["famo.py", "experiments", "unclipped"]},
}, sys.stdout, indent=1)
print()
