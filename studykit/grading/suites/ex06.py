"""Checks for ex06, a two-layer MLP's backprop: δ², δ¹ and the parameter gradients, against the
reference and against central finite differences of the learner's own loss."""

from __future__ import annotations

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.grading.gradcheck import numerical_gradient
from studykit.reference.activations import relu, relu_grad
from studykit.reference.mlp import mlp_backprop as ref

cases = CaseList()

KEYS = ("delta2", "delta1", "W1", "b1", "W2", "b2")
ARGS = ("X", "y", "W1", "b1", "W2", "b2")  # mlp_backprop's parameters


def _problem(rng, n=5, d=4, h=6, c=3):
    X = rng.standard_normal((n, d))
    y = rng.integers(0, c, size=n)
    W1, b1 = rng.standard_normal((d, h)) * 0.5, rng.standard_normal(h) * 0.1
    W2, b2 = rng.standard_normal((h, c)) * 0.5, rng.standard_normal(c) * 0.1
    return X, y, W1, b1, W2, b2


def _call(sol, args, keywords=False):
    func = checks.need_as_starter(sol, "mlp_backprop", "ex06")
    arrays = {k: a for k, a in zip(ARGS, args, strict=True) if isinstance(a, np.ndarray)}
    with checks.unchanged("mlp_backprop", **arrays):
        out = func(**dict(zip(ARGS, args, strict=True))) if keywords else func(*args)
    if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict)):
        raise checks.CheckFailed("mlp_backprop must return (loss, grads) with grads a dict.")
    loss, grads = out
    missing = [k for k in KEYS if k not in grads]
    if missing:
        raise checks.CheckFailed(f"grads is missing {', '.join(repr(k) for k in missing)}; "
                                 f"it needs {', '.join(repr(k) for k in KEYS)}.")
    return checks.as_float("loss", loss), grads


def _hints(args, exp):
    X, y, W1, b1, W2, b2 = args
    Z1 = X @ W1 + b1
    A1 = relu(Z1)
    d2, d1 = exp["delta2"], exp["delta1"]
    on = relu_grad(Z1)
    # several variants only have the right shape when layers are square (D = H = C): the square case
    # below exists so that these mistakes produce wrong numbers (diagnosable) instead of a shape error
    return {
        "delta1": {
            "δ¹ = δ² W2ᵀ ⊙ relu′(Z1): you forgot the ⊙ f′(z¹) — the gradient must be zero where the ReLU was off.":
                lambda: d2 @ W2.T,
            "δ¹ uses relu′(Z1) (0 or 1), not relu(Z1).": lambda: (d2 @ W2.T) * relu(Z1),
            "δ¹ is propagated back through the NEXT layer's weights W2 (δ² W2ᵀ), not through W1.":
                lambda: (d2 @ W1.T) * on,
            "δ¹ = δ² W2ᵀ ⊙ relu′(Z1): transpose W2 — in row form δ² (N, C) times W2ᵀ (C, H).":
                lambda: (d2 @ W2) * on,
        },
        "delta2": {
            "δ² = (softmax(Z2) − onehot(y)) / N: did you forget the / N?": lambda: d2 * X.shape[0],
            "δ² = (softmax(Z2) − onehot(y)) / N: probabilities minus targets, not the other way round.":
                lambda: -d2,
        },
        "W2": {
            "∂L/∂W2 = A1ᵀ δ² (A1 = relu(Z1), the layer's INPUT), shape (H, C).": lambda: Z1.T @ d2,
            "∂L/∂W2 = A1ᵀ δ² — you have its transpose (δ²ᵀ A1); W2's gradient has W2's shape (H, C).":
                lambda: (A1.T @ d2).T,
        },
        "W1": {
            "∂L/∂W1 = Xᵀ δ¹, shape (D, H).": lambda: X.T @ (d2 @ W2.T),
            "∂L/∂W1 = Xᵀ δ¹ — you have its transpose (δ¹ᵀ X); W1's gradient has W1's shape (D, H).":
                lambda: (X.T @ d1).T,
        },
        "b1": {"∂L/∂b1 sums δ¹ over the batch (axis 0): b1 is added to every row.": lambda: d1.mean(axis=0)},
        "b2": {"∂L/∂b2 sums δ² over the batch (axis 0): b2 is added to every row.": lambda: d2.mean(axis=0)},
    }


