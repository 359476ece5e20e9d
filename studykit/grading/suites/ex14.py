"""Checks for ex14, optimizers: the learner's sgd_step and adam_step run over a sequence of steps (their own state
carried from step to step) and compared with the reference after every step; the classic mistakes are recognised by
replaying them; a behavioural check on an ill-conditioned quadratic."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.reference.optim import adam_step, sgd_step

cases = CaseList()
STEPS = 6


def _problem(rng):
    """Two parameters of different shapes and a fixed sequence of gradients (independent of the parameters)."""
    params = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(2)}
    grads = [{k: rng.standard_normal(v.shape) * rng.uniform(0.2, 2.0) for k, v in params.items()} for _ in range(STEPS)]
    return params, grads


def _replay(step: Callable, params: dict, grads: list, **hyper) -> list[dict]:
    """The parameters after each step of a (variant) step function."""
    out: list[dict] = []
    state: dict = {}
    for g in grads:
        params, state = step(params, g, state, **hyper)
        out.append(params)
    return out


# ---- the mistakes, as step functions ----

def _sgd_variant(kind):
    def step(params, grads, state, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
        new_p, new_s = {}, {}
        for k, theta in params.items():
            g = grads[k] + (0.0 if kind == "decoupled" else weight_decay * theta)
            v_old = state.get(k, np.zeros_like(theta))
            v = momentum * v_old - g if kind == "sign" else momentum * v_old + g
            new_s[k] = v
            if kind == "plain_nesterov" or not nesterov:
                update = v
            else:
                update = g + momentum * v
            if kind == "decoupled":
                update = update + weight_decay * theta
            new_p[k] = theta - lr * update
        return new_p, new_s
    return step


def _adam_variant(kind):
    def step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False):
        t = state.get("t", 0) + 1
        new_p, new_s = {}, {"t": t}
        use_decoupled = (not decoupled) if kind == "wd_swapped" else decoupled or kind == "wd_both"
        for k, theta in params.items():
            g = grads[k] if use_decoupled and kind != "wd_both" else grads[k] + weight_decay * theta
            m = beta1 * state.get("m" + k, 0 * theta) + (1 - beta1) * g
            v = beta2 * state.get("v" + k, 0 * theta) + (1 - beta2) * g * g
            new_s["m" + k], new_s["v" + k] = m, v
            tb = {"t+1": t + 1, "t=1": 1}.get(kind, t)
            m_hat, v_hat = (m, v) if kind == "no_bias" else (m / (1 - beta1 ** tb), v / (1 - beta2 ** tb))
            update = m_hat / (np.sqrt(v_hat + eps) if kind == "eps_inside" else np.sqrt(v_hat) + eps)
            if use_decoupled:
                if kind == "wd_no_lr":
                    new_p[k] = theta - lr * update - weight_decay * theta
                    continue
                update = update + weight_decay * theta
            new_p[k] = theta - lr * update
        return new_p, new_s
    return step


SGD_MISTAKES = {
    "sign": "the momentum convention here is v ← μ·v + g, θ ← θ − lr·v: the velocity accumulates the gradient and the "
            "step goes AGAINST it. Yours moves uphill (a sign flipped in v or in the update).",
    "decoupled": "for SGD weight decay goes into the gradient (coupled, PyTorch's `weight_decay`): g ← g + λθ BEFORE "
                 "the momentum; yours adds λθ to the update instead.",
    "plain_nesterov": "nesterov=True: the step is θ ← θ − lr·(g + μ·v) with the NEW v; yours took the plain momentum "
                      "step θ ← θ − lr·v.",
}
ADAM_MISTAKES = {
    "no_bias": "bias correction is missing: m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ) — m and v start at 0, so without "
               "it both are biased towards 0 by different factors and the first steps have the wrong size (with "
               "β₁ = 0.9, β₂ = 0.999 the first one is about 3× too large: 0.1 / √0.001).",
    "t+1": "the bias correction uses the wrong t: the FIRST step has t = 1 (increment t before using it, once per "
           "step); yours is one ahead.",
    "t=1": "the bias correction uses t = 1 on every step: t must count the steps (keep it in the state and add 1 "
           "each step).",
    "eps_inside": "ε goes OUTSIDE the square root: m̂ / (√v̂ + ε), not m̂ / √(v̂ + ε).",
    "wd_swapped": "weight decay is in the wrong place: decoupled=False (Adam + L2) adds λθ to the GRADIENT before "
                  "the moments; decoupled=True (AdamW) leaves the moments alone and adds lr·λθ to the UPDATE.",
    "wd_both": "weight decay is counted twice: decoupled=False adds λθ to the gradient ONLY, decoupled=True adds "
               "lr·λθ to the update ONLY — never both.",
    "wd_no_lr": "AdamW's decay is scaled by the learning rate: θ ← θ − lr·(m̂ / (√v̂ + ε) + λθ); yours subtracts λθ "
                "without lr.",
}

T_ZERO = ("the first step has t = 1: with t = 0 the bias correction divides by 1 − β⁰ = 0. Increment t BEFORE "
          "using it.")


def _run_learner(name: str, step: Callable, params: dict, grads: list, hyper: dict) -> list[dict]:
    """The learner's parameters after each step; their state is passed back to them unchanged."""
    out: list[dict] = []
    state: dict = {}
    for i, g in enumerate(grads, 1):
        watched = {f'params["{k}"]': v for k, v in params.items()} | {f'grads["{k}"]': v for k, v in g.items()}
        with checks.unchanged(name, **watched):
            got = step(params, g, state, **hyper)
        if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], dict) and isinstance(got[1], dict)):
            raise checks.CheckFailed(f"{name} must return (new_params, new_state), two dicts; step {i} returned "
                                     f"{type(got).__name__}.")
        new_params, state = got
        if set(new_params) != set(params):
            raise checks.CheckFailed(f"step {i}: new_params has the keys {sorted(new_params)}, expected "
                                     f"{sorted(params)}.")
        params = {k: checks.as_array(f'step {i}: new_params["{k}"]', v) for k, v in new_params.items()}
        out.append(params)
    return out


