"""A correct ex16 as a learner writes it: a plain and a residual network from their own layers (own.load)."""
import numpy as np

from studykit.grading import own

conv2d_forward, conv2d_backward = own.load("conv2d_forward", "conv2d_backward")
max_pool2d, max_pool2d_backward = own.load("max_pool2d", "max_pool2d_backward")
batch_norm, batch_norm_backward = own.load("batch_norm", "batch_norm_backward")
relu, relu_grad = own.load("relu", "relu_grad")
softmax_cross_entropy = own.load("softmax_cross_entropy")
residual_block, residual_block_backward = own.load("residual_block", "residual_block_backward")

C = 4
BLOCKS = 6
KEYS = ("W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2")


def bn(Z, gamma, beta):
    out, _, _ = batch_norm(Z, gamma, beta, np.zeros(len(gamma)), np.ones(len(gamma)), True)
    return out


def plain_block(X, params):
    z1 = conv2d_forward(X, params["W1"], params["b1"], stride=1, padding=1)
    h = relu(bn(z1, params["gamma1"], params["beta1"]))
    z2 = conv2d_forward(h, params["W2"], params["b2"], stride=1, padding=1)
    return relu(bn(z2, params["gamma2"], params["beta2"]))


def plain_block_backward(dout, X, params):
    z1 = conv2d_forward(X, params["W1"], params["b1"], stride=1, padding=1)
    a1 = bn(z1, params["gamma1"], params["beta1"])
    h = relu(a1)
    z2 = conv2d_forward(h, params["W2"], params["b2"], stride=1, padding=1)
    a2 = bn(z2, params["gamma2"], params["beta2"])
    g = {}
    dz2, g["gamma2"], g["beta2"] = batch_norm_backward(dout * relu_grad(a2), z2, params["gamma2"])
    dh, g["W2"], g["b2"] = conv2d_backward(dz2, h, params["W2"], params["b2"], stride=1, padding=1)
    dz1, g["gamma1"], g["beta1"] = batch_norm_backward(dh * relu_grad(a1), z1, params["gamma1"])
    dX, g["W1"], g["b1"] = conv2d_backward(dz1, X, params["W1"], params["b1"], stride=1, padding=1)
    return dX, g


def init_network(rng, residual):
    net = {"W0": rng.standard_normal((C, 1, 3, 3)) * np.sqrt(2 / 9), "b0": np.zeros(C),
           "gamma0": np.ones(C), "beta0": np.zeros(C)}
    for k in range(BLOCKS):
        for i in ("1", "2"):
            net[f"W{i}_{k}"] = rng.standard_normal((C, C, 3, 3)) * np.sqrt(2 / (C * 9))
            net[f"b{i}_{k}"] = np.zeros(C)
            net[f"gamma{i}_{k}"] = np.ones(C)
            net[f"beta{i}_{k}"] = np.zeros(C)
    net["W_out"] = rng.standard_normal((10, C, 4, 4)) * np.sqrt(1 / (C * 16))
    net["b_out"] = np.zeros(10)
    return net


def loss_and_grads(net, X, y, residual):
    z0 = conv2d_forward(X, net["W0"], net["b0"], stride=1, padding=1)
    a0 = bn(z0, net["gamma0"], net["beta0"])
    h0 = relu(a0)
    h = max_pool2d(h0, size=2, stride=2)
    inputs = []
    for k in range(BLOCKS):
        inputs.append(h)
        p = {key: net[f"{key}_{k}"] for key in KEYS}
        h = residual_block(h, p) if residual else plain_block(h, p)
    z = conv2d_forward(h, net["W_out"], net["b_out"], stride=1, padding=0)
    loss, dlogits = softmax_cross_entropy(z.reshape(len(X), 10), y)
    grads = {}
    dh, grads["W_out"], grads["b_out"] = conv2d_backward(dlogits.reshape(z.shape), h, net["W_out"], net["b_out"],
                                                         stride=1, padding=0)
    for k in reversed(range(BLOCKS)):
        p = {key: net[f"{key}_{k}"] for key in KEYS}
        dh, g = residual_block_backward(dh, inputs[k], p) if residual else plain_block_backward(dh, inputs[k], p)
        for key in KEYS:
            grads[f"{key}_{k}"] = g[key]
    dh0 = max_pool2d_backward(dh, h0, size=2, stride=2)
    dz0, grads["gamma0"], grads["beta0"] = batch_norm_backward(dh0 * relu_grad(a0), z0, net["gamma0"])
    _, grads["W0"], grads["b0"] = conv2d_backward(dz0, X, net["W0"], net["b0"], stride=1, padding=1)
    return loss, grads
