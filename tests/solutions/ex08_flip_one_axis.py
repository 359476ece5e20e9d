# corr2d is right; the convolution flips only the rows of the kernel
import numpy as np


def corr2d(X, K):
    kh, kw = K.shape
    Y = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + kh, j:j + kw] * K).sum()
    return Y


def conv2d_flipped(X, K):
    return corr2d(X, K[::-1])
