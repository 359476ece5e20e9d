import numpy as np


def sgd_step(params, grads, state, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    new_params = {}
    new_state = dict(state)
    for name in params:
        g = grads[name] + weight_decay * params[name]
        v = momentum * state.get(name, 0.0) + g
        new_state[name] = v
        if nesterov:
            new_params[name] = params[name] - lr * (g + momentum * v)
        else:
            new_params[name] = params[name] - lr * v
    return new_params, new_state


def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False):
    new_state = dict(state)
    t = state.get("t", 0) + 1
    new_state["t"] = t
    new_params = {}
    for name in params:
        g = grads[name]
        if weight_decay:
            g = g + weight_decay * params[name]
        m = beta1 * state.get("m_" + name, 0.0) + (1 - beta1) * g
        v = beta2 * state.get("v_" + name, 0.0) + (1 - beta2) * g ** 2
        new_state["m_" + name] = m
        new_state["v_" + name] = v
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        step = m_hat / (np.sqrt(v_hat) + eps)
        if decoupled:
            step = step + weight_decay * params[name]
        new_params[name] = params[name] - lr * step
    return new_params, new_state
