"""Reference cross-correlation (ex08) and the convolution layer (ex09), vectorized with im2col.

Shapes: X (N, C_in, H, W), W (C_out, C_in, kh, kw), b (C_out,) → (N, C_out, H_out, W_out) with
H_out = ⌊(H + 2P − kh) / S⌋ + 1. A CNN's "convolution" is a cross-correlation: the kernel is not flipped.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def corr2d(X: np.ndarray, K: np.ndarray) -> np.ndarray:
    """'valid' 2-D cross-correlation: Y[i, j] = Σ_ab X[i + a, j + b] K[a, b]."""
    windows = sliding_window_view(X, K.shape)
    return np.einsum("hwij,ij->hw", windows, K)


def conv2d_flipped(X: np.ndarray, K: np.ndarray) -> np.ndarray:
    """True 2-D convolution ('valid'): the kernel flipped on both axes, then cross-correlated."""
    return corr2d(X, K[::-1, ::-1])


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _columns(X: np.ndarray, kh: int, kw: int, stride: int, padding: int) -> tuple[np.ndarray, int, int]:
    """im2col: (N·H_out·W_out, C·kh·kw) rows of input windows, in (c, i, j) order like W.reshape(C_out, -1)."""
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding))) if padding else X
    windows = sliding_window_view(Xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]  # N, C, Ho, Wo, kh, kw
    n, c, ho, wo = windows.shape[:4]
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kh * kw)
    return cols, ho, wo


def conv2d_forward(X, W, b, stride=1, padding=0):
    n = X.shape[0]
    c_out, _, kh, kw = W.shape
    cols, ho, wo = _columns(X, kh, kw, stride, padding)
    out = cols @ W.reshape(c_out, -1).T + b  # (N·Ho·Wo, C_out)
    return out.reshape(n, ho, wo, c_out).transpose(0, 3, 1, 2)


def conv2d_backward(dout, X, W, b, stride=1, padding=0):
    """(dX, dW, db) of conv2d_forward for the upstream gradient dout (N, C_out, H_out, W_out)."""
    n, c_in, h, w = X.shape
    c_out, _, kh, kw = W.shape
    cols, ho, wo = _columns(X, kh, kw, stride, padding)
    dout_rows = dout.transpose(0, 2, 3, 1).reshape(n * ho * wo, c_out)
    db = dout.sum(axis=(0, 2, 3))
    dW = (dout_rows.T @ cols).reshape(W.shape)
    dcols = (dout_rows @ W.reshape(c_out, -1)).reshape(n, ho, wo, c_in, kh, kw)
    dXp = np.zeros((n, c_in, h + 2 * padding, w + 2 * padding), dtype=np.result_type(dout, W))
    for i in range(kh):  # col2im: a loop over kernel offsets, not over pixels
        for j in range(kw):
            dXp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    dX = dXp[:, :, padding:padding + h, padding:padding + w] if padding else dXp
    return dX, dW, db
