"""ex16 退化问题 (degradation)：同样深度的普通网络与残差网络，用你自己的层搭建。

训练由评分程序来做（两个网络用同样的批次、同样的 SGD with momentum），你写网络本身。
完成后运行：studykit grade ex16（在工作区里运行，它会用到你 ex03、ex04、ex09–ex12 的解答）
"""

import numpy as np

from studykit.grading import own

conv2d_forward, conv2d_backward = own.load("conv2d_forward", "conv2d_backward")          # 你的 ex09
max_pool2d, max_pool2d_backward = own.load("max_pool2d", "max_pool2d_backward")          # 你的 ex10
batch_norm, batch_norm_backward = own.load("batch_norm", "batch_norm_backward")          # 你的 ex11
relu, relu_grad = own.load("relu", "relu_grad")                                          # 你的 ex04
softmax_cross_entropy = own.load("softmax_cross_entropy")                                # 你的 ex03
residual_block, residual_block_backward = own.load("residual_block", "residual_block_backward")  # 你的 ex12

CHANNELS = 4
BLOCKS = 6


def plain_block(X, params):
    """普通块：relu(bn2(conv2(relu(bn1(conv1(X))))))——residual_block 去掉捷径。

    X: (N, C, H, W)；params 的键与 ex12 相同（W1, b1, gamma1, beta1, W2, b2, gamma2, beta2），
    两个卷积都是 3×3、padding 1、步幅 1，BN 用训练模式。返回 (N, C, H, W)。
    """
    raise NotImplementedError


def plain_block_backward(dout, X, params):
    """plain_block 的反向：返回 (dX, grads)，grads 的键与 params 相同。"""
    raise NotImplementedError


def init_network(rng, residual):
    """一个扁平的 dict（名字 → 数组）：
      W0 (CHANNELS, 1, 3, 3), b0, gamma0, beta0              第一层卷积 + BN
      W1_k, b1_k, gamma1_k, beta1_k, W2_k, b2_k, gamma2_k, beta2_k   第 k 个块（k = 0 … BLOCKS − 1），通道数不变
      W_out (10, CHANNELS, 4, 4), b_out (10,)                 最后的 4×4 卷积（就是全连接层）
    两个网络的参数形状完全相同（residual 只决定块的种类）；卷积核 He 初始化，W_out 用 √(1/fan_in)。
    """
    raise NotImplementedError


def loss_and_grads(net, X, y, residual):
    """训练模式的前向和反向：返回 (loss, grads)，grads 的键与 net 相同。

    X (N, 1, 8, 8) → conv W0（padding 1）→ BN → ReLU → max_pool2d（2×2）→ (N, C, 4, 4)
      → BLOCKS 个块：residual 为 True 时用 residual_block（恒等捷径），否则用 plain_block
      → conv W_out（padding 0）→ (N, 10, 1, 1) → logits (N, 10) → softmax_cross_entropy
    """
    raise NotImplementedError
