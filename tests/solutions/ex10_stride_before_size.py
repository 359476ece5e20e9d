"""Issue #20 item 1: max_pool2d(X, stride, size) — a parameter order the keyword-only calls never saw."""

import numpy as np


def max_pool2d(X, stride=2, size=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.empty((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(2, 3))
    return out


def max_pool2d_backward(dout, X, size=2, stride=2):
    N, C, H, W = X.shape
    dX = np.zeros_like(X)
    Ho, Wo = dout.shape[2:]
    for i in range(Ho):
        for j in range(Wo):
            window = X[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dX[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += mask * dout[:, :, i, j][:, :, None, None]
    return dX
