"""ex15 初始化 (initialization)：Xavier/Glorot、He，以及逐层测量激活值和梯度的标准差。

完成后运行：studykit grade ex15
"""

import numpy as np


def xavier_uniform(fan_in, fan_out, rng):
    """Xavier/Glorot 均匀初始化：形状 (fan_in, fan_out)，服从 U(−a, a)，a = √(6 / (fan_in + fan_out))。

    rng: np.random.Generator，所有随机数都从它抽。
    """
    raise NotImplementedError


def he_normal(fan_in, fan_out, rng):
    """He（Kaiming）正态初始化：形状 (fan_in, fan_out)，服从 N(0, 2 / fan_in)。"""
    raise NotImplementedError


def measure_std(init, activation, depth, width, batch, rng):
    """逐层测量：返回 (act_std, grad_std)，都是长度 depth 的数组。

    init: "naive"（N(0, 0.01²)）、"xavier"（xavier_uniform）或 "he"（he_normal）；每层的 W 形状 (width, width)
    activation: "relu" 或 "tanh"
    前向：h_0 = X，X ~ N(0, 1)，形状 (batch, width)；第 l 层 z_l = h_{l−1} @ W_l（没有偏置），h_l = φ(z_l)
      act_std[l − 1] = np.std(h_l)
    反向：损失对 h_depth 的梯度取 N(0, 1)（形状 (batch, width)），逐层往回传
      grad_std[l − 1] = np.std(∂L/∂h_{l−1})，即第 l 层输入处的梯度（grad_std[0] 在 X 处）
    """
    raise NotImplementedError
