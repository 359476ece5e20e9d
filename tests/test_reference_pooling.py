"""The reference max pooling (ex10) against naive loops and finite differences (inputs without ties)."""

from __future__ import annotations

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient_array, rel_error
from studykit.reference.pooling import max_pool2d, max_pool2d_backward


def naive_pool(X, size, stride):
    n, c, h, w = X.shape
    ho, wo = (h - size) // stride + 1, (w - size) // stride + 1
    out, _dmask = np.zeros((n, c, ho, wo)), []
    for s in range(n):
        for ch in range(c):
            for i in range(ho):
                for j in range(wo):
                    out[s, ch, i, j] = X[s, ch, i * stride:i * stride + size, j * stride:j * stride + size].max()
    return out


def distinct(rng, shape):
    return rng.permutation(int(np.prod(shape))).reshape(shape) / 3.0


@pytest.mark.parametrize("shape, size, stride", [((1, 1, 4, 4), 2, 2), ((2, 3, 7, 5), 3, 2), ((1, 2, 5, 6), 2, 1),
                                                  ((2, 2, 9, 9), 3, 3), ((1, 1, 5, 5), 2, 2)])
def test_forward_and_backward(shape, size, stride):
    rng = np.random.default_rng(10)
    X = distinct(rng, shape)
    out = max_pool2d(X, size, stride)
    assert np.array_equal(out, naive_pool(X, size, stride))
    dout = rng.standard_normal(out.shape)
    dX = max_pool2d_backward(dout, X, size, stride)
    assert dX.shape == X.shape
    assert rel_error(dX, numerical_gradient_array(lambda v: max_pool2d(v, size, stride), X.copy(), dout)) < 1e-7
    assert np.isclose(dX.sum(), dout.sum())  # every window's gradient lands somewhere, exactly once


def test_overlapping_windows_accumulate():
    X = np.zeros((1, 1, 3, 3))
    X[0, 0, 1, 1] = 1.0  # the centre is the max of all four 2×2 windows at stride 1
    dX = max_pool2d_backward(np.ones((1, 1, 2, 2)), X, 2, 1)
    assert dX[0, 0, 1, 1] == 4.0 and dX.sum() == 4.0
