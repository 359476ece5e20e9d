"""Checks for ex04, activations: relu, sigmoid, tanh and their derivatives, elementwise and stable."""

from __future__ import annotations

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.grading.gradcheck import numerical_gradient_array
from studykit.reference import activations as ref

cases = CaseList()

SIGMOID_HINT = ("np.exp(-x) overflows for x ≈ −1e4. Use the two equivalent forms: 1/(1+e^(−x)) for x ≥ 0 and "
                "e^x/(1+e^x) for x < 0 — both only ever exponentiate a non-positive number.")

SIGMOID_GRAD_HINT = ("e^(−x) / (1 + e^(−x))² overflows for x ≈ −1e4 (inf/inf = nan). Write σ′(x) = σ(x)(1 − σ(x)) "
                     "on top of your stable sigmoid instead of a new exp formula.")

TANH_HINT = ("(e^x − e^(−x)) / (e^x + e^(−x)) overflows for |x| ≳ 710 (inf/inf = nan). Use np.tanh, or rewrite "
             "with e^(−2|x|), which never exceeds 1.")

X_FIXED = np.array([-3.0, -1.0, 0.0, 0.5, 2.0])

NP_WHERE_HINT = ("numpy warned although your values are right, on both sides of 0: np.where evaluates both branches — "
                 "np.where(cond, A, B) computes A AND B on every element before it chooses, "
                 "so 1/(1+e^(−x)) still overflows for x ≈ −1e4 and "
                 "e^x/(1+e^x) for x ≈ +1e4. Compute each formula only on its own elements (s[pos] = … with "
                 "pos = x >= 0, s[~pos] = …), or write both with e^(−|x|), which never overflows.")

SIGMOID_POSITIVE_HINT = ("e^x / (1 + e^x) overflows for x ≈ +1e4 (inf/inf = nan): use it only for x < 0, and "
                         "1/(1+e^(−x)) for x ≥ 0.")


def _quiet(formula, x):
    """What a formula gives at x, computed without warnings (only the learner's warnings count)."""
    with np.errstate(all="ignore"):
        return formula(np.asarray(x, dtype=np.float64))


