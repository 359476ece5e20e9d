"""Reference max pooling (ex10): forward over sliding windows, backward routes each gradient to its max."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(X, size, stride):
    return sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]


def max_pool2d(X, size=2, stride=2):
    """(N, C, H, W) → (N, C, ⌊(H − size)/stride⌋ + 1, ⌊(W − size)/stride⌋ + 1)."""
    return _windows(X, size, stride).max(axis=(4, 5))


def max_pool2d_backward(dout, X, size=2, stride=2):
    """dX: each window's upstream gradient goes to the position of that window's maximum (the first, on ties)."""
    windows = _windows(X, size, stride)
    n, c, ho, wo = windows.shape[:4]
    argmax = windows.reshape(n, c, ho, wo, size * size).argmax(axis=-1)
    dX = np.zeros(X.shape, dtype=np.result_type(dout, X))
    for k in range(size * size):
        i, j = divmod(k, size)
        dX[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride] += dout * (argmax == k)
    return dX
