"""Checks for ex15, initialization: the learner's xavier_uniform and he_normal by their samples' statistics, and
the learner's own measurement of activation and gradient std through a deep stack against the mean-field
prediction, with tolerances that hold on every seed (see TOLERANCE below and docs/exercises-resnet.md)."""

from __future__ import annotations

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.reference.init import predicted_std

cases = CaseList()

# The log-ratio ln(measured / predicted) at layer l is a sum of l independent per-layer fluctuations, each of
# variance O(1/width) (the spread of ‖h·W‖² over a finite layer): its std is k·√(l / width). Over 300 seeds per
# setting k ≤ 0.85 for ReLU and ≤ 0.09 for tanh (ReLU's dying units make it noisier). The tolerance is 6 standard
# deviations with k rounded up (1.0, 0.12): a Gaussian tail that far out has probability below 1e-8 per layer.
SIGMAS = 6.0
SPREAD = {"relu": 1.0, "tanh": 0.12}
VARIANCE_RTOL = 0.03  # the sample variance of ≥ 100,000 draws: relative std ≤ 0.6 %, so 3 % is ≥ 5 sigma


def tolerance(activation: str, depth: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The allowed |ln(measured / predicted)| per layer for act_std and grad_std (gradients are counted from the
    top: grad_std[0] has been through every layer)."""
    layers = np.arange(1, depth + 1)
    act = SIGMAS * SPREAD[activation] * np.sqrt(layers / width)
    return act, act[::-1].copy()


def _rng_is_used(func, name, *args):
    a = checks.as_array(name, func(*args, np.random.default_rng(3)))
    b = checks.as_array(name, func(*args, np.random.default_rng(3)))
    c = checks.as_array(name, func(*args, np.random.default_rng(4)))
    if not np.array_equal(a, b) or np.array_equal(a, c):
        raise checks.CheckFailed(f"{name}: the same rng seed must give the same weights and another seed other "
                                 "weights — draw from the `rng` argument (rng.uniform, rng.standard_normal), "
                                 "not from np.random.")
    return a


def _variance(name, W, expected, wrong: dict[str, float]):
    got = float(np.mean(W.astype(np.float64) ** 2))
    if abs(got / expected - 1) > VARIANCE_RTOL:
        hint = next((text for text, var in wrong.items() if abs(got / var - 1) <= VARIANCE_RTOL), None)
        raise checks.CheckFailed(f"{name}: the weights' variance is {got:.5g}, expected {expected:.5g} "
                                 f"(±{VARIANCE_RTOL:.0%}).", hint)


@cases("xavier_uniform: U(−a, a), a = √(6 / (fan_in + fan_out))", part="init")
def _(sol, rng):
    fan_in, fan_out = 400, 300
    W = _rng_is_used(checks.need(sol, "xavier_uniform"), "xavier_uniform", fan_in, fan_out)
    checks.check_shape("xavier_uniform(400, 300, rng)", W, (fan_in, fan_out),
                       "W has shape (fan_in, fan_out): a layer computes h @ W.")
    limit = np.sqrt(6 / (fan_in + fan_out))
    _variance("xavier_uniform(400, 300, rng)", W, limit ** 2 / 3, {
        "the Glorot variance is 2 / (fan_in + fan_out), so a = √(6 / (fan_in + fan_out)); yours uses fan_in alone.":
            2 / fan_in,
        "a = √(6 / (fan_in + fan_out)) is the BOUND of the uniform distribution, not its standard deviation.":
            6 / (fan_in + fan_out),
    })
    if np.abs(W).max() > limit * (1 + 1e-12) or np.abs(W).max() < limit * 0.99:
        raise checks.CheckFailed(f"xavier_uniform(400, 300, rng): max |w| = {np.abs(W).max():.5g}; a uniform "
                                 f"distribution on [−a, a] with a = {limit:.5g} reaches (almost) ±a and never beyond.",
                                 "use rng.uniform(-a, a, size=(fan_in, fan_out)), not a normal distribution.")


@cases("he_normal: N(0, 2 / fan_in)", part="init")
def _(sol, rng):
    fan_in, fan_out = 300, 400
    W = _rng_is_used(checks.need(sol, "he_normal"), "he_normal", fan_in, fan_out)
    checks.check_shape("he_normal(300, 400, rng)", W, (fan_in, fan_out),
                       "W has shape (fan_in, fan_out): a layer computes h @ W.")
    _variance("he_normal(300, 400, rng)", W, 2 / fan_in, {
        "He's variance divides by fan_in (the inputs each output sums over), not by fan_out.": 2 / fan_out,
        "He initialization has variance 2 / fan_in: the 2 makes up for ReLU zeroing half of its inputs; yours "
        "has 1 / fan_in.": 1 / fan_in,
        "the variance is 2 / fan_in, so the standard deviation is √(2 / fan_in): multiply standard normal draws by "
        "np.sqrt(2 / fan_in), not by 2 / fan_in.": (2 / fan_in) ** 2,
    })
    sigma = np.sqrt(2 / fan_in)
    beyond = float(np.mean(np.abs(W) > 2 * sigma))  # 4.55 % for a normal distribution, 0 for a uniform one
    if not 0.04 < beyond < 0.051:
        raise checks.CheckFailed(f"he_normal: {beyond:.2%} of the weights lie beyond 2σ; a normal distribution has "
                                 "4.55 % there.", "draw rng.standard_normal((fan_in, fan_out)) and scale it.")


MEASURE = {"depth": 12, "width": 256, "batch": 256}


def _alternatives(init, activation, depth, width):
    """Profiles of the usual measurement mistakes: (what, which output, its prediction)."""
    from studykit.reference import init as ref

    gain = width * ref.weight_variance(init, width)
    second, pre = 1.0, []
    for _ in range(depth):
        q = gain * second
        pre.append(np.sqrt(q))
        second = ref._moments(activation, q)[1]
    return [("act_std", np.array(pre), "act_std is the std of the layer's OUTPUT h = φ(z), after the activation; "
             "yours matches the std of z = h_prev @ W, before it.")]


def _check_measurement(sol, init, activation, depth, width, batch):
    measure = checks.need(sol, "measure_std")
    call = f'measure_std("{init}", "{activation}", depth={depth}, width={width}, batch={batch}, rng)'
    got = measure(init, activation, depth, width, batch, np.random.default_rng(11))
    if not (isinstance(got, tuple) and len(got) == 2):
        raise checks.CheckFailed(f"{call} must return (act_std, grad_std); got {type(got).__name__}.")
    predicted = predicted_std(init, activation, depth, width)
    allowed = tolerance(activation, depth, width)
    numbers = {}
    for name, value, pred, tol in zip(("act_std", "grad_std"), got, predicted, allowed, strict=True):
        arr = checks.as_array(f"{call}: {name}", value).astype(np.float64).reshape(-1)
        checks.check_shape(f"{call}: {name}", arr, (depth,), f"one standard deviation per layer: {depth} numbers.")
        checks.check_finite(f"{call}: {name}", arr)
        if (arr <= 0).any():
            raise checks.CheckFailed(f"{call}: {name} has a value ≤ 0 at layer {int(np.argmax(arr <= 0)) + 1}; a "
                                     "standard deviation of a non-constant array is > 0.")
        deviation = np.abs(np.log(arr / pred))
        numbers[name] = [float(v) for v in arr]
        if (deviation > tol).any():
            layer = int(np.argmax(deviation - tol))
            hint = next((text for which, alt, text in _alternatives(init, activation, depth, width)
                         if which == name and (np.abs(np.log(arr / alt)) <= tol).all()), None)
            raise checks.CheckFailed(
                f"{call}: {name}[{layer}] = {arr[layer]:.4g}, but the theory predicts {pred[layer]:.4g} (allowed: "
                f"within a factor {np.exp(tol[layer]):.3g}); yours {fmt_profile(arr)}, predicted "
                f"{fmt_profile(pred)}.", hint, numbers)
    return {"message": f"act_std {fmt_profile(numbers['act_std'])}; grad_std {fmt_profile(numbers['grad_std'])}",
            "data": numbers}


def fmt_profile(values) -> str:
    values = list(values)
    return f"[{values[0]:.3g}, {values[len(values) // 2]:.3g}, … {values[-1]:.3g}] (first, middle, last layer)"


def _measure_case(init, activation, **shape):
    def run(sol, rng):
        return _check_measurement(sol, init, activation, **{**MEASURE, **shape})
    return run


cases("measure: naive N(0, 0.01²), tanh — activations and gradients vanish", part="measure")(
    _measure_case("naive", "tanh"))
cases("measure: naive N(0, 0.01²), ReLU", part="measure")(_measure_case("naive", "relu"))
cases("measure: Xavier, tanh — roughly preserved", part="measure")(_measure_case("xavier", "tanh"))
cases("measure: Xavier, ReLU — halves the variance at every layer", part="measure")(_measure_case("xavier", "relu"))
cases("measure: He, ReLU — preserved", part="measure")(_measure_case("he", "relu"))
cases("measure: He, tanh", part="measure")(_measure_case("he", "tanh"))
cases("measure: He, ReLU, 16 layers of width 128, batch 200", part="measure", kind="edge")(
    _measure_case("he", "relu", depth=16, width=128, batch=200))
