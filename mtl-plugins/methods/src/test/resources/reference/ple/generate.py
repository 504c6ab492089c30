"""Expected PLE / CGC outputs from LibMTL's CGC and PLE, and from the paper's equations, on fixed
weights and a fixed input.

Run with a LibMTL checkout at the commit in README.md (not part of this project):

    python3 generate.py /path/to/LibMTL > expected.json

Only abstract_arch.py, MMoE.py, CGC.py and PLE.py are loaded, from their files (LibMTL's package
__init__ imports everything). Experts are the project's mlp stages (Linear then ReLU) written in
torch, heads its mlp heads. Every weight is drawn here, exactly representable in single precision,
and stored under the name of the project block that receives it, in that block's parameter order;
a task gate's output units are stored in the project's order (the task's own experts, then the
shared ones), and given to LibMTL in its order (shared first). Computed in double precision.

Cases:
  cgc           LibMTL's CGC (one level) against ple with levels=1.
  ple-one-task  LibMTL's PLE (five levels; it needs a ResNet-shaped encoder: conv1, bn1, relu,
                maxpool, layer1..layer4, given here as Linear, Identity, ReLU, Identity and four
                Linear+ReLU stages) with a single task. LibMTL has no shared gate: its shared experts
                read each task's own mixture. With one task, a shared gate with the task gate's
                weights makes the paper's shared path equal to the task's path, so the two coincide.
  ple-paper     three tasks, five levels: the paper's equations (Tang et al. 2020:
                task-specific and shared experts per level, a task gate over the task's own and the
                shared experts, and below the last level a shared gate over all experts of the
                level, feeding the shared experts of the next) computed in numpy, independently of
                both implementations. LibMTL's PLE on the same weights (without the shared gates,
                which it does not have) is recorded as "libmtlOutputs" with its largest relative
                difference, to document how far it is from the paper's structure.
"""
import importlib.util
import json
import sys
import types

import numpy as np
import torch
from torch import nn


