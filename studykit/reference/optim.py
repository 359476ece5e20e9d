"""Reference optimizers (ex14): one step of SGD (momentum, Nesterov, coupled weight decay) and of Adam/AdamW over a
dict of parameters, PyTorch's conventions.

    SGD:   g ← g + λθ;  v ← μ·v + g;  θ ← θ − lr·v          (Nesterov: θ ← θ − lr·(g + μ·v))
    Adam:  t ← t + 1 (the first step has t = 1);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
           m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − lr·m̂ / (√v̂ + ε)          (ε outside the root)
    weight decay: coupled (L2, Adam's `weight_decay`) g ← g + λθ before the moments;
                  decoupled (AdamW) θ ← θ − lr·(m̂ / (√v̂ + ε) + λθ), the moments see the plain g.

`state` starts as {} and is whatever the previous step returned; parameters are never modified in place.
"""

from __future__ import annotations

import numpy as np


def sgd_step(params, grads, state, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    """(new_params, new_state) after one step of SGD with momentum (v ← μv + g, θ ← θ − lr·v)."""
    new_params, new_state = {}, {}
    for name, theta in params.items():
        g = grads[name] + weight_decay * theta
        v = momentum * state.get(name, np.zeros_like(theta)) + g
        new_state[name] = v
        new_params[name] = theta - lr * (g + momentum * v if nesterov else v)
    return new_params, new_state


def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False):
    """(new_params, new_state) after one Adam step with bias correction; decoupled=True is AdamW."""
    t = state.get("t", 0) + 1
    new_params, new_state = {}, {"t": t}
    for name, theta in params.items():
        g = grads[name] if decoupled else grads[name] + weight_decay * theta
        m = beta1 * state.get("m_" + name, np.zeros_like(theta)) + (1 - beta1) * g
        v = beta2 * state.get("v_" + name, np.zeros_like(theta)) + (1 - beta2) * g * g
        new_state["m_" + name], new_state["v_" + name] = m, v
        update = (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        if decoupled:
            update = update + weight_decay * theta
        new_params[name] = theta - lr * update
    return new_params, new_state
