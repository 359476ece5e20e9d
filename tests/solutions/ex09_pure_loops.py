"""A correct convolution layer in plain Python loops down to single multiplications (very slow, but right); bench/bench_speed.py times it."""
import numpy as np


def conv2d_forward(X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding))).tolist()
    Wl = W.tolist()
    Ho = (H + 2 * padding - kh) // stride + 1
    Wo = (Wd + 2 * padding - kw) // stride + 1
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    total = float(b[f])
                    for c in range(C):
                        for a in range(kh):
                            row = Xp[n][c][i * stride + a]
                            for d in range(kw):
                                total += row[j * stride + d] * Wl[f][c][a][d]
                    out[n, f, i, j] = total
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
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, db
