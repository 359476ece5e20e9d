"""Reference cross-correlation (ex08) and the convolution layer (ex09), vectorized.

One matrix product per kernel offset.

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


def _channels_last(X: np.ndarray, padding: int) -> np.ndarray:
    """X zero-padded on H and W, as a contiguous (N, H + 2P, W + 2P, C) array, so that the inputs one kernel
    offset meets are a block of whole channel vectors (fast to copy, no transposes of the big arrays later)."""
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding))) if padding else X
    return np.ascontiguousarray(Xp.transpose(0, 2, 3, 1))


def _offset(i: int, j: int, stride: int, ho: int, wo: int) -> tuple:
    """The index, in channels-last padded X, of the inputs kernel offset (i, j) meets at every output position."""
    return (slice(None), slice(i, i + stride * (ho - 1) + 1, stride), slice(j, j + stride * (wo - 1) + 1, stride))


def _columns(Xl: np.ndarray, kh: int, kw: int, stride: int, ho: int, wo: int) -> np.ndarray:
    """im2col: an (N·H_out·W_out, kh·kw·C) matrix, one row per output position, columns in (i, j, c) order.

    Filled by one block copy per kernel offset (a loop over kh·kw offsets, not over pixels)."""
    n, _, _, c = Xl.shape
    cols = np.empty((n, ho, wo, kh * kw, c), dtype=Xl.dtype)
    for k in range(kh * kw):
        cols[:, :, :, k, :] = Xl[_offset(k // kw, k % kw, stride, ho, wo)]
    return cols.reshape(n * ho * wo, kh * kw * c)


def _weight_matrix(W: np.ndarray) -> np.ndarray:
    """W (C_out, C_in, kh, kw) as (C_out, kh·kw·C_in), columns in the (i, j, c) order of _columns."""
    return W.transpose(0, 2, 3, 1).reshape(W.shape[0], -1)


# im2col rows per block: the column matrix of a whole batch is kh·kw times the size of X (150 MB for
# N=32, C=64, 32×32, 3×3); built a few images at a time it stays in cache and its memory is reused.
BLOCK_ELEMENTS = 1 << 20


def _batch_blocks(n: int, per_image: int):
    step = max(1, BLOCK_ELEMENTS // max(per_image, 1))
    return (slice(start, min(start + step, n)) for start in range(0, n, step))


def conv2d_forward(X, W, b, stride=1, padding=0):
    """Cross-correlation with zero padding: out[n, o, y, x] = Σ_c Σ_ij Xp[n, c, yS + i, xS + j] W[o, c, i, j] + b[o]."""
    n, c_in, h, w = X.shape
    c_out, _, kh, kw = W.shape
    ho, wo = output_size(h, kh, stride, padding), output_size(w, kw, stride, padding)
    Xl = _channels_last(X, padding)
    Wm = _weight_matrix(W).T
    out = np.empty((n, ho, wo, c_out), dtype=np.result_type(X, W, b))
    for block in _batch_blocks(n, ho * wo * kh * kw * c_in):
        cols = _columns(Xl[block], kh, kw, stride, ho, wo)
        np.matmul(cols, Wm, out=out[block].reshape(-1, c_out))  # one matrix product per block of images
    out += b
    return out.transpose(0, 3, 1, 2)


def conv2d_backward(dout, X, W, b, stride=1, padding=0):
    """(dX, dW, db) of conv2d_forward for the upstream gradient dout (N, C_out, H_out, W_out).

    With rows = dout as (N·H_out·W_out, C_out): dW = rowsᵀ · im2col(X); d(im2col) = rows · W_matrix, whose
    column blocks are added back (col2im) at each kernel offset — accumulated, since windows overlap;
    db sums dout over N, H_out and W_out; the padded border of dX is cut off.
    """
    n, c_in, h, w = X.shape
    c_out, _, kh, kw = W.shape
    ho, wo = dout.shape[2], dout.shape[3]
    Xl = _channels_last(X, padding)
    rows = np.ascontiguousarray(dout.transpose(0, 2, 3, 1))  # (N, H_out, W_out, C_out)
    Wm = _weight_matrix(W)
    db = rows.sum(axis=(0, 1, 2))
    dWm = np.zeros((c_out, kh * kw * c_in), dtype=np.result_type(dout, X, W))
    dXl = np.zeros(Xl.shape, dtype=np.result_type(dout, W))
    for block in _batch_blocks(n, ho * wo * kh * kw * c_in):
        block_rows = rows[block].reshape(-1, c_out)
        dWm += block_rows.T @ _columns(Xl[block], kh, kw, stride, ho, wo)
        dcols = (block_rows @ Wm).reshape(-1, ho, wo, kh * kw, c_in)
        dXb = dXl[block]
        for k in range(kh * kw):  # col2im: a loop over kernel offsets, not over pixels
            dXb[_offset(k // kw, k % kw, stride, ho, wo)] += dcols[:, :, :, k, :]
    dW = dWm.reshape(c_out, kh, kw, c_in).transpose(0, 3, 1, 2)
    dX = dXl[:, padding:padding + h, padding:padding + w, :].transpose(0, 3, 1, 2)
    return np.ascontiguousarray(dX), np.ascontiguousarray(dW), db
