"""Expected MGDA from LibMTL's MGDA and from the authors' min-norm solver, on fixed task gradients.

Run with checkouts at the commits in README.md (neither is part of this project):

    python3 generate.py /path/to/LibMTL /path/to/MultiObjectiveOptimization > expected.json

LibMTL's package __init__ imports every method (and their optional dependencies), so only
abstract_weighting.py and MGDA.py are loaded, from their files; from the authors' repository only
multi_task/min_norm_solvers_numpy.py (its torch twin, min_norm_solvers.py, was written for
PyTorch 0.3 and mixes 0-d tensors into NumPy calls that today's PyTorch refuses; the two differ
only in how the inner products are taken and in the stopping threshold, 1e-6 here, 1e-5 there;
the NumPy class calls itself under the torch class's name, MinNormSolver, so that name is bound to
it in the loaded module). The "network" is one shared parameter vector theta with linear task
losses L_t = g_t . theta + b_t, so the task gradients are exactly the given g_t and the losses are
positive (for the loss normalizations). LibMTL's backward returns the min-norm weights alpha of the
normalized gradients g_t / c_t and writes sum_t alpha_t g_t / c_t into the shared gradient; the
authors' code scales the original losses by alpha instead. For every case the authors'
MinNormSolverNumpy.find_min_norm_element is also run on the same normalized gradients.

Both solvers iterate until an iteration changes the weights by less than a threshold (L1: 1e-5 in
LibMTL, 1e-6 in the authors' NumPy solver), which leaves their weights up to about 1e-4 relative
off the min-norm point on these inputs. So that the expected values are the method's and not the
solvers' stopping point, both are run to convergence: the authors' class threshold is set to
1e-13, and LibMTL's local constants (MAX_ITER 250, STOP_CRIT 1e-5) are replaced in the function's
code object by 100000 and 1e-13. Nothing else of either solver is changed.
"""
import importlib.util
import json
import sys
import types

import numpy as np
import torch


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def f32(rng, shape, scale=1.0):
    # values exact in single precision, so both sides start from the same numbers
    return (rng.standard_normal(shape) * scale).astype(np.float32).astype(np.float64)


def converged(function):
    """The function with its constants 250 (MAX_ITER) and 1e-5 (STOP_CRIT) replaced."""
    constants = tuple(100000 if c == 250 and type(c) is int else 1e-13 if c == 1e-5 else c
                      for c in function.__code__.co_consts)
    assert constants.count(100000) == 1 and constants.count(1e-13) == 1
    return types.FunctionType(function.__code__.replace(co_consts=constants),
                              function.__globals__, function.__name__, function.__defaults__,
                              function.__closure__)


def case(module, authors, name, rng, g, normalization):
    k, p = g.shape
    theta0 = f32(rng, (p,))
    # offsets making every loss lie in [1, 3)
    b = (1.0 + 2.0 * rng.random(k) - g @ theta0).astype(np.float32).astype(np.float64)

    class Model(module.MGDA):
        def __init__(self):
            super().__init__()
            self.task_num = k
            self.device = torch.device("cpu")
            self.rep_grad = False
            self.theta = torch.nn.Parameter(torch.tensor(theta0))

        def get_share_params(self):
            return [self.theta]

        def zero_grad_share_params(self):
            self.theta.grad = torch.zeros_like(self.theta)

    model = Model()
    gt = torch.tensor(g)
    losses = [gt[t] @ model.theta + b[t] for t in range(k)]
    loss_values = [loss.item() for loss in losses]
    alpha = model.backward(losses, mgda_gn=normalization)
    update = model.theta.grad.numpy()
    # the authors' solver on the same normalized gradients
    norms = np.sqrt((g ** 2).sum(1))
    scale = {"none": np.ones(k), "l2": norms, "loss": np.array(loss_values),
             "loss+": np.array(loss_values) * norms}[normalization]
    vecs = [g[t] / scale[t] for t in range(k)]
    authors_alpha, _ = authors.MinNormSolverNumpy.find_min_norm_element(vecs)
    return {
        "name": name,
        "normalization": normalization,
        "gradients": g.tolist(),
        "losses": loss_values,
        # LibMTL's returned min-norm weights of the normalized gradients
        "alpha": np.asarray(alpha).tolist(),
        # LibMTL's update, sum_t alpha_t g_t / c_t
        "sharedGradient": update.tolist(),
        # the authors' MinNormSolverNumpy on the normalized gradients
        "authorsAlpha": np.asarray(authors_alpha, dtype=np.float64).tolist(),
    }


def main():
    libmtl, moo = sys.argv[1], sys.argv[2]
    torch.set_default_dtype(torch.float64)
    for package in ("LibMTL", "LibMTL.weighting"):
        sys.modules[package] = types.ModuleType(package)
    load(f"{libmtl}/LibMTL/weighting/abstract_weighting.py", "LibMTL.weighting.abstract_weighting")
    module = load(f"{libmtl}/LibMTL/weighting/MGDA.py", "LibMTL.weighting.MGDA")
    authors = load(f"{moo}/multi_task/min_norm_solvers_numpy.py", "min_norm_solvers_numpy")
    authors.MinNormSolver = authors.MinNormSolverNumpy
    authors.MinNormSolverNumpy.STOP_CRIT = 1e-13
    module.MGDA._find_min_norm_element = converged(module.MGDA._find_min_norm_element)
    rng = np.random.default_rng(20181203)
    g2 = np.array([[1.0, 0.5, -0.25, 2.0], [-1.5, 0.75, 0.5, -1.0]])
    g3 = f32(rng, (3, 6))
    g4 = f32(rng, (4, 8))
    g4[2] = 0.6 * g4[0] + 0.4 * g4[1] + f32(rng, (8,), 0.5)
    g5 = f32(rng, (5, 9))
    g5[4] *= 2.5
    cases = [
        case(module, authors, "two tasks, no normalization", rng, g2, "none"),
        case(module, authors, "three tasks, no normalization", rng, g3, "none"),
        case(module, authors, "four tasks, no normalization", rng, g4, "none"),
        case(module, authors, "five tasks, no normalization", rng, g5, "none"),
        case(module, authors, "three tasks, l2", rng, g3, "l2"),
        case(module, authors, "four tasks, loss", rng, g4, "loss"),
        case(module, authors, "five tasks, loss+", rng, g5, "loss+"),
    ]
    json.dump({"reference": "median-research-group/LibMTL", "file": "LibMTL/weighting/MGDA.py",
               "authors": "isl-org/MultiObjectiveOptimization",
               "authorsFile": "multi_task/min_norm_solvers_numpy.py", "cases": cases},
              sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
