"""ex11 批量规范化 (batch normalization) 的前向与反向传播。

完成后运行：studykit grade ex11
"""

import numpy as np


def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
    """批量规范化。

    X: (N, D)（对每个特征规范化）或 (N, C, H, W)（对每个通道，在 N、H、W 上规范化）
    gamma, beta, moving_mean, moving_var: 形状 (D,) 或 (C,)
    train=True：用当前批量的均值和有偏方差 (biased variance)，并更新
        new_moving = momentum * moving + (1 − momentum) * batch
    train=False：用移动平均 (moving statistics)，并原样返回它们
    返回 (Y, new_moving_mean, new_moving_var)。不要原地修改任何输入。
    """
    raise NotImplementedError


def batch_norm_backward(dY, X, gamma, eps=1e-5):
    """训练模式下的反向传播，返回 (dX, dgamma, dbeta)，形状分别同 X、gamma、gamma。"""
    raise NotImplementedError
