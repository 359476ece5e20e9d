import numpy as np


def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)


def measure_std(init, activation, depth, width, batch, rng):
    h = rng.standard_normal((batch, width))
    Ws, zs, act_std = [], [], []
    for layer in range(depth):
        if init == "naive":
            W = 0.01 * rng.standard_normal((width, width))
        elif init == "xavier":
            W = xavier_uniform(width, width, rng)
        else:
            W = he_normal(width, width, rng)
        z = h @ W
        if activation == "relu":
            h = np.maximum(z, 0)
        else:
            h = np.tanh(z)
        Ws.append(W)
        zs.append(z)
        act_std.append(np.std(h))
    dh = rng.standard_normal((batch, width))
    grad_std = [0] * depth
    for layer in range(depth - 1, -1, -1):
        if activation == "relu":
            dz = dh * (zs[layer] > 0)
        else:
            dz = dh * (1 - np.tanh(zs[layer]) ** 2)
        dh = dz @ Ws[layer].T
        grad_std[layer] = np.std(dh)
    return np.array(act_std), np.array(grad_std)
