"""A learner whose crop of dX starts at row/column 1 whatever the padding: the right shape, wrong values for padding ≥ 2."""
import numpy as np


def conv2d_forward(X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Ho = (H + 2 * padding - kh) // stride + 1
    Wo = (Wd + 2 * padding - kw) // stride + 1
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = Xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[n, f, i, j] = np.sum(window * W[f]) + b[f]
    return out


def conv2d_backward(dout, X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp = np.zeros_like(Xp)
    dW = np.zeros_like(W)
    db = dout.sum(axis=(0, 2, 3))
    _, _, Ho, Wo = dout.shape
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    hs, ws = i * stride, j * stride
                    dW[f] += dout[n, f, i, j] * Xp[n, :, hs:hs + kh, ws:ws + kw]
                    dXp[n, :, hs:hs + kh, ws:ws + kw] += dout[n, f, i, j] * W[f]
    return dXp[:, :, 1:1 + H, 1:1 + Wd] if padding else dXp, dW, db  # starts the crop at 1, not at padding
