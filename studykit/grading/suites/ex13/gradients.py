"""ex13 cases 2 and 3: each layer's backward against finite differences of the learner's own forward, in the model's
forward order, then loss_and_grads against finite differences of its own loss."""

from __future__ import annotations

import contextlib
import inspect

import numpy as np

from studykit.grading import checks, own
from studykit.grading.cases import CheckFailed
from studykit.grading.gradcheck import central_difference
from studykit.grading.suites.ex13.common import (
    LAYERS,
    SAMPLE,
    SAMPLE_MODEL,
    TINY,
    _copy,
    _fd_check,
    _own_errors,
    _recorded,
    _scalar,
    _state,
    cases,
)

# ------------------------------------------------------------------------ 2. each layer, in forward order


def _describe(name: str, args: tuple, config: dict) -> str:
    shapes = ", ".join(str(tuple(np.shape(a))) for a in args if isinstance(a, np.ndarray))
    settings = "".join(f", {k}={v!r}" for k, v in config.items())
    return f"{name}({shapes}{settings})"


def _signature(sol, name: str) -> inspect.Signature | None:
    """The learner's own function's signature, rebuilt from what their process described."""
    st = _state(sol)
    cache = st.setdefault("signatures", {})
    if name not in cache:
        cache[name] = None
        with contextlib.suppress(Exception):
            ex_id = own.exercise_of(name).id
            params = sol.own_module(ex_id)._names.get(name, {}).get("params")
            if isinstance(params, list):
                cache[name] = inspect.Signature([
                    inspect.Parameter(str(p[0]), getattr(inspect.Parameter, str(p[1])),
                                      default=p[3] if p[2] else inspect.Parameter.empty) for p in params])
    return cache[name]


def _bound(sol, name: str, args: tuple, kwargs: dict):
    """The call's arguments in the starter's order (positional; names may differ), defaults filled in."""
    signature = _signature(sol, name)
    if signature is None:
        return None
    try:
        bound = signature.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    return bound


def _like(rng, a, scale=1.0, shift=0.0):
    return rng.standard_normal(np.shape(a)) * scale + shift


