"""ex04 激活函数 (activation functions) 及其导数。

完成后运行：studykit grade ex04
"""

import numpy as np


def relu(x):
    """ReLU(x) = max(0, x)，逐元素 (elementwise)，返回与 x 同形状的数组。"""
    raise NotImplementedError


def relu_grad(x):
    """ReLU 的导数：x > 0 处为 1，否则为 0（约定 relu_grad(0) = 0）。"""
    raise NotImplementedError


def sigmoid(x):
    """σ(x) = 1 / (1 + e^(−x))。|x| 达到 1e4 时不能出现 overflow 警告。"""
    raise NotImplementedError


def sigmoid_grad(x):
    """σ′(x)，用 σ 自身表示。"""
    raise NotImplementedError


def tanh(x):
    """双曲正切 tanh(x)。"""
    raise NotImplementedError


def tanh_grad(x):
    """tanh′(x)，用 tanh 自身表示。"""
    raise NotImplementedError
