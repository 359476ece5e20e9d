"""ex10 最大池化 (max pooling) 的前向与反向传播。

完成后运行：studykit grade ex10
"""

import numpy as np


def max_pool2d(X, size=2, stride=2):
    """最大池化。X: (N, C, H, W) → (N, C, H_out, W_out)，H_out = (H − size) // stride + 1。"""
    raise NotImplementedError


def max_pool2d_backward(dout, X, size=2, stride=2):
    """最大池化的反向传播：每个窗口的梯度只传给该窗口中最大值的位置。返回 dX，形状同 X。"""
    raise NotImplementedError