def load(root, name):
    spec = importlib.util.spec_from_file_location(
        f"LibMTL.architecture.{name}", f"{root}/LibMTL/architecture/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def f32(rng, shape, scale):
    return (rng.standard_normal(shape) * scale).astype(np.float32).astype(np.float64)


def linear(rng, fan_in, units, scale=0.6):
    # biases lean positive, so that few relu units are dead on the fixed input
    bias = (rng.standard_normal(units) * scale + 0.3).astype(np.float32).astype(np.float64)
    return [f32(rng, (units, fan_in), scale), bias]


def head_weights(rng, width, head_hidden, outputs):
    ws, fan = [], width
    for h in head_hidden + [outputs]:
        ws += linear(rng, fan, h)
        fan = h
    return ws


def head_module(width, head_hidden, outputs):
    layers, fan = [], width
    for i, h in enumerate(head_hidden + [outputs]):
        layers.append(nn.Linear(fan, h))
        if i < len(head_hidden):
            layers.append(nn.ReLU())
        fan = h
    return nn.Sequential(*layers)


def set_params(module, values):
    params = list(module.parameters())
    assert len(params) == len(values), (len(params), len(values))
    with torch.no_grad():
        for p, v in zip(params, values):
            assert tuple(p.shape) == v.shape, (tuple(p.shape), v.shape)
            p.copy_(torch.tensor(v))


def to_libmtl_gate(w, own):
    """A task gate from the project's unit order (own experts, shared) to LibMTL's (shared, own)."""
    return [np.concatenate([w[0][own:], w[0][:own]]), np.concatenate([w[1][own:], w[1][:own]])]


def draw(rng, tasks, features, widths, levels, own, shared, head_hidden, shared_gates):
    """Weights keyed by the project's block names; level l holds stages [l*S/L, (l+1)*S/L)."""
    blocks = {}
    stages = len(widths)
    fan = features
    names = [t for t, _ in tasks]
    for l in range(levels):
        lo, hi = l * stages // levels, (l + 1) * stages // levels

        def expert():
            ws, f = [], fan
            for s in range(lo, hi):
                ws += linear(rng, f, widths[s])
                f = widths[s]
            return ws

        for t in names:
            for e in range(own):
                blocks[f"{t}_level{l + 1}_expert{e + 1}"] = expert()
        for e in range(shared):
            blocks[f"level{l + 1}_shared_expert{e + 1}"] = expert()
        for t in names:
            blocks[f"{t}_level{l + 1}_gate"] = linear(rng, fan, own + shared, 0.8)
        if l < levels - 1 and shared_gates:
            blocks[f"level{l + 1}_shared_gate"] = linear(rng, fan, len(names) * own + shared, 0.8)
        fan = widths[hi - 1]
    for t, o in tasks:
        blocks[f"{t}_head"] = head_weights(rng, fan, head_hidden, o)
    return blocks


# --- the paper's equations, numpy -------------------------------------------------------------

def run_linear_relu(ws, x):
    for i in range(0, len(ws), 2):
        x = np.maximum(x @ ws[i].T + ws[i + 1], 0.0)
    return x


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def mix(gate, x, outputs):
    p = softmax(x @ gate[0].T + gate[1])
    return sum(p[:, [e]] * outputs[e] for e in range(len(outputs)))


def paper_ple(blocks, x, tasks, levels, own, shared, head_hidden):
    names = [t for t, _ in tasks]
    task_in = {t: x for t in names}
    shared_in = x
    for l in range(1, levels + 1):
        shared_out = [run_linear_relu(blocks[f"level{l}_shared_expert{e + 1}"], shared_in) for e in range(shared)]
        all_own, nxt = [], {}
        for t in names:
            own_out = [run_linear_relu(blocks[f"{t}_level{l}_expert{e + 1}"], task_in[t]) for e in range(own)]
            all_own += own_out
            nxt[t] = mix(blocks[f"{t}_level{l}_gate"], task_in[t], own_out + shared_out)
        if l < levels:
            shared_in = mix(blocks[f"level{l}_shared_gate"], shared_in, all_own + shared_out)
        task_in = nxt
    outputs = {}
    for t in names:
        h, ws = task_in[t], blocks[f"{t}_head"]
        for i in range(0, len(ws), 2):
            h = h @ ws[i].T + ws[i + 1]
            if i + 2 < len(ws):
                h = np.maximum(h, 0.0)
        outputs[t] = h
    return outputs


# --- LibMTL ----------------------------------------------------------------------------------

def stage_module(fan, width):
    return nn.Sequential(nn.Linear(fan, width), nn.ReLU())


def libmtl_cgc(cgc, blocks, x, tasks, features, widths, own, shared, head_hidden):
    names = [t for t, _ in tasks]

    def encoder():
        layers, f = [], features
        for w in widths:
            layers += [nn.Linear(f, w), nn.ReLU()]
            f = w
        return nn.Sequential(*layers)

    decoders = nn.ModuleDict({t: head_module(widths[-1], head_hidden, o) for t, o in tasks})
    model = cgc.CGC(names, encoder, decoders, False, False, torch.device("cpu"),
                    img_size=[features], num_experts=[shared] + [own] * len(names))
    for e in range(shared):
        set_params(model.experts_shared[e], blocks[f"level1_shared_expert{e + 1}"])
    for t in names:
        for e in range(own):
            set_params(model.experts_specific[t][e], blocks[f"{t}_level1_expert{e + 1}"])
        set_params(model.gate_specific[t][0], to_libmtl_gate(blocks[f"{t}_level1_gate"], own))
        set_params(decoders[t], blocks[f"{t}_head"])
    model.eval()
    with torch.no_grad():
        xt = torch.tensor(x)
        out = model(xt)
        gates = {}
        for t in names:
            selector = model.gate_specific[t](xt).numpy()
            # back to the project's unit order
            gates[t] = np.concatenate([selector[:, shared:], selector[:, :shared]], axis=1)
    return {t: out[t].numpy() for t in names}, gates


class ResNetShapedMlp(nn.Module):
    """The attributes LibMTL's PLE takes from a ResNet, as five mlp stages."""

    def __init__(self, features, widths):
        super().__init__()
        self.conv1 = nn.Linear(features, widths[0])
        self.bn1 = nn.Identity()
        self.relu = nn.ReLU()
        self.maxpool = nn.Identity()
        for i in range(1, 5):
            setattr(self, f"layer{i}", stage_module(widths[i - 1], widths[i]))


def libmtl_ple(ple, blocks, x, tasks, features, widths, own, shared, head_hidden):
    names = [t for t, _ in tasks]
    decoders = nn.ModuleDict({t: head_module(widths[-1], head_hidden, o) for t, o in tasks})
    model = ple.PLE(names, lambda: ResNetShapedMlp(features, widths), decoders, False, False,
                    torch.device("cpu"), img_size=[features], num_experts=[shared] + [own] * len(names))
    enc = model.encoder
    for l in range(5):
        for e in range(shared):
            set_params(enc.shared_layer[str(l)][e], blocks[f"level{l + 1}_shared_expert{e + 1}"])
        for t in names:
            for e in range(own):
                set_params(enc.specific_layer[str(l)][t][e], blocks[f"{t}_level{l + 1}_expert{e + 1}"])
            set_params(enc.gate_specific[t][l][0], to_libmtl_gate(blocks[f"{t}_level{l + 1}_gate"], own))
    for t in names:
        set_params(decoders[t], blocks[f"{t}_head"])
    model.eval()
    with torch.no_grad():
        out = model(torch.tensor(x))
    return {t: out[t].numpy() for t in names}


def flat(d):
    return {k: np.asarray(v).ravel().tolist() for k, v in d.items()}


def record(name, kind, tasks, features, widths, levels, own, shared, head_hidden, batch, x, blocks):
    return {"name": name, "kind": kind, "tasks": [{"name": t, "outputs": o} for t, o in tasks],
            "features": features, "mlpHidden": widths, "levels": levels, "taskExperts": own,
            "sharedExperts": shared, "headHidden": head_hidden, "batch": batch,
            "input": x.ravel().tolist(),
            "blocks": {k: [np.asarray(a).ravel().tolist() for a in v] for k, v in blocks.items()}}


def main():
    root = sys.argv[1]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.architecture"):
        sys.modules[package] = types.ModuleType(package)
    load(root, "abstract_arch")
    load(root, "MMoE")
    cgc = load(root, "CGC")
    ple = load(root, "PLE")
    rng = np.random.default_rng(20200922)
    cases = []

    # CGC: one level, 3 tasks, 2 own and 2 shared experts, each expert the whole mlp 8-6-5
    tasks, features, widths, head_hidden, batch = [("a", 3), ("b", 2), ("c", 2)], 8, [6, 5], [4], 5
    blocks = draw(rng, tasks, features, widths, 1, 2, 2, head_hidden, False)
    x = f32(rng, (batch, features), 1.0)
    outputs, gates = libmtl_cgc(cgc, blocks, x, tasks, features, widths, 2, 2, head_hidden)
    paper = paper_ple(blocks, x, tasks, 1, 2, 2, head_hidden)
    assert max(np.abs(outputs[t] - paper[t]).max() for t, _ in tasks) < 1e-12
    c = record("cgc: LibMTL's CGC, 3 tasks, 2 own and 2 shared experts", "cgc", tasks, features, widths,
               1, 2, 2, head_hidden, batch, x, blocks)
    c["outputs"], c["gates"] = flat(outputs), flat(gates)
    cases.append(c)

    # PLE, one task, five levels
    widths5 = [6, 5, 6, 5, 4]
    tasks1 = [("a", 3)]
    blocks = draw(rng, tasks1, features, widths5, 5, 1, 2, [3], False)
    for l in range(1, 5):
        blocks[f"level{l}_shared_gate"] = [a.copy() for a in blocks[f"a_level{l}_gate"]]
    x = f32(rng, (batch, features), 1.0)
    outputs = libmtl_ple(ple, blocks, x, tasks1, features, widths5, 1, 2, [3])
    paper = paper_ple(blocks, x, tasks1, 5, 1, 2, [3])
    assert np.abs(outputs["a"] - paper["a"]).max() < 1e-12
    c = record("ple-one-task: LibMTL's PLE, 5 levels, 1 own and 2 shared experts; shared gates = task gates",
               "ple-one-task", tasks1, features, widths5, 5, 1, 2, [3], batch, x, blocks)
    c["outputs"] = flat(outputs)
    cases.append(c)

    # PLE, three tasks, five levels: the paper's equations; LibMTL recorded for comparison
    blocks = draw(rng, tasks, features, widths5, 5, 1, 2, [3], True)
    x = f32(rng, (batch, features), 1.0)
    paper = paper_ple(blocks, x, tasks, 5, 1, 2, [3])
    libmtl = libmtl_ple(ple, blocks, x, tasks, features, widths5, 1, 2, [3])
    c = record("ple-paper: the paper's equations in numpy, 3 tasks, 5 levels, 1 own and 2 shared experts",
               "ple-paper", tasks, features, widths5, 5, 1, 2, [3], batch, x, blocks)
    c["outputs"] = flat(paper)
    c["libmtlOutputs"] = flat(libmtl)
    c["libmtlLargestRelativeDifference"] = {
        t: float(np.abs(libmtl[t] - paper[t]).max() / np.abs(paper[t]).max()) for t, _ in tasks}
    cases.append(c)

    json.dump({"reference": "median-research-group/LibMTL",
               "files": ["LibMTL/architecture/CGC.py", "LibMTL/architecture/PLE.py"], "cases": cases},
              sys.stdout)
    print()


if __name__ == "__main__":
    main()
