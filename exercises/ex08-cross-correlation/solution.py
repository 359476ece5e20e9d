"""ex08 互相关 (cross-correlation) 与卷积 (convolution)。

完成后运行：studykit grade ex08
"""

import numpy as np


def corr2d(X, K):
    """二维 'valid' 互相关：Y[i, j] = Σ_a Σ_b X[i + a, j + b] · K[a, b]。

    X: (H, W)，K: (kh, kw)
    返回 (H − kh + 1, W − kw + 1)
    """
    raise NotImplementedError


def conv2d_flipped(X, K):
    """二维 'valid' 真正的卷积：先把卷积核在两个轴上都翻转，再做互相关。形状同 corr2d。"""
    raise NotImplementedError
