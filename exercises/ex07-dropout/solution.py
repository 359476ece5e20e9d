"""ex07 倒置 dropout (inverted dropout)。

完成后运行：studykit grade ex07
"""

import numpy as np


def dropout_forward(X, p, train=True, rng=None):
    """倒置 dropout 的前向传播。

    X: 任意形状的激活值
    p: 丢弃概率 (drop probability)，0 <= p <= 1；p = 1 时输出全 0
    train: False 时（评估模式）原样返回 (X, None)
    rng: numpy.random.Generator；None 时新建一个 np.random.default_rng()
    返回 (out, mask)：每个元素以概率 p 置 0，保留的元素乘以 1/(1 − p)；mask 记录哪些元素被保留
    （0/1 数组，或已经乘以 1/(1 − p) 的掩码，由你定；dropout_backward 收到的就是它，两边约定要一致）。
    """
    raise NotImplementedError


def dropout_backward(dout, mask, p):
    """dropout 的反向传播：返回 dX，形状与 dout 相同。mask 是 dropout_forward 返回的那个。"""
    raise NotImplementedError