def _shape_hint(key, got, expected):
    """A hint for a gradient of the wrong shape: transposed, or not summed over the batch."""
    if got.shape == expected.shape:
        return None
    if key in ("W1", "W2") and got.ndim == 2 and got.shape == expected.shape[::-1]:
        return (f'grads["{key}"] is transposed: a weight\'s gradient has the weight\'s shape {expected.shape}; '
                f"∂L/∂W = (the layer's input)ᵀ δ.")
    if key in ("b1", "b2") and got.shape == (1, *expected.shape):
        return (f'grads["{key}"] has shape {got.shape}: you summed over the batch with keepdims=True; {key} has shape '
                f"{expected.shape}, so drop keepdims (or reshape to {expected.shape}).")
    if key in ("b1", "b2") and got.ndim == 2 and got.shape[1:] == expected.shape:
        return f'∂L/∂{key} sums the δ rows over the batch (axis 0): shape {expected.shape}, one entry per unit.'
    return f'grads["{key}"] must have the shape of what it differentiates: {expected.shape}.'


def _check_all(sol, args, keys=KEYS, keywords=False):
    loss, grads = _call(sol, args, keywords)
    exp_loss, exp = ref(*args)
    checks.check_close("loss", loss, exp_loss, rtol=1e-7)
    hints = _hints(args, exp)
    for k in keys:
        got = checks.as_array(f'grads["{k}"]', grads[k])
        checks.check_close(f'grads["{k}"]', got, exp[k], rtol=1e-6, atol=1e-10,
                           hint=_shape_hint(k, got, exp[k]), variants=hints.get(k, {}), factors={"N": args[0].shape[0]})
    return grads


@cases("forward: the loss", part="forward")
def _(sol, rng):
    args = _problem(rng)
    loss, _ = _call(sol, args)
    checks.check_close("loss", loss, ref(*args)[0], rtol=1e-7,
                       hint="Z1 = X W1 + b1, A1 = relu(Z1), Z2 = A1 W2 + b2, then the MEAN softmax cross-entropy.")


@cases("δ² = ∂L/∂Z2", part="deltas")
def _(sol, rng):
    _check_all(sol, _problem(rng), keys=("delta2",))


@cases("δ¹ = ∂L/∂Z1", part="deltas")
def _(sol, rng):
    _check_all(sol, _problem(rng), keys=("delta2", "delta1"))


@cases("parameter gradients W1, b1, W2, b2", part="gradients")
def _(sol, rng):
    _check_all(sol, _problem(rng))


@cases("fixed: square layers D = H = C = 3", part="gradients")
def _(sol, rng):
    _check_all(sol, _problem(rng, n=4, d=3, h=3, c=3))


@cases("edge: batch of one, non-square layers", part="gradients", kind="edge")
def _(sol, rng):
    _check_all(sol, _problem(rng, n=1, d=7, h=2, c=4))


@cases("random: a larger batch", part="gradients", kind="random")
def _(sol, rng):
    _check_all(sol, _problem(rng, n=16, d=5, h=8, c=6), keywords=True)


@cases("random: the last classes never occur in y (C comes from W2, not from y)", part="gradients", kind="random")
def _(sol, rng):
    X, y, W1, b1, W2, b2 = _problem(rng, n=6, d=4, h=5, c=6)
    y = rng.integers(0, 4, size=6)  # labels below C − 2 only, the largest (3) present: y.max() + 1 ≠ C on every seed
    y[rng.integers(6)] = 3
    _check_all(sol, (X, y, W1, b1, W2, b2))


@cases("property: gradients match finite differences of your loss", part="gradients", kind="property")
def _(sol, rng):
    args = list(_problem(rng, n=4, d=3, h=5, c=3))
    func = checks.need_as_starter(sol, "mlp_backprop", "ex06")
    _, grads = _call(sol, tuple(args))
    for index, key in ((2, "W1"), (3, "b1"), (4, "W2"), (5, "b2")):
        def loss_of(value, index=index):
            trial = list(args)
            trial[index] = value
            return checks.as_float("loss", func(*trial)[0])
        numeric = numerical_gradient(loss_of, args[index].copy())
        got = checks.as_array(f'grads["{key}"]', grads[key])
        checks.check_gradient(f'grads["{key}"]', got, numeric, threshold=1e-5,
                              hint=_shape_hint(key, got, numeric)
                              or f"your grads[\"{key}\"] is not the derivative of your own loss with respect to {key}.")
