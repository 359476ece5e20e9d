"""ex13 综合练习 (capstone)：只用你自己写的层，训练一个识别手写数字的小 CNN。

完成后运行：studykit grade ex13（在你的工作区里；它会载入你 ex03、ex04、ex09–ex11 的 solution.py）
也可以直接运行 python solution.py：训练，并打印每个 epoch 后的测试准确率 (test accuracy)。
"""

import numpy as np

from studykit.grading import own

# 你自己在前面练习里写的函数：own.load 按函数名找到定义它的练习，从工作区的 exercises/exNN-*/solution.py 载入
conv2d_forward, conv2d_backward = own.load("conv2d_forward", "conv2d_backward")  # ex09
max_pool2d, max_pool2d_backward = own.load("max_pool2d", "max_pool2d_backward")  # ex10
batch_norm, batch_norm_backward = own.load("batch_norm", "batch_norm_backward")  # ex11
relu, relu_grad = own.load("relu", "relu_grad")  # ex04
softmax_cross_entropy = own.load("softmax_cross_entropy")  # ex03


def init_model(rng):
    """新建模型：一个 dict，键是名字，值是 numpy 数组——可训练的参数 (parameters)，以及 BN 的移动统计量 (moving statistics)。

    rng: numpy.random.Generator，用它初始化卷积核（例如 He 初始化 rng.standard_normal(shape) * sqrt(2 / fan_in)）。
    """
    raise NotImplementedError


def loss_and_grads(model, X, y):
    """训练模式 (train mode) 的前向与反向传播。

    X: (N, 1, 8, 8) 的图像，像素值在 [0, 1]；y: (N,) 的整数标签 0..9
    返回 (loss, grads)：loss 是这批样本的平均交叉熵 (float)；grads 是 dict，键是可训练参数的名字，
    值是 ∂loss/∂参数，形状与 model[键] 相同。
    可以把 batch_norm 返回的新移动统计量存回 model；不要在这里更新参数（那是 train 的事）。
    """
    raise NotImplementedError


def predict(model, X):
    """评估模式 (eval mode) 的前向传播：BN 用移动统计量 (train=False)。X: (N, 1, 8, 8)。返回 logits，形状 (N, 10)。"""
    raise NotImplementedError


def train(X, y, rng, on_epoch):
    """训练循环：mini-batch SGD with momentum（或你自己写的 Adam）。

    X: (1438, 1, 8, 8) 训练图像；y: (1438,) 标签；rng: numpy.random.Generator（初始化和打乱顺序都用它）
    on_epoch: 每个 epoch 结束时调用 on_epoch(model)，评分程序在这里记录损失和准确率曲线
    返回训练好的 model。评分时训练最多用 90 s 的 CPU 时间。
    """
    raise NotImplementedError


if __name__ == "__main__":
    from studykit.data import load_digits

    X_train, y_train, X_test, y_test = load_digits()

    def report(model):
        report.epoch += 1
        accuracy = (predict(model, X_test).argmax(axis=1) == y_test).mean()
        print(f"epoch {report.epoch}: test accuracy {accuracy:.1%}")

    report.epoch = 0
    train(X_train, y_train, np.random.default_rng(0), report)
