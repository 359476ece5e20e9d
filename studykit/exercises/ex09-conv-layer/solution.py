"""ex09 卷积层 (convolution layer) 的前向与反向传播。

完成后运行：studykit grade ex09
"""

import numpy as np


def conv2d_forward(X, W, b, stride=1, padding=0):
    """卷积层前向传播（互相关 + 零填充）。

    X: (N, C_in, H, W)   W: (C_out, C_in, kh, kw)   b: (C_out,)
    返回 (N, C_out, H_out, W_out)，H_out = (H + 2*padding − kh) // stride + 1（W_out 同理）
    """
    raise NotImplementedError


def conv2d_backward(dout, X, W, b, stride=1, padding=0):
    """卷积层反向传播。dout: (N, C_out, H_out, W_out)。返回 (dX, dW, db)，形状分别同 X、W、b。"""
    raise NotImplementedError
