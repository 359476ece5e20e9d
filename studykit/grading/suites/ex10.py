"""Checks for ex10, max pooling: forward over windows and the backward that routes to each maximum."""

from __future__ import annotations

import numpy as np

from studykit.grading import checks, speed
from studykit.grading.cases import CaseList
from studykit.grading.gradcheck import numerical_gradient_array
from studykit.reference.pooling import max_pool2d as ref_pool, max_pool2d_backward as ref_backward

cases = CaseList()


def _distinct(rng, shape):
    """Inputs without ties, so every window has one maximum."""
    return rng.permutation(np.prod(shape)).reshape(shape) / 7.0 + rng.uniform(0, 0.01, shape)


def _forward(sol, X, size, stride, positional=False):
    func = checks.need_as_starter(sol, "max_pool2d", "ex10")
    with checks.unchanged("max_pool2d", X=X):
        got = func(X, size, stride) if positional else func(X, size=size, stride=stride)
    got = checks.as_array("out", got)
    expected = ref_pool(X, size, stride)
    checks.check_shape("out", got, expected.shape,
                       "H_out = ⌊(H − size) / stride⌋ + 1: pooling keeps N and C and slides over H and W only.")
    checks.check_close("out", got, expected, rtol=1e-12, atol=0, variants={
        "this is average pooling: take the maximum of each window.":
            lambda: np.lib.stride_tricks.sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
            .mean(axis=(4, 5)),
    })


def _assigned(dout, X, size, stride, whole_window=False):
    """The backward of a learner who assigns (=) instead of accumulating (+=), windows visited row by row, so the
    last window wins where windows overlap: either dX[max position] = dout, or the whole window
    dX[window] = (window == max) · dout (which also wipes an earlier window's gradient with zeros)."""
    dX = np.zeros(X.shape, dtype=np.result_type(dout, X))
    n, c, ho, wo = dout.shape
    windows = np.lib.stride_tricks.sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    argmax = windows.reshape(n, c, ho, wo, size * size).argmax(axis=-1)
    nn, cc = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
    for i in range(ho):
        for j in range(wo):
            if whole_window:
                at_max = (np.arange(size * size) == argmax[:, :, i, j, None]).reshape(n, c, size, size)
                dX[:, :, i * stride:i * stride + size, j * stride:j * stride + size] = at_max * dout[:, :, i, j, None,
                                                                                                     None]
            else:
                a, b = np.divmod(argmax[:, :, i, j], size)
                dX[nn, cc, i * stride + a, j * stride + b] = dout[:, :, i, j]
    return dX


ACCUMULATE = ("overlapping windows can share a maximum, and each window's gradient must be added: accumulate with "
              "dX[...] += dout[...] — with = the last window overwrites what an earlier one wrote there.")


def _backward(sol, X, size, stride, rng, positional=False):
    dout = rng.standard_normal(ref_pool(X, size, stride).shape)
    func = checks.need_as_starter(sol, "max_pool2d_backward", "ex10")
    with checks.unchanged("max_pool2d_backward", dout=dout, X=X):
        got = func(dout, X, size, stride) if positional else func(dout, X, size=size, stride=stride)
    where = f" (size {size}, stride {stride}, X {X.shape})"
    got = checks.as_array("dX" + where, got)
    expected = ref_backward(dout, X, size, stride)
    checks.check_shape("dX" + where, got, X.shape, "dX has the shape of X: one gradient per input entry.")

    def spread():
        dX = np.zeros_like(X)
        ho, wo = dout.shape[2:]
        for i in range(size):
            for j in range(size):
                dX[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride] += dout / (size * size)
        return dX

    checks.check_close("dX" + where, got, expected, rtol=1e-12, atol=1e-15, variants={
        "you spread each gradient over the whole window (that is average pooling's backward); max pooling sends "
        "it only to the position of the window's maximum.": spread,
        ACCUMULATE: lambda: _assigned(dout, X, size, stride),
        ACCUMULATE + " (Assigning the whole window, dX[window] = mask · dout, also writes zeros over it.)":
            lambda: _assigned(dout, X, size, stride, whole_window=True),
    })
    return dout, got


