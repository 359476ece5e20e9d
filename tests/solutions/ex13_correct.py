"""A correct ex13 as a learner writes it: the model from their own layers (own.load), SGD with momentum."""
import numpy as np

from studykit.grading import own

conv2d_forward, conv2d_backward = own.load("conv2d_forward", "conv2d_backward")
max_pool2d, max_pool2d_backward = own.load("max_pool2d", "max_pool2d_backward")
batch_norm, batch_norm_backward = own.load("batch_norm", "batch_norm_backward")
relu, relu_grad = own.load("relu", "relu_grad")
softmax_cross_entropy = own.load("softmax_cross_entropy")

C = 12
EPOCHS = 10


def init_model(rng):
    return {"W1": rng.standard_normal((C, 1, 3, 3)) * np.sqrt(2 / 9), "b1": np.zeros(C),
            "gamma1": np.ones(C), "beta1": np.zeros(C), "mean1": np.zeros(C), "var1": np.ones(C),
            "W2": rng.standard_normal((10, C, 4, 4)) * np.sqrt(1 / (C * 16)), "b2": np.zeros(10)}


def loss_and_grads(model, X, y):
    Z1 = conv2d_forward(X, model["W1"], model["b1"], stride=1, padding=1)
    B, model["mean1"], model["var1"] = batch_norm(Z1, model["gamma1"], model["beta1"], model["mean1"], model["var1"], True)
    A = relu(B)
    P = max_pool2d(A, size=2, stride=2)
    Z2 = conv2d_forward(P, model["W2"], model["b2"], stride=1, padding=0)
    loss, dlogits = softmax_cross_entropy(Z2.reshape(len(X), 10), y)
    dP, dW2, db2 = conv2d_backward(dlogits.reshape(Z2.shape), P, model["W2"], model["b2"], stride=1, padding=0)
    dA = max_pool2d_backward(dP, A, size=2, stride=2)
    dZ1, dgamma1, dbeta1 = batch_norm_backward(dA * relu_grad(B), Z1, model["gamma1"])
    _, dW1, db1 = conv2d_backward(dZ1, X, model["W1"], model["b1"], stride=1, padding=1)
    return loss, {"W1": dW1, "b1": db1, "gamma1": dgamma1, "beta1": dbeta1, "W2": dW2, "b2": db2}


def predict(model, X):
    Z1 = conv2d_forward(X, model["W1"], model["b1"], stride=1, padding=1)
    B = batch_norm(Z1, model["gamma1"], model["beta1"], model["mean1"], model["var1"], False)[0]
    P = max_pool2d(relu(B), size=2, stride=2)
    return conv2d_forward(P, model["W2"], model["b2"], stride=1, padding=0).reshape(len(X), 10)


def train(X, y, rng, on_epoch):
    model = init_model(rng)
    velocity = {k: np.zeros_like(v) for k, v in model.items()}
    for epoch in range(EPOCHS):
        lr = 0.05 if epoch < EPOCHS // 2 else 0.01  # a smaller step once the loss is low
        order = rng.permutation(len(X))
        for start in range(0, len(X), 32):
            batch = order[start:start + 32]
            loss, grads = loss_and_grads(model, X[batch], y[batch])
            for k, g in grads.items():
                velocity[k] = 0.9 * velocity[k] - lr * g
                model[k] = model[k] + velocity[k]
        on_epoch(model)
    return model