def _check_sequence(name, step, variants, params, grads, hyper):
    got = _run_learner(name, step, params, grads, hyper)
    expected = _replay(adam_step if name == "adam_step" else sgd_step, params, grads, **hyper)
    for i, (mine, ref) in enumerate(zip(got, expected, strict=True), 1):
        for k in ref:
            if np.allclose(mine[k], ref[k], rtol=1e-6, atol=1e-9):
                continue
            hint = None
            if name == "adam_step" and i == 1 and not np.isfinite(mine[k]).all():
                hint = T_ZERO
            for kind, text in variants.items() if hint is None else ():
                replay = _replay(_adam_variant(kind) if name == "adam_step" else _sgd_variant(kind),
                                 params, grads, **hyper)
                pairs = zip(got, replay, strict=True)
                if all(np.allclose(a[j], b[j], rtol=1e-5, atol=1e-8) for a, b in pairs for j in b):
                    hint = text
                    break
            settings = ", ".join(f"{key}={value}" for key, value in hyper.items())
            checks.check_close(f'after step {i} of {len(grads)} ({name}({settings})): params["{k}"]', mine[k], ref[k],
                               rtol=1e-6, atol=1e-9, hint=hint)


def _sgd(sol):
    return checks.need(sol, "sgd_step")


def _adam(sol):
    return checks.need(sol, "adam_step")


def _sgd_case(hyper, mistakes):
    def run(sol, rng):
        params, grads = _problem(rng)
        _check_sequence("sgd_step", _sgd(sol), {k: SGD_MISTAKES[k] for k in mistakes}, params, grads, hyper)
    return run


def _adam_case(hyper, mistakes):
    def run(sol, rng):
        params, grads = _problem(rng)
        _check_sequence("adam_step", _adam(sol), {k: ADAM_MISTAKES[k] for k in mistakes}, params, grads, hyper)
    return run


