"""Central finite differences and relative error, CS231n style: small enough to trust by reading.

Used by the grader (backward functions are checked against the learner's own forward) and by the
tests of the reference solutions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def rel_error(a, b, floor: float = 1e-8) -> float:
    """max |a − b| / max(|a| + |b|, floor), elementwise; 0.0 for two empty arrays."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0 and b.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """∂f/∂x by central differences for a scalar-valued f; x is perturbed in place and restored."""
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        grad[it.multi_index] = central_difference(f, x, it.multi_index, h)
        it.iternext()
    return grad


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, index: tuple, h: float = 1e-5) -> float:
    """∂f/∂x[index] by a central difference; x[index] is perturbed in place and restored."""
    old = x[index]
    x[index] = old + h
    f_plus = float(f(x))
    x[index] = old - h
    f_minus = float(f(x))
    x[index] = old
    return (f_plus - f_minus) / (2 * h)


def numerical_gradient_array(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """The gradient of sum(f(x) * dout) with respect to x: what a backward pass given `dout` returns."""
    return numerical_gradient(lambda v: np.sum(np.asarray(f(v), dtype=np.float64) * dout), x, h)
