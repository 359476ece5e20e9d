"""Reference ex16, the degradation experiment: a deep plain network and a residual network of the same depth on
the 8×8 digits, built from the reference layers, trained the same way; the plain one's training loss stays higher.

    X (N, 1, 8, 8) → conv 3×3, 1 → C, padding 1 → BN → ReLU → max pool 2×2 → (N, C, 4, 4)      the stem
      → BLOCKS × block: conv 3×3 → BN → ReLU → conv 3×3 → BN (→ + X when residual) → ReLU            C → C, 4×4
      → conv 4×4, C → 10 (a fully connected layer) → logits (N, 10) → softmax cross-entropy

The plain block is the residual block without its shortcut; both networks have 2·BLOCKS + 2 weight layers.
"""

from __future__ import annotations

import numpy as np

from studykit.reference.activations import relu, relu_grad
from studykit.reference.batchnorm import batch_norm, batch_norm_backward
from studykit.reference.conv import conv2d_backward, conv2d_forward
from studykit.reference.pooling import max_pool2d, max_pool2d_backward
from studykit.reference.resnet import residual_block, residual_block_backward
from studykit.reference.softmax import softmax_cross_entropy

CHANNELS = 4
BLOCKS = 6
CLASSES = 10


def _bn(Z, gamma, beta):
    c = Z.shape[1]
    return batch_norm(Z, gamma, beta, np.zeros(c), np.ones(c), True)[0]


def plain_block(X, params):
    """relu(bn2(conv2(relu(bn1(conv1(X)))))): the residual block without the shortcut."""
    out = relu(_bn(conv2d_forward(X, params["W1"], params["b1"], 1, 1), params["gamma1"], params["beta1"]))
    return relu(_bn(conv2d_forward(out, params["W2"], params["b2"], 1, 1), params["gamma2"], params["beta2"]))


def plain_block_backward(dout, X, params):
    Z1 = conv2d_forward(X, params["W1"], params["b1"], 1, 1)
    B1 = _bn(Z1, params["gamma1"], params["beta1"])
    A1 = relu(B1)
    Z2 = conv2d_forward(A1, params["W2"], params["b2"], 1, 1)
    B2 = _bn(Z2, params["gamma2"], params["beta2"])
    dZ2, dg2, dbe2 = batch_norm_backward(dout * relu_grad(B2), Z2, params["gamma2"])
    dA1, dW2, db2 = conv2d_backward(dZ2, A1, params["W2"], params["b2"], 1, 1)
    dZ1, dg1, dbe1 = batch_norm_backward(dA1 * relu_grad(B1), Z1, params["gamma1"])
    dX, dW1, db1 = conv2d_backward(dZ1, X, params["W1"], params["b1"], 1, 1)
    return dX, {"W1": dW1, "b1": db1, "gamma1": dg1, "beta1": dbe1, "W2": dW2, "b2": db2, "gamma2": dg2,
                "beta2": dbe2}


def _he(rng, shape):
    fan_in = shape[1] * shape[2] * shape[3]
    return rng.standard_normal(shape) * np.sqrt(2 / fan_in)


def init_network(rng, residual, blocks=BLOCKS, channels=CHANNELS):
    """A flat dict: stem W0, b0, gamma0, beta0; block k's W1_k … beta2_k; head W_out, b_out. He init (the head
    1/fan_in: no ReLU follows it), γ = 1, β = 0."""
    c = channels
    net = {"W0": _he(rng, (c, 1, 3, 3)), "b0": np.zeros(c), "gamma0": np.ones(c), "beta0": np.zeros(c)}
    for k in range(blocks):
        for i in (1, 2):
            net[f"W{i}_{k}"] = _he(rng, (c, c, 3, 3))
            net[f"b{i}_{k}"] = np.zeros(c)
            net[f"gamma{i}_{k}"] = np.ones(c)
            net[f"beta{i}_{k}"] = np.zeros(c)
    net["W_out"] = rng.standard_normal((CLASSES, c, 4, 4)) * np.sqrt(1 / (c * 16))
    net["b_out"] = np.zeros(CLASSES)
    return net


def _block_params(net, k):
    return {name: net[f"{name}_{k}"] for name in ("W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2")}


def loss_and_grads(net, X, y, residual):
    """(loss, grads) in training mode (batch statistics everywhere)."""
    blocks = sum(1 for k in net if k.startswith("W1_"))
    Z0 = conv2d_forward(X, net["W0"], net["b0"], 1, 1)
    B0 = _bn(Z0, net["gamma0"], net["beta0"])
    A0 = relu(B0)
    h = max_pool2d(A0, 2, 2)
    inputs = []
    for k in range(blocks):
        inputs.append(h)
        p = _block_params(net, k)
        h = residual_block(h, p) if residual else plain_block(h, p)
    Z = conv2d_forward(h, net["W_out"], net["b_out"], 1, 0)
    loss, dlogits = softmax_cross_entropy(Z.reshape(len(X), CLASSES), y)
    dh, dW, db = conv2d_backward(dlogits.reshape(Z.shape), h, net["W_out"], net["b_out"], 1, 0)
    grads = {"W_out": dW, "b_out": db}
    for k in reversed(range(blocks)):
        p = _block_params(net, k)
        dh, g = residual_block_backward(dh, inputs[k], p) if residual else plain_block_backward(dh, inputs[k], p)
        grads.update({f"{name}_{k}": v for name, v in g.items()})
    dA0 = max_pool2d_backward(dh, A0, 2, 2)
    dZ0, grads["gamma0"], grads["beta0"] = batch_norm_backward(dA0 * relu_grad(B0), Z0, net["gamma0"])
    _, grads["W0"], grads["b0"] = conv2d_backward(dZ0, X, net["W0"], net["b0"], 1, 1)
    return loss, grads
