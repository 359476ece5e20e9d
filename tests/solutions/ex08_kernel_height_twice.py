"""Issue #20 item 3: the kernel's height used for its width too; the hint must not say the kernel hangs over the edge."""

import numpy as np


def corr2d(X, K):
    kh = kw = K.shape[0]
    out = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(X[i:i + kh, j:j + kw] * K)
    return out


def conv2d_flipped(X, K):
    return corr2d(X, np.flip(K))
