"""ex12 残差块 (residual block)。

可以复用你自己在 ex09（卷积）和 ex11（批量规范化）中写的函数：把它们复制到这个文件里
（练习文件夹名带连字符，不能直接 import）。

完成后运行：studykit grade ex12
"""

import numpy as np


def residual_block(X, params, stride=1):
    """relu(bn2(conv2(relu(bn1(conv1(X))))) + shortcut(X))。

    X: (N, C_in, H, W)
    params: dict，键 W1, b1, gamma1, beta1, W2, b2, gamma2, beta2，可能还有 W3, b3
      conv1: W1 (C_out, C_in, 3, 3)，padding 1，步幅 stride
      conv2: W2 (C_out, C_out, 3, 3)，padding 1，步幅 1
      bn1, bn2: 训练模式（用批量统计量，eps = 1e-5），gamma/beta 形状 (C_out,)
      shortcut: 没有 W3 时就是 X；有 W3 (C_out, C_in, 1, 1)、b3 时是步幅为 stride 的 1×1 卷积
    返回 (N, C_out, H_out, W_out)
    """
    raise NotImplementedError
