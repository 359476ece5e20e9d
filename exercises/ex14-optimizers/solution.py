"""ex14 优化器 (optimizers)：一步 SGD（动量、Nesterov、权重衰减）和一步 Adam/AdamW。

完成后运行：studykit grade ex14
"""

import numpy as np


def sgd_step(params, grads, state, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    """一步带动量的 SGD（PyTorch 的约定）。

    params, grads: dict，名字 → 数组（每个 grads[k] 与 params[k] 形状相同）
    state: dict，第一步是 {}，之后是你上一步返回的 new_state（值只用数组和数）
      g ← grads[k] + weight_decay · θ          （权重衰减加在梯度里，coupled）
      v ← momentum · v + g                     （v 从 0 开始）
      θ ← θ − lr · v                           （nesterov=True 时：θ ← θ − lr · (g + momentum · v)）
    返回 (new_params, new_state)，new_params 的键与 params 相同；不要修改 params、grads、state 里的数组。
    """
    raise NotImplementedError


def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False):
    """一步 Adam（带偏差修正）；decoupled=True 时是 AdamW。

    state: 第一步是 {}；在里面记步数 t 和每个参数的 m、v（都从 0 开始）
      t ← t + 1（第一步 t = 1）
      decoupled=False：g ← grads[k] + weight_decay · θ；decoupled=True：g ← grads[k]
      m ← β₁m + (1 − β₁)g，v ← β₂v + (1 − β₂)g²，m̂ = m / (1 − β₁ᵗ)，v̂ = v / (1 − β₂ᵗ)
      decoupled=False：θ ← θ − lr · m̂ / (√v̂ + ε)
      decoupled=True： θ ← θ − lr · (m̂ / (√v̂ + ε) + weight_decay · θ)
    返回 (new_params, new_state)。
    """
    raise NotImplementedError