SWEEP = [(size, stride) for size in (1, 2, 3) for stride in (1, 2, 3)]


def _sweep_input(rng, size, stride):
    """Non-square, sizes that leave a remainder; a batch of one every other setting."""
    return _distinct(rng, (1 + (size + stride) % 2, 2, 4 + size + stride, 3 + 2 * size))


@cases("forward: 2×2 windows, stride 2", part="forward")
def _(sol, rng):
    _forward(sol, _distinct(rng, (1, 1, 4, 4)), 2, 2)


@cases("forward: batch and channels, odd size, 3×3 stride 2 (overlapping)", part="forward", kind="random")
def _(sol, rng):
    _forward(sol, _distinct(rng, (2, 3, 7, 5)), 3, 2)


@cases("forward: stride 1 and a batch of one", part="forward", kind="edge")
def _(sol, rng):
    _forward(sol, _distinct(rng, (1, 2, 5, 6)), 2, 1)


@cases("forward: every window size 1–3 with every stride 1–3", part="forward", kind="random")
def _(sol, rng):
    for size, stride in SWEEP:
        _forward(sol, _sweep_input(rng, size, stride), size, stride, positional=True)


@cases("backward: 2×2 windows, stride 2", part="backward")
def _(sol, rng):
    _backward(sol, _distinct(rng, (2, 2, 4, 6)), 2, 2, rng)


@cases("backward: overlapping windows (3×3, stride 2)", part="backward", kind="random")
def _(sol, rng):
    _backward(sol, _distinct(rng, (2, 3, 7, 7)), 3, 2, rng)


@cases("backward: every window size 1–3 with every stride 1–3", part="backward", kind="random")
def _(sol, rng):
    for size, stride in SWEEP:
        _backward(sol, _sweep_input(rng, size, stride), size, stride, rng, positional=True)


@cases("backward: matches finite differences of your forward", part="backward", kind="property")
def _(sol, rng):
    X = _distinct(rng, (1, 2, 5, 5))
    forward = checks.need_as_starter(sol, "max_pool2d", "ex10")
    dout, got = _backward(sol, X, 2, 1, rng)
    numeric = numerical_gradient_array(lambda v: forward(v, size=2, stride=1), X.copy(), dout, h=1e-6)
    checks.check_gradient("dX", got, numeric, threshold=1e-6)


@cases("speed: your forward on N=8, C=16, 32×32", kind="speed", scored=False, timeout=30)
def _(sol, rng):
    forward = checks.need_as_starter(sol, "max_pool2d", "ex10")
    X = _distinct(rng, (1, 2, 7, 7))
    try:  # "correct; …" is only said of a forward that is right for other sizes and strides too
        ok = all(np.allclose(forward(X, size=k, stride=s), ref_pool(X, k, s)) for k, s in ((2, 2), (3, 2), (2, 1)))
    except Exception:
        ok = False
    if not ok:
        return "speed not measured: the forward pass is not correct yet."
    big, small = rng.standard_normal((8, 16, 32, 32)), rng.standard_normal((1, 4, 16, 16))
    tiny = rng.standard_normal((1, 2, 8, 8))
    advice = speed.pool_advice(speed.facts_for(sol, "max_pool2d", forward, (tiny,), outputs=1 * 2 * 4 * 4))
    return speed.compare(lambda: forward(small, size=2, stride=2), lambda: forward(big, size=2, stride=2),
                         lambda: ref_pool(small, 2, 2), lambda: ref_pool(big, 2, 2), (8 * 16 * 32 * 32) / (4 * 16 * 16),
                         "N=1, C=4, 16×16", advice)
