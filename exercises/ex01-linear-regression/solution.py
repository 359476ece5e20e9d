"""ex01 线性回归 (linear regression): 前向传播、平方损失与梯度。

完成下面三个函数，然后运行：studykit grade ex01
"""

import numpy as np


def linear_forward(X, w, b):
    """线性模型的预测 ŷ = Xw + b。

    X: (N, D) 的输入，每行一个样本 (example)
    w: (D,) 的权重 (weights)
    b: 标量偏置 (bias)
    返回 ŷ: 形状 (N,)
    """
    raise NotImplementedError


def squared_loss(y_hat, y):
    """平方损失 (squared loss) L = mean((ŷ − y)²) / 2，返回一个 float。

    y_hat, y: 形状 (N,)
    """
    raise NotImplementedError


def linear_grad(X, y, w, b):
    """L = squared_loss(linear_forward(X, w, b), y) 对 w 和 b 的梯度 (gradient)。

    返回 (dw, db)：dw 形状 (D,)，db 是一个 float。
    """
    raise NotImplementedError
