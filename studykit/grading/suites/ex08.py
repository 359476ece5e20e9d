"""Checks for ex08: 'valid' cross-correlation versus true (flipped-kernel) convolution."""

from __future__ import annotations

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.reference.conv import conv2d_flipped as ref_conv, corr2d as ref_corr

cases = CaseList()

SIZE_HINT = "a 'valid' result has shape (H − kh + 1, W − kw + 1): the kernel never hangs over the edge."


def _size_hint(shape, X, K):
    """What a wrong output shape says, only when it says it unambiguously: kh and kw mixed up, 'same' or 'full'
    sizes (the kernel hanging over the edge); else the formula alone."""
    (h, w), (kh, kw) = X.shape, K.shape
    shape = tuple(shape)
    if kh != kw and shape == (h - kh + 1, w - kh + 1):
        return f"you used the kernel's height kh = {kh} for the width too: the width is kw = K.shape[1] = {kw}."
    if kh != kw and shape == (h - kw + 1, w - kw + 1):
        return f"you used the kernel's width kw = {kw} for the height too: the height is kh = K.shape[0] = {kh}."
    if kh != kw and shape == (h - kw + 1, w - kh + 1):
        return "you swapped kh and kw: kh = K.shape[0] (rows), kw = K.shape[1] (columns)."
    if shape in ((h, w), (h + kh - 1, w + kw - 1)) and (kh, kw) != (1, 1):
        return SIZE_HINT
    return "a 'valid' result has shape (H − kh + 1, W − kw + 1) with (kh, kw) = K.shape."


def _run(sol, name, X, K, keywords=False):
    func = checks.need_as_starter(sol, name, "ex08")
    with checks.unchanged(name, X=X, K=K):
        got = func(X=X, K=K) if keywords else func(X, K)
    got = checks.as_array(f"{name}(X, K)", got)
    expected = (X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1)
    if got.shape != expected:
        checks.check_shape(f"{name}(X, K)", got, expected, _size_hint(got.shape, X, K))
    checks.check_dtype(f"{name}(X, K)", got, np.float64)  # float64 in → float64 out
    return got


def _check_corr(sol, X, K, keywords=False):
    got = _run(sol, "corr2d", X, K, keywords)
    checks.check_close("corr2d(X, K)", got, ref_corr(X, K), variants={
        "your answer matches the other convention: a true convolution (kernel flipped). corr2d must NOT flip the "
        "kernel — CNN layers compute cross-correlations.": lambda: ref_conv(X, K),
        "corr2d does not flip the kernel at all; you flipped it along one axis.": lambda: ref_corr(X, K[::-1, :]),
        "corr2d does not flip the kernel at all; you flipped it along one axis (the columns).":
            lambda: ref_corr(X, K[:, ::-1]),
    })


def _check_conv(sol, X, K, keywords=False):
    got = _run(sol, "conv2d_flipped", X, K, keywords)
    checks.check_close("conv2d_flipped(X, K)", got, ref_conv(X, K), variants={
        "your answer matches the other convention: a cross-correlation. A true convolution flips the kernel on "
        "BOTH axes first (K[::-1, ::-1]).": lambda: ref_corr(X, K),
        "flip the kernel on both axes, not just one (you flipped only the rows).": lambda: ref_corr(X, K[::-1, :]),
        "flip the kernel on both axes, not just one (you flipped only the columns).": lambda: ref_corr(X, K[:, ::-1]),
        "flip the kernel, not the result.": lambda: ref_corr(X, K)[::-1, ::-1],
    })


@cases("corr2d: the textbook 3×3 example", part="corr2d")
def _(sol, rng):
    _check_corr(sol, np.arange(9.0).reshape(3, 3), np.array([[0.0, 1.0], [2.0, 3.0]]))


@cases("corr2d: random, non-square input and kernel", part="corr2d", kind="random")
def _(sol, rng):
    _check_corr(sol, rng.standard_normal((6, 8)), rng.standard_normal((2, 3)), keywords=True)
    _check_corr(sol, rng.standard_normal((5, 5)), rng.standard_normal((5, 1)))


@cases("corr2d: edge detector [1, −1] finds a vertical edge", part="corr2d", kind="edge")
def _(sol, rng):
    X = np.ones((4, 6))
    X[:, 2:4] = 0
    _check_corr(sol, X, np.array([[1.0, -1.0]]))


@cases("conv2d_flipped: the textbook 3×3 example", part="conv2d_flipped")
def _(sol, rng):
    _check_conv(sol, np.arange(9.0).reshape(3, 3), np.array([[0.0, 1.0], [2.0, 3.0]]))


@cases("conv2d_flipped: random, asymmetric kernels", part="conv2d_flipped", kind="random")
def _(sol, rng):
    _check_conv(sol, rng.standard_normal((7, 5)), rng.standard_normal((3, 2)), keywords=True)


@cases("edge: a 1×1 kernel and a kernel as large as the input", kind="edge")
def _(sol, rng):
    X = rng.standard_normal((4, 4))
    _check_corr(sol, X, np.array([[2.0]]))
    _check_conv(sol, X, rng.standard_normal((4, 4)))
