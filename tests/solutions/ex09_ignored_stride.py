# the stride is ignored: windows always move one pixel
import numpy as np


def conv2d_forward(X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Ho = H + 2 * padding - kh + 1
    Wo = Wd + 2 * padding - kw + 1
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = Xp[n, :, i:i + kh, j:j + kw]
                    out[n, f, i, j] = np.sum(window * W[f]) + b[f]
    return out


def conv2d_backward(dout, X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp = np.zeros_like(Xp)
    dW = np.zeros_like(W)
    db = dout.sum(axis=(0, 2, 3))
    Ho, Wo = dout.shape[2], dout.shape[3]
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    hs, ws = i * stride, j * stride
                    dW[f] += dout[n, f, i, j] * Xp[n, :, hs:hs + kh, ws:ws + kw]
                    dXp[n, :, hs:hs + kh, ws:ws + kw] += dout[n, f, i, j] * W[f]
    dX = dXp[:, :, padding:padding + H, padding:padding + Wd]
    return dX, dW, db