def _naive_tanh(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


def _warns(func, x) -> bool:
    """Whether the learner's func warns (overflow, invalid, divide) on x."""
    with checks.numerics_watch() as caught:
        try:
            func(x)
        except Exception:  # noqa: BLE001 — the case itself reports the learner's exceptions
            return False
    return bool(caught)


def _stability_hint(sol, name, func, x, got):
    """The hint for an unstable `name`, by comparing what the learner's function does with what each named
    mistake does: the values it returns, and on which side of 0 it warns."""
    x = np.asarray(x, dtype=np.float64)
    if name == "sigmoid":
        neg, pos = _warns(func, x[x < 0]), _warns(func, x[x > 0])
        matches_reference = checks.match_variant(got, {"ok": lambda: ref.sigmoid(x)}, rtol=1e-7, atol=1e-12)
        if neg and pos and matches_reference:
            return NP_WHERE_HINT
        if neg and not pos and checks.match_variant(got, {"ok": lambda: _quiet(lambda v: 1 / (1 + np.exp(-v)), x)}):
            return SIGMOID_HINT
        exp_formula = {"ok": lambda: _quiet(lambda v: np.exp(v) / (1 + np.exp(v)), x)}
        if pos and not neg and checks.match_variant(got, exp_formula):
            return SIGMOID_POSITIVE_HINT
        return None
    inner = getattr(sol, name.removesuffix("_grad"), None) if name.endswith("_grad") else None
    if callable(inner) and _warns(inner, x) and checks.match_variant(got, {"ok": lambda: getattr(ref, name)(x)},
                                                                    rtol=1e-7, atol=1e-12):
        base = name.removesuffix("_grad")
        return (f"your {name} values are right; the warning comes from your {base}, which it calls and which warns "
                f"for these x too — make {base} stable (the {base} case above) and this passes as well.")
    variants = {
        "sigmoid_grad": {SIGMOID_GRAD_HINT: lambda: _quiet(lambda v: np.exp(-v) / (1 + np.exp(-v)) ** 2, x)},
        "tanh": {TANH_HINT: lambda: _quiet(_naive_tanh, x)},
        "tanh_grad": {TANH_HINT: lambda: _quiet(lambda v: 1 - _naive_tanh(v) ** 2, x)},
    }.get(name, {})
    return checks.match_variant(got, variants)


def _mistakes(name, x):
    """The classic wrong answers for `name` at x, each with the hint that names the mistake."""
    x = np.asarray(x, dtype=np.float64)
    s, t = ref.sigmoid(x), np.tanh(x)
    return {
        "relu": {"relu(x) = max(0, x): keep the positive part, zero the rest.": lambda: np.minimum(x, 0)},
        "relu_grad": {
            "at x = 0 use relu′(0) = 0 (the convention here): test x > 0, not x >= 0.": lambda: (x >= 0) * 1.0,
            "relu_grad is the derivative (1 for x > 0, else 0), not relu itself.": lambda: np.maximum(x, 0),
        },
        "sigmoid": {"σ(x) = 1 / (1 + e^(−x)): check the sign in the exponent.": lambda: ref.sigmoid(-x)},
        "sigmoid_grad": {
            "σ′(x) = σ(x)(1 − σ(x)) — you wrote σ(x)(1 − x).": lambda: s * (1 - x),
            "σ′(x) = σ(x)(1 − σ(x)); you returned σ(x) itself.": lambda: s,
            "σ′(x) = σ(x)(1 − σ(x)), not 1 − σ(x)².": lambda: 1 - s ** 2,
        },
        "tanh": {},
        "tanh_grad": {
            "tanh′(x) = 1 − tanh²(x): square the tanh.": lambda: 1 - t,
            "tanh′(x) = 1 − tanh²(x), not 1 − x².": lambda: 1 - x ** 2,
        },
    }[name]


def _value(sol, name, x, strict=False, variants=None, keywords=False):
    func = checks.need_as_starter(sol, name, "ex04")
    with checks.unchanged(name, x=x), checks.numerics_watch() as warned:
        got = func(x=x) if keywords else func(x)
    got = checks.as_array(f"{name}(x)", got)
    expected = getattr(ref, name)(x)
    checks.check_shape(f"{name}(x)", got, x.shape, "activations are elementwise: the output has the shape of x.")
    checks.check_dtype(f"{name}(x)", got, np.float64)  # float64 in → float64 out (not int, not float32)
    unstable = _stability_hint(sol, name, func, x, got) if strict else None
    checks.check_close(f"{name}(x)", got, expected, rtol=1e-7, atol=1e-12,
                       hint=checks.match_variant(got, variants or _mistakes(name, x), expected=expected,
                                                 check_rtol=1e-7, check_atol=1e-12) or unstable)
    if strict:
        checks.no_warnings(name, warned, unstable)
    return got


@cases("relu: fixed values", part="relu")
def _(sol, rng):
    _value(sol, "relu", X_FIXED)


@cases("relu_grad: fixed values, relu_grad(0) = 0", part="relu")
def _(sol, rng):
    _value(sol, "relu_grad", X_FIXED)


@cases("sigmoid: fixed values", part="sigmoid")
def _(sol, rng):
    _value(sol, "sigmoid", X_FIXED)


@cases("sigmoid: |x| up to 1e4 without overflow warnings", part="sigmoid", kind="edge")
def _(sol, rng):
    x = np.array([-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4])
    _value(sol, "sigmoid", x, strict=True)


@cases("sigmoid_grad: fixed values", part="sigmoid")
def _(sol, rng):
    _value(sol, "sigmoid_grad", X_FIXED)


@cases("sigmoid_grad: large |x| stays finite", part="sigmoid", kind="edge")
def _(sol, rng):
    _value(sol, "sigmoid_grad", np.array([-1e4, -50.0, 50.0, 1e4]), strict=True)


@cases("tanh and tanh_grad: fixed values", part="tanh")
def _(sol, rng):
    _value(sol, "tanh", X_FIXED)
    _value(sol, "tanh_grad", X_FIXED)


@cases("tanh and tanh_grad: |x| up to 1e4 stays finite", part="tanh", kind="edge")
def _(sol, rng):
    x = np.array([-1e4, -800.0, -20.0, 0.0, 20.0, 800.0, 1e4])
    _value(sol, "tanh", x, strict=True)
    _value(sol, "tanh_grad", x, strict=True)


@cases("random: 2-D arrays, every function", kind="random")
def _(sol, rng):
    x = rng.standard_normal((4, 6)) * 3
    for name in ("relu", "relu_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad"):
        _value(sol, name, x, keywords=True)


@cases("property: each *_grad matches finite differences of your forward", kind="property")
def _(sol, rng):
    x = rng.standard_normal(7)
    x = x[np.abs(x) > 1e-3]  # relu is not differentiable at 0
    ones = np.ones_like(x)
    for name in ("relu", "sigmoid", "tanh"):
        forward, grad = checks.need_as_starter(sol, name, "ex04"), checks.need_as_starter(sol, f"{name}_grad", "ex04")
        numeric = numerical_gradient_array(lambda v, forward=forward: np.asarray(forward(v), dtype=np.float64),
                                           x.copy(), ones)
        checks.check_gradient(f"{name}_grad(x)", grad(x), numeric, threshold=1e-7,
                              hint=f"{name}_grad must be the derivative of your own {name}.")


@cases("edge: float32 input", kind="edge")
def _(sol, rng):
    x = rng.standard_normal(5).astype(np.float32)
    for name in ("relu", "sigmoid", "tanh"):
        got = checks.as_array(f"{name}(float32 x)", checks.need_as_starter(sol, name, "ex04")(x))
        checks.check_dtype(f"{name}(float32 x)", got, np.float32)
        checks.check_close(f"{name}(float32 x)", got, getattr(ref, name)(x.astype(np.float64)), rtol=1e-5, atol=1e-6)
