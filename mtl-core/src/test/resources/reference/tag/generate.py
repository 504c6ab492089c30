"""Expected TAG lookahead affinities on a tiny network, computed independently in numpy.

Fifty et al., "Efficiently Identifying Task Groupings for Multi-Task Learning", NeurIPS 2021;
their code (google-research/google-research, tag/, commit 30adf0ec5f35f9609c2f1d896005e184195d9146)
computes at a training step, on that step's batch and before its update, for each task i
    Z[i][j] = (1 - L_j(theta_s after the optimizer's update on task i's loss alone) / L_j(theta_s)) / lr
with the shared parameters moved by the same update rule and state as training (their Taskonomy
code replicates SGD with momentum and weight decay; ours replicates whatever optimizer the run uses).
The reference code needs TensorFlow/CelebA or Taskonomy and GPUs, so this script recomputes the
quantity from the definition in float64 numpy, for the network the Java test builds:

  hard-sharing, mlp trunk of one relu layer (h = relu(x W1^T + b1)), linear regression heads
  (y_t = h v_t^T + c_t), mean squared error per task;
  two training steps of the summed losses with the optimizer, then the lookahead at step three, then
  the third training step (the test checks the lookahead left the optimizer's state untouched).

Optimizers, as the project implements them (mtl-plugins/methods optim):
  adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr sqrt(1-b2^t)/(1-b1^t) m/(sqrt(v)+eps)
  sgd with momentum mu: u = mu u + g; w -= lr u

Run: python3 generate.py > expected.json
"""
import json

import numpy as np

TASKS, D, H, N = 3, 5, 4, 8
rng = np.random.default_rng(20260612)
x = rng.normal(size=(N, D))
# the tasks share a latent signal with different mixtures, so cross-task affinities are not small
latent = x @ rng.normal(size=(D,))
targets = np.stack([latent * (1.0 + 0.5 * t) + 0.3 * rng.normal(size=N) for t in range(TASKS)], axis=1)
params = {
    "W1": rng.normal(scale=0.5, size=(H, D)),
    "b1": rng.normal(scale=0.1, size=(H,)),
}
for t in range(TASKS):
    params[f"v{t}"] = rng.normal(scale=0.5, size=(1, H))
    params[f"c{t}"] = rng.normal(scale=0.1, size=(1,))
SHARED = ["W1", "b1"]


def forward(p):
    pre = x @ p["W1"].T + p["b1"]
    h = np.maximum(pre, 0)
    preds = [(h @ p[f"v{t}"].T)[:, 0] + p[f"c{t}"][0] for t in range(TASKS)]
    return pre, h, preds


def losses(p):
    _, _, preds = forward(p)
    return np.array([np.mean((preds[t] - targets[:, t]) ** 2) for t in range(TASKS)])


def gradients(p, task_weights):
    """Gradient of sum_t task_weights[t] * L_t w.r.t. every parameter."""
    pre, h, preds = forward(p)
    g = {k: np.zeros_like(v) for k, v in p.items()}
    dh = np.zeros_like(h)
    for t in range(TASKS):
        dy = task_weights[t] * 2 * (preds[t] - targets[:, t]) / N
        g[f"v{t}"] += (dy[:, None] * h).sum(axis=0, keepdims=True)
        g[f"c{t}"] += np.array([dy.sum()])
        dh += dy[:, None] * p[f"v{t}"]
    dpre = dh * (pre > 0)
    g["W1"] += dpre.T @ x
    g["b1"] += dpre.sum(axis=0)
    return g


class Adam:
    def __init__(self, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps
        self.state = {}

    def update(self, name, w, g):
        m, v, t = self.state.get(name, (np.zeros_like(w), np.zeros_like(w), 0))
        t += 1
        m = self.b1 * m + (1 - self.b1) * g
        v = self.b2 * v + (1 - self.b2) * g * g
        self.state[name] = (m, v, t)
        step = self.lr * np.sqrt(1 - self.b2 ** t) / (1 - self.b1 ** t)
        return w - step * m / (np.sqrt(v) + self.eps)


class Sgd:
    def __init__(self, lr, momentum):
        self.lr, self.momentum = lr, momentum
        self.state = {}

    def update(self, name, w, g):
        u = self.momentum * self.state.get(name, np.zeros_like(w)) + g
        self.state[name] = u
        return w - self.lr * u


def train_step(p, opt):
    g = gradients(p, [1.0] * TASKS)
    return {k: opt.update(k, p[k], g[k]) for k in p}


def lookahead(p, opt, per_lr):
    before = losses(p)
    z = np.zeros((TASKS, TASKS))
    for i in range(TASKS):
        onehot = [1.0 if t == i else 0.0 for t in range(TASKS)]
        g = gradients(p, onehot)
        saved = {k: tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in s) if isinstance(s, tuple)
                 else np.copy(s) for k, s in opt.state.items()}
        moved = dict(p)
        for k in SHARED:
            moved[k] = opt.update(k, p[k], g[k])
        opt.state = saved
        after = losses(moved)
        z[i] = 1 - after / before
        if per_lr:
            z[i] /= opt.lr
    return z


def case(name, make):
    out = {"optimizer": name}
    opt = make()
    p = dict(params)
    for _ in range(2):
        p = train_step(p, opt)
    out["lookahead"] = lookahead(p, opt, True).tolist()
    out["lookahead_unnormalized"] = lookahead(p, opt, False).tolist()
    p3 = train_step(p, opt)
    out["after_third_step"] = {k: np.asarray(v).ravel().tolist() for k, v in p3.items()}
    return out


expected = {
    "generator": "generate.py (numpy " + np.__version__ + ")",
    "tasks": TASKS,
    "inputs": x.ravel().tolist(),
    "input_dim": D,
    "hidden": H,
    "targets": [targets[:, t].tolist() for t in range(TASKS)],
    "parameters": {k: np.asarray(v).ravel().tolist() for k, v in params.items()},
    "cases": [
        dict(case("adam", lambda: Adam(0.2)), keys={"lr": "0.2"}),
        dict(case("sgd", lambda: Sgd(0.1, 0.9)), keys={"lr": "0.1", "momentum": "0.9"}),
    ],
}
print(json.dumps(expected, indent=1))