def _distinct(rng, shape):
    """No ties, gaps of at least 0.1: every max-pooling window has one maximum, whatever the step."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) - n / 2) / 10.0


def _check_conv(fwd, bwd, args, rng, label):
    X, W, b = _like(rng, args[0]), _like(rng, args[1], 0.5), _like(rng, args[2])
    stride, padding = args[3], args[4]
    dout = rng.standard_normal(checks.as_array("conv2d_forward's output", fwd(X, W, b, stride, padding)).shape)
    out = bwd(dout, X, W, b, stride, padding)
    if not (isinstance(out, tuple) and len(out) == 3):
        raise CheckFailed("conv2d_backward must return a triple (dX, dW, db).")
    for i, (grad, what) in enumerate(zip(out, ("dX", "dW", "db"), strict=True)):
        params = [X, W, b]

        def f(v, i=i, params=params):
            trial = list(params)
            trial[i] = v
            return np.sum(fwd(*trial, stride, padding) * dout)

        _fd_check(f"{what} {label}", grad, f, params[i].copy(), rng, SAMPLE)


def _check_pool(fwd, bwd, args, rng, label):
    X = _distinct(rng, np.shape(args[0]))
    size, stride = args[1], args[2]
    dout = rng.standard_normal(checks.as_array("max_pool2d's output", fwd(X, size, stride)).shape)
    _fd_check(f"dX {label}", bwd(dout, X, size, stride), lambda v: np.sum(fwd(v, size, stride) * dout), X.copy(), rng,
              SAMPLE)


def _check_bn(fwd, bwd, args, rng, label):
    if not args[5]:
        raise CheckFailed(f"{label}: your loss_and_grads calls batch_norm with train=False. Training normalizes with "
                          "the BATCH statistics (train=True) — batch_norm_backward is the gradient of that; "
                          "predict uses train=False.")
    X = _like(rng, args[0], 2.0, 1.0)
    gamma = rng.uniform(0.5, 1.5, np.shape(args[1]))
    beta = _like(rng, args[2])
    mm, mv, extra = np.zeros(np.shape(args[3])), np.ones(np.shape(args[4])), tuple(args[6:])  # eps, momentum
    Y = fwd(X, gamma, beta, mm, mv, True, *extra)
    if not (isinstance(Y, tuple) and len(Y) == 3):
        raise CheckFailed("batch_norm must return a triple (Y, new_moving_mean, new_moving_var).")
    dY = rng.standard_normal(checks.as_array("Y", Y[0]).shape)
    out = bwd(dY, X, gamma, *(extra[:1] if extra and extra[0] != 1e-5 else ()))  # the forward's eps, if not 1e-5
    if not (isinstance(out, tuple) and len(out) == 3):
        raise CheckFailed("batch_norm_backward must return a triple (dX, dgamma, dbeta).")
    for i, (grad, what) in enumerate(zip(out, ("dX", "dgamma", "dbeta"), strict=True)):
        params = [X, gamma, beta]

        def f(v, i=i, params=params):
            trial = list(params)
            trial[i] = v
            return np.sum(fwd(*trial, mm, mv, True, *extra)[0] * dY)

        _fd_check(f"{what} {label}", grad, f, params[i].copy(), rng, SAMPLE)


def _check_elementwise(fwd, grad, args, rng, label):
    x = rng.standard_normal(np.shape(args[0]))
    x = np.sign(x) * (0.05 + np.abs(x))  # away from ReLU's kink at 0
    dout = rng.standard_normal(x.shape)
    got = checks.as_array(f"{grad.__name__}(x)", grad(x.copy()))
    checks.check_shape(f"{grad.__name__}(x)", got, x.shape)
    _fd_check(f"dout · {grad.__name__}(x) {label}", dout * got, lambda v: np.sum(fwd(v) * dout), x.copy(), rng, SAMPLE)


def _check_ce(fwd, _, args, rng, label):
    Z = _like(rng, args[0], 2.0)
    y = np.asarray(args[1]).copy()
    out = fwd(Z.copy(), y)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise CheckFailed("softmax_cross_entropy must return a pair (loss, dZ).")
    _fd_check(f"dZ {label}", out[1], lambda v: _scalar("loss", fwd(v, y)[0]), Z.copy(), rng, SAMPLE)


def _check_dropout(fwd, bwd, args, rng, label):
    if not args[2]:
        return  # evaluation mode: the identity, no backward to check
    X, p, seed = _like(rng, args[0]), args[1], int(rng.integers(2**31))
    out = fwd(X, p, True, np.random.default_rng(seed))
    if not (isinstance(out, tuple) and len(out) == 2):
        raise CheckFailed("dropout_forward must return a pair (out, mask).")
    dout = rng.standard_normal(checks.as_array("out", out[0]).shape)
    _fd_check(f"dX {label}", bwd(dout, out[1], p),
              lambda v: np.sum(fwd(v, p, True, np.random.default_rng(seed))[0] * dout), X.copy(), rng, SAMPLE)


CHECKS = {"conv2d_forward": _check_conv, "max_pool2d": _check_pool, "batch_norm": _check_bn, "relu": _check_elementwise,
          "sigmoid": _check_elementwise, "tanh": _check_elementwise, "softmax_cross_entropy": _check_ce,
          "dropout_forward": _check_dropout}
SETTINGS = {"conv2d_forward": (3, 4), "max_pool2d": (1, 2), "batch_norm": (5, 6), "dropout_forward": (1, 2)}


def _layers(sol, calls) -> list[tuple[str, tuple, dict]]:
    """Each distinct use of a layer whose own backward the model also calls, in forward order:
    (forward name, its arguments in the starter's order, the settings to show)."""
    called = {name for name, _, _ in calls}
    seen, layers = set(), []
    for name, args, kwargs in calls:
        if name not in LAYERS or LAYERS[name] not in called:
            continue
        bound = _bound(sol, name, args, kwargs)
        if bound is None:
            continue
        values = bound.args
        params = list(bound.signature.parameters)
        config = {params[i]: values[i] for i in SETTINGS.get(name, ()) if i < len(values)}
        key = (name, tuple(np.shape(v) for v in values if isinstance(v, np.ndarray)), repr(config))
        if key not in seen:
            seen.add(key)
            layers.append((name, values, config))
    return layers


@cases("gradients: each of your layers, in your model's forward order, agrees with finite differences",
       part="gradients", kind="property", timeout=120)
def _(sol, rng):
    st = _state(sol)
    _, _, _, calls, _, _ = _recorded(sol, rng)
    layers = _layers(sol, calls)
    if not layers:
        raise CheckFailed("loss_and_grads calls none of your layers' backward functions (conv2d_backward, "
                          "max_pool2d_backward, batch_norm_backward, relu_grad, …): compute the gradients with them.")
    done = []
    with _own_errors():
        for position, (name, args, config) in enumerate(layers, 1):
            backward = LAYERS[name]
            ex_id = own.exercise_of(backward).id
            try:
                CHECKS[name](sol.own_function(name), sol.own_function(backward), tuple(args), rng,
                             f"(layer {position})")
            except CheckFailed as exc:
                st["wrong_layer"] = (backward, ex_id)
                raise CheckFailed(
                    f"the first of your layers whose gradient is wrong, in forward order: {backward} (your {ex_id}), "
                    f"as your model's layer {position} uses it — {_describe(name, args, config)}, with random inputs "
                    f"of those shapes:\n{exc.message}",
                    (exc.hint + "\n" if exc.hint else "") + f"fix it in your {ex_id} (`studykit grade {ex_id}`); "
                    "every gradient before this layer in the backward pass is wrong with it, so training cannot "
                    "work.") from None
            done.append(f"{position}. {_describe(name, args, config)} → {backward}")
    st["layers_ok"] = True
    return "checked against your own forwards, at the shapes your model uses:\n" + "\n".join(done)


# ------------------------------------------------------------------------------------- 3. the whole model


def _factor(got: np.ndarray, numeric: np.ndarray) -> float | None:
    """k when got ≈ k · numeric at every checked entry (k ≠ 1), else None."""
    mask = np.abs(numeric) > 1e-6
    if mask.sum() < 2:
        return None
    ratios = got[mask] / numeric[mask]
    k = float(np.median(ratios))
    if abs(k - 1) < 1e-3 or not np.allclose(ratios, k, rtol=1e-3):
        return None
    return k


def _model_hint(st, key: str, got: np.ndarray, numeric: np.ndarray,
                values: np.ndarray | None = None) -> str | None:
    lines = []
    k = _factor(got, numeric)
    lam = _weight_decay(got, numeric, values) if values is not None else None
    if lam is not None:
        lines.append(f"grads[{key!r}] = the gradient of your loss + {lam:.3g}·model[{key!r}]: weight decay is in grads "
                     "but not in the loss loss_and_grads returns. Weight decay belongs in the update, in train "
                     "(p -= lr·(g + λ·p)): loss_and_grads' grads must be the gradient of the loss it returns.")
    elif k is not None and abs(k + 1) < 1e-3:
        lines.append(f"grads[{key!r}] is the right gradient with the sign flipped.")
    elif k is not None and abs(k) > 1e-9:
        lines.append(f"grads[{key!r}] is {k:.4g} × the right gradient at every entry checked: a factor that does not "
                     f"belong (the loss is a MEAN over the batch, and softmax_cross_entropy's dZ already has the 1/N).")
    elif not np.any(got) and np.any(np.abs(numeric) > 1e-6):
        lines.append(f"grads[{key!r}] is zero, but your loss changes with model[{key!r}]: the gradient never "
                     "reaches it.")
    if "wrong_layer" in st:
        backward, ex_id = st["wrong_layer"]
        lines.append(f"the first of your layers whose gradient is wrong is {backward} (your {ex_id}, above): fix it "
                     "first — every gradient before it in the backward pass is wrong with it.")
    elif st.get("layers_ok"):
        lines.append("each of your layers agrees with finite differences on its own (the check above), so the mistake "
                     "is in how loss_and_grads chains them: each backward takes the gradient of ITS output and the "
                     "same inputs its forward got (the layer's input, not its output), with the same stride/padding/"
                     "size; relu_grad is evaluated at the ReLU's input; the gradient is reshaped back to the shape "
                     "of the layer's output.")
    return " ".join(lines) or None


@cases("gradients: loss_and_grads agrees with finite differences of its own loss", part="gradients", kind="property",
       timeout=120)
def _(sol, rng):
    st = _state(sol)
    model, X, y, _, out, _ = _recorded(sol, rng)
    step = checks.need(sol, "loss_and_grads")
    if not (isinstance(out, tuple) and len(out) == 2):
        raise CheckFailed(f"loss_and_grads must return a pair (loss, grads), got {type(out).__name__}.")
    checks.as_float("loss", out[0])
    grads = out[1]
    if not isinstance(grads, dict) or not grads:
        raise CheckFailed("grads must be a dict: parameter name → gradient, one for each trainable array of the model.")
    for key, grad in grads.items():
        if key not in model:
            raise CheckFailed(f"grads has a key {key!r} that the model from init_model does not have "
                              f"(its keys: {', '.join(map(repr, model))}).")
        checks.check_shape(f"grads[{key!r}]", checks.as_array(f"grads[{key!r}]", grad), np.shape(model[key]),
                           f"a gradient has the shape of its parameter, model[{key!r}].")
    with _own_errors():
        for key in [k for k in model if k in grads]:
            x = np.array(model[key], dtype=np.float64, copy=True)

            def loss(v, key=key):
                trial = _copy(model)
                trial[key] = v
                return _scalar("loss", step(trial, X.copy(), y.copy())[0])

            try:
                _fd_check(f"grads[{key!r}]", grads[key], loss, x, rng, SAMPLE_MODEL)
            except CheckFailed as exc:
                st["model_wrong"] = True
                got, numeric, values = _sampled(grads[key], loss, x)
                raise CheckFailed(exc.message + f" (finite differences of your loss_and_grads' loss, {TINY} images)",
                                  _model_hint(st, key, got, numeric, values)) from None
    st["model_ok"] = True
    names = ", ".join(k for k in model if k in grads)
    return (f"grads of {names} agree with finite differences of your loss ({TINY} images, up to {SAMPLE_MODEL} "
            "entries each).")


def _sampled(grad, f, x):
    """The learner's gradient and the numerical one at a few entries (for the factor hint)."""
    grad = np.asarray(grad, dtype=np.float64)
    picks = np.random.default_rng(0).choice(x.size, min(x.size, 8), replace=False)
    got, numeric, values = [], [], []
    for flat in picks:
        index = tuple(int(i) for i in np.unravel_index(int(flat), x.shape))
        got.append(grad[index])
        values.append(x[index])
        numeric.append(central_difference(f, x, index, 1e-5))
    return np.array(got), np.array(numeric), np.array(values)


def _weight_decay(got: np.ndarray, numeric: np.ndarray, values: np.ndarray) -> float | None:
    """λ > 0 when got = numeric + λ·parameter at every checked entry: weight decay added to grads, not to the loss."""
    mask = np.abs(values) > 1e-6
    if mask.sum() < 2:
        return None
    ratios = (got[mask] - numeric[mask]) / values[mask]
    lam = float(np.median(ratios))
    if not lam > 1e-8 or not np.allclose(ratios, lam, rtol=1e-3, atol=1e-9):
        return None
    return lam
