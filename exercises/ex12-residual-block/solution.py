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


def residual_block_backward(dout, X, params, stride=1):
    """residual_block 的反向传播：返回 (dX, grads)。

    dout: (N, C_out, H_out, W_out)，损失对 residual_block(X, params, stride) 输出的梯度
    X, params, stride: 与前向相同（在这里重新算一遍前向，留下反向需要的中间量）
    返回 dX (N, C_in, H, W) 和 grads：dict，键与 params 相同（W1, b1, gamma1, ..., 有投影时还有 W3, b3），
      每个值的形状与对应参数相同
    X 被主支路和捷径各用了一次：dX 是两条支路梯度之和。
    """
    raise NotImplementedError
