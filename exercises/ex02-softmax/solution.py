"""ex02 softmax：把 logits 变成概率分布 (probability distribution)。

完成后运行：studykit grade ex02
"""

import numpy as np


def softmax(Z, axis=-1):
    """沿 axis 做 softmax：softmax(z)ᵢ = exp(zᵢ) / Σⱼ exp(zⱼ)。

    Z: 任意形状的数组（例如 (N, C)：N 个样本，每行 C 个类别的 logits）
    axis: 在哪个轴上归一化 (normalize)，默认最后一个轴
    返回：与 Z 形状相同的数组，沿 axis 每个切片的和为 1。
    要求：|Z| 达到 1e4 时依然稳定（无 overflow 警告）；行内可以有 -inf（但不全是 -inf）；不能修改 Z。
    """
    raise NotImplementedError
