"""ex06 多层感知机 (MLP) 的反向传播 (backpropagation)：求 δ 与参数梯度。

完成后运行：studykit grade ex06
"""

import numpy as np


def mlp_backprop(X, y, W1, b1, W2, b2):
    """两层 MLP 的前向与反向传播。每行一个样本 (rows are examples)。

    前向：Z1 = X @ W1 + b1,  A1 = relu(Z1),  Z2 = A1 @ W2 + b2,
          loss = Z2 的平均 softmax 交叉熵 (mean softmax cross-entropy)
    X: (N, D)  y: (N,) 整数标签  W1: (D, H)  b1: (H,)  W2: (H, C)  b2: (C,)
    返回 (loss, grads)，grads 是 dict：
      "delta2": ∂L/∂Z2 (N, C)    "delta1": ∂L/∂Z1 (N, H)
      "W1": (D, H)  "b1": (H,)  "W2": (H, C)  "b2": (C,)
    """
    raise NotImplementedError