cases("SGD without momentum: θ ← θ − lr·g", part="sgd")(_sgd_case({"lr": 0.1}, ["sign"]))
cases("SGD with momentum 0.9", part="sgd", kind="random")(_sgd_case({"lr": 0.05, "momentum": 0.9}, ["sign"]))
cases("SGD with momentum and (coupled) weight decay", part="sgd", kind="random")(
    _sgd_case({"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1}, ["sign", "decoupled"]))
cases("Nesterov momentum", part="sgd", kind="random")(
    _sgd_case({"lr": 0.05, "momentum": 0.8, "nesterov": True}, ["plain_nesterov", "sign"]))
cases("Adam with bias correction", part="adam")(
    _adam_case({"lr": 0.01}, ["no_bias", "t+1", "t=1", "eps_inside"]))
cases("Adam, other betas and a large eps", part="adam", kind="random")(
    _adam_case({"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 0.1}, ["no_bias", "t+1", "t=1", "eps_inside"]))
cases("Adam with L2 weight decay (coupled: in the gradient)", part="adam", kind="random")(
    _adam_case({"lr": 0.01, "weight_decay": 0.5}, ["wd_swapped", "wd_both", "no_bias", "t+1"]))
cases("AdamW (decoupled weight decay: in the update)", part="adam", kind="random")(
    _adam_case({"lr": 0.01, "weight_decay": 0.5, "decoupled": True},
               ["wd_swapped", "wd_both", "wd_no_lr", "no_bias", "t+1"]))


# ---- behaviour: f(w) = ½ Σ a_i w_i² with a = (1, 50), condition number 50 ----

CURVATURE = np.array([1.0, 50.0])
QUADRATIC_STEPS = 100


def _descend(step, **hyper) -> list[float]:
    params: dict = {"w": np.array([1.0, 1.0])}
    state: dict = {}
    losses = [0.5 * float(np.sum(CURVATURE * params["w"] ** 2))]
    for _ in range(QUADRATIC_STEPS):
        params, state = step(params, {"w": CURVATURE * params["w"]}, state, **hyper)
        params = {"w": checks.as_array('new_params["w"]', params["w"])}
        losses.append(0.5 * float(np.sum(CURVATURE * params["w"] ** 2)))
    checks.check_finite(f"the loss after {QUADRATIC_STEPS} steps", losses[-1])
    return losses


@cases("behaviour: on an ill-conditioned quadratic, momentum beats plain SGD and Adam converges", kind="property")
def _(sol, rng):
    sgd, adam = _sgd(sol), _adam(sol)
    plain = _descend(sgd, lr=0.01)
    heavy = _descend(sgd, lr=0.01, momentum=0.9)
    nesterov = _descend(sgd, lr=0.01, momentum=0.9, nesterov=True)
    ada = _descend(adam, lr=0.1)
    numbers = {"start": plain[0], "sgd": plain[-1], "momentum": heavy[-1], "nesterov": nesterov[-1], "adam": ada[-1]}
    told = (f"f(w) = ½(w₁² + 50·w₂²) from w = (1, 1), f = {plain[0]:.4g}; after {QUADRATIC_STEPS} steps at lr 0.01: "
            f"SGD {plain[-1]:.3g}, momentum 0.9 {heavy[-1]:.3g}, Nesterov {nesterov[-1]:.3g}; "
            f"Adam (lr 0.1) {ada[-1]:.3g}")
    if not plain[-1] < plain[0]:
        raise checks.CheckFailed(f"{told}: plain SGD did not decrease the loss.", SGD_MISTAKES["sign"], numbers)
    if not (heavy[-1] < plain[-1] / 10 and nesterov[-1] < plain[-1] / 10):
        raise checks.CheckFailed(f"{told}: momentum should reach a loss at least 10× lower than plain SGD along the "
                                 "flat direction.", None, numbers)
    if not ada[-1] < 1e-2:
        raise checks.CheckFailed(f"{told}: Adam should get below 0.01.", None, numbers)
    return {"message": told, "data": numbers}
