"""Checks for ex12, the residual block, against the composition of the other references."""

from __future__ import annotations

import re

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.reference.activations import relu
from studykit.reference.batchnorm import batch_norm
from studykit.reference.conv import conv2d_forward
from studykit.reference.resnet import residual_block as ref

cases = CaseList()


def _params(rng, c_in, c_out, projection):
    p = {
        "W1": rng.standard_normal((c_out, c_in, 3, 3)) * 0.4, "b1": rng.standard_normal(c_out) * 0.1,
        "gamma1": rng.uniform(0.5, 1.5, c_out), "beta1": rng.standard_normal(c_out) * 0.1,
        "W2": rng.standard_normal((c_out, c_out, 3, 3)) * 0.4, "b2": rng.standard_normal(c_out) * 0.1,
        "gamma2": rng.uniform(0.5, 1.5, c_out), "beta2": rng.standard_normal(c_out) * 0.1,
    }
    if projection:
        p["W3"], p["b3"] = rng.standard_normal((c_out, c_in, 1, 1)) * 0.5, rng.standard_normal(c_out) * 0.1
    return p


def _bn(Z, gamma, beta, train=True):
    c = Z.shape[1]
    return batch_norm(Z, gamma, beta, np.zeros(c), np.ones(c), train)[0]


def _variants(X, p, stride):
    def branch(relu_first=False, bn_train=True, stride1=stride, stride2=1):
        out = relu(_bn(conv2d_forward(X, p["W1"], p["b1"], stride1, 1), p["gamma1"], p["beta1"], bn_train))
        out = _bn(conv2d_forward(out, p["W2"], p["b2"], stride2, 1), p["gamma2"], p["beta2"], bn_train)
        return relu(out) if relu_first else out

    short = conv2d_forward(X, p["W3"], p["b3"], stride, 0) if "W3" in p else X
    return {
        "apply the final ReLU AFTER adding the shortcut: relu(F(x) + shortcut(x)), not relu(F(x)) + shortcut(x).":
            lambda: branch(relu_first=True) + short,
        "batch norm here runs in training mode: normalize with the batch statistics, not moving averages.":
            lambda: relu(branch(bn_train=False) + short),
        "you forgot the shortcut: the block outputs relu(F(x) + x).": lambda: relu(branch()),
        "params has W3 and b3: the shortcut is the 1×1 convolution conv(X, W3, b3, stride), not X itself.":
            lambda: relu(branch() + X) if "W3" in p else None,
        "the stride belongs to conv1 (and the shortcut's 1×1 convolution); conv2 always has stride 1.":
            lambda: relu(branch(stride1=1, stride2=stride) + short) if stride != 1 else None,
    }


SHAPE_CLASH = ("the main branch and the shortcut must have the same shape before the addition: conv1 and the "
               "shortcut's 1×1 convolution use the given stride, conv2 always has stride 1, and when params has "
               "W3/b3 the shortcut is conv(X, W3, b3, stride) — not X.")


def _clash_hint(message, X, p, stride):
    """The cause of a broadcast clash between the branches, from the two shapes numpy names: a padded 1×1 shortcut,
    a shortcut without its stride, a missing projection; else SHAPE_CLASH."""
    shapes = {tuple(int(d) for d in m.split(",") if d.strip()) for m in re.findall(r"\(([\d, ]+)\)", message)}
    main = ref(X, p, stride).shape

    def conv_shape(s, pad):
        return conv2d_forward(X, p["W3"], p["b3"], s, pad).shape if "W3" in p else None

    if "W3" in p and main in shapes:
        if conv_shape(stride, 1) in shapes and conv_shape(stride, 1) != main:
            return "the shortcut's 1×1 convolution has padding 0 (a 1×1 kernel needs none): you padded it by 1."
        if stride != 1 and conv_shape(1, 0) in shapes:
            return "the shortcut's 1×1 convolution uses the block's stride too: conv(X, W3, b3, stride, padding=0)."
        if X.shape in shapes and X.shape != main:
            return "params has W3 and b3: the shortcut is the 1×1 convolution conv(X, W3, b3, stride), not X itself."
    return SHAPE_CLASH


def _check(sol, X, p, stride, positional=False):
    func = checks.need_as_starter(sol, "residual_block", "ex12")
    with checks.unchanged("residual_block", X=X, **{f'params["{k}"]': v for k, v in p.items()}):
        try:
            got = func(X, p, stride) if positional else func(X, p, stride=stride)
        except ValueError as exc:
            # numpy refusing to add two differently shaped branches is the classic symptom; name its causes
            if "broadcast" not in str(exc):
                raise
            projection = "with" if "W3" in p else "without"
            raise checks.CheckFailed(
                f"residual_block raised “ValueError: {str(exc).strip()}” for X of shape {X.shape}, stride {stride}, "
                f"{projection} W3/b3.", _clash_hint(str(exc), X, p, stride)) from None
    got = checks.as_array("out", got)
    expected = ref(X, p, stride)
    hint = None
    if got.shape != expected.shape:
        hint = SHAPE_CLASH if "W3" in p else "conv1 and conv2 are 3×3 with padding 1; only conv1 uses the given stride."
    checks.check_shape("out", got, expected.shape, hint)
    checks.check_close("out", got, expected, rtol=1e-6, atol=1e-9, variants=_variants(X, p, stride))


@cases("identity shortcut: C_in = C_out, stride 1")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 3, 6, 6)), _params(rng, 3, 3, False), 1)


@cases("projection shortcut: C_in ≠ C_out, stride 2", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 2, 8, 8)), _params(rng, 2, 4, True), 2, positional=True)


@cases("projection with stride 1 (channels change only)", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((3, 3, 5, 5)), _params(rng, 3, 5, True), 1)


@cases("projection even when the shapes already match (C_in = C_out, stride 1)", kind="edge")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 3, 5, 4)), _params(rng, 3, 3, True), 1)


@cases("projection, stride 2, C_in = C_out", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 3, 6, 6)), _params(rng, 3, 3, True), 2)


@cases("odd sizes with stride 2", kind="edge")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 2, 7, 5)), _params(rng, 2, 3, True), 2, positional=True)


@cases("a batch of one image", kind="edge")
def _(sol, rng):
    _check(sol, rng.standard_normal((1, 2, 4, 4)), _params(rng, 2, 2, False), 1)
