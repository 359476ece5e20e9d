"""ex03 softmax + 交叉熵 (cross-entropy) 及其梯度。

完成后运行：studykit grade ex03
"""

import numpy as np


def softmax_cross_entropy(Z, y):
    """平均交叉熵损失及其对 logits 的梯度。

    Z: (N, C) 的 logits，每行一个样本
    y: (N,) 的整数标签 (labels)，取值 0..C-1
    返回 (loss, dZ)：
      loss: float，= mean_i( −log softmax(Z_i)[y_i] )
      dZ:   (N, C)，= (softmax(Z) − onehot(y)) / N
    要求：logits 为 ±1e4 时结果依然有限 (finite)；不能修改 Z 和 y。
    """
    raise NotImplementedError
