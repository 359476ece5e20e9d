"""A correct max pooling written with plain Python loops over every output entry (slow, but right)."""
import numpy as np


def max_pool2d(X, size=2, stride=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, c, i, j] = X[n, c, i * stride:i * stride + size, j * stride:j * stride + size].max()
    return out


def max_pool2d_backward(dout, X, size=2, stride=2):
    dX = np.zeros_like(X)
    N, C, Ho, Wo = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = X[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, i * stride + a, j * stride + b] += dout[n, c, i, j]
    return dX
