"""Checks for ex13, the capstone: a small CNN built from the learner's own layers (loaded with `own.load` from their
workspace's ex02–ex12), trained on the 8×8 handwritten digits shipped with studykit.

In order:
1. layers — every function of an earlier exercise that the model uses passes that exercise's own checks (run here,
   on the learner's file), else "finish exNN first";
2. gradients, layer by layer in the model's forward order — each backward against central finite differences of the
   learner's own forward, at the shapes and settings the model calls it with (on a tiny batch): the first wrong one
   is named;
3. gradients of the whole model — loss_and_grads against finite differences of its own loss: the chaining, which is
   ex13's own code;
4. and 5. training — the learner's train() on the 1,438 training images, at most 90 s of CPU (the grader's
   evaluations after each epoch are not counted): the loss on the training set falls to half or less, and the
   accuracy on the 359 test images reaches 95 %. The curve of every epoch goes to the report and to --json.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import time
import traceback
from functools import lru_cache
from pathlib import Path

import numpy as np

from studykit.grading import checks, own
from studykit.grading.cases import CaseList, CheckFailed
from studykit.grading.gradcheck import central_difference

cases = CaseList()

TRAIN_SECONDS = 90.0  # CPU seconds the learner's training may use
# tests and benches may shorten it (the report always says which budget applied)
BUDGET_VARIABLE = "STUDYKIT_EX13_TRAIN_SECONDS"
TRAIN_WALL_LIMIT = 200.0  # wall-clock backstop of the training case (a train() that calls neither a layer nor on_epoch)
TARGET = 0.95
LOSS_FALLS_TO = 0.5  # the final training loss must be at most this fraction of the loss before training
EVAL_TRAIN_IMAGES = 359  # a fixed subset of the training images, as many as the test images
EVAL_SHARE = 0.1  # the evaluations after epochs may take this share of the training budget (the last one apart)
TINY = 3  # images in the tiny batch of the gradient checks
SAMPLE = 64  # entries checked per array in a layer's finite differences (all of them when there are fewer)
SAMPLE_MODEL = 16  # entries per parameter array in the whole model's finite differences
RTOL, ATOL = 1e-5, 1e-8  # an entry agrees when |yours − numerical| ≤ ATOL + RTOL·(|yours| + |numerical|)
REQUIRED = ("conv2d_forward", "conv2d_backward", "softmax_cross_entropy")
LEARNER = ("init_model", "loss_and_grads", "predict", "train")

# a forward → the backward the learner's model pairs it with (CHECKS says how each pair is checked); softmax (ex02) has
# no backward and is checked only by ex02's own suite
LAYERS = {
    "conv2d_forward": "conv2d_backward",
    "max_pool2d": "max_pool2d_backward",
    "batch_norm": "batch_norm_backward",
    "relu": "relu_grad",
    "sigmoid": "sigmoid_grad",
    "tanh": "tanh_grad",
    "dropout_forward": "dropout_backward",
    "softmax_cross_entropy": "softmax_cross_entropy",
}

_STATE: dict[int, dict] = {}  # per learner module (the in-process tests grade several in one process)


def _state(sol) -> dict:
    return _STATE.setdefault(id(sol), {"module": sol})  # the module is kept, so its id is never reused


@lru_cache(maxsize=1)
def _digits():
    from studykit.data import load_digits

    return load_digits()


def _eval_subset() -> np.ndarray:
    X, _, _, _ = _digits()
    return np.sort(np.random.default_rng(0).permutation(len(X))[:EVAL_TRAIN_IMAGES])


def _copy(model):
    if not isinstance(model, dict):
        raise CheckFailed("the model must be a dict of numpy arrays (init_model returns it), "
                          f"got {type(model).__name__}.")
    return {k: (np.array(v, copy=True) if isinstance(v, np.ndarray) else v) for k, v in model.items()}


def _own_frame(exc: BaseException) -> tuple[str, str] | None:
    """(exercise id, function name) of the deepest frame of `exc` in one of the learner's earlier files."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        ex_id = own.exercise_of_file(frame.filename)
        if ex_id is not None:
            found = (ex_id, frame.name)
    return found


@contextlib.contextmanager
def _own_errors():
    """An earlier exercise that cannot be loaded, or is still a starter, as a failure that names it."""
    try:
        yield
    except own.OwnCodeError as exc:
        raise CheckFailed(exc.message) from None
    except NotImplementedError as exc:
        where = _own_frame(exc)
        if where is None:
            raise
        ex_id, name = where
        raise CheckFailed(f"not run: your {name} ({ex_id}) is not implemented yet — finish {ex_id} first "
                          f"(`studykit show {ex_id}`).") from None


def _requested(sol) -> dict[str, str]:
    """Function name → exercise id of every own.load in the learner's file."""
    found = {}
    for value in vars(sol).values():
        tag = getattr(value, "studykit_own", None)
        if isinstance(tag, tuple) and len(tag) == 2:
            found.setdefault(*tag)
    for name, ex_id in own.REQUESTED.items():
        found.setdefault(name, ex_id)
    return found


def _recorded(sol, rng):
    """One training-mode loss_and_grads and one predict on a tiny batch, every call of the learner's own functions
    recorded: (model, X, y, calls of loss_and_grads, its result, calls of predict). Computed once per grade."""
    st = _state(sol)
    if "recorded" not in st:
        init, step, predict = (checks.need(sol, n) for n in ("init_model", "loss_and_grads", "predict"))
        X_all, y_all, _, _ = _digits()
        pick = np.random.default_rng(rng.integers(2**32)).choice(len(X_all), TINY, replace=False)
        # a little noise: no two pixels exactly equal, so no max-pooling window holds a tie (the blank background of
        # the digits does), where a max has no single gradient and routing dout to every tied entry is as good as one
        X = X_all[pick] + np.random.default_rng(rng.integers(2**32)).normal(0, 0.01, X_all[pick].shape)
        y = y_all[pick].copy()
        with _own_errors():
            model = init(np.random.default_rng(rng.integers(2**32)))
            _copy(model)
            with own.recording() as calls:
                out = step(_copy(model), X.copy(), y.copy())
            with own.recording() as predict_calls:
                predict(_copy(model), X.copy())
        st["recorded"] = (model, X, y, list(calls), out, list(predict_calls))
    return st["recorded"]


# ----------------------------------------------------------------------------------------------- 1. your layers


def _tracking(mod, names):
    """A stand-in module for running an earlier suite: like `mod`, but remembers which of `names` were called."""
    from types import ModuleType

    proxy = ModuleType(mod.__name__)
    proxy.__dict__.update(mod.__dict__)
    called: set[str] = set()
    for name in names:
        func = getattr(mod, name, None)
        if callable(func):
            def tracked(*args, _name=name, _func=func, **kwargs):
                called.add(_name)
                return _func(*args, **kwargs)

            setattr(proxy, name, tracked)
    return proxy, called


def _their_traceback(exc: BaseException) -> str:
    mine = own.loaded_files()
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() in mine]
    text = "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)).rstrip()
    return ("Traceback (your code):\n" + text) if frames else text


def _blame(part: str, names: list[str]) -> list[str]:
    """Which of the functions a failing case called it was checking, going by the case's part."""
    if len(names) > 1 and part in ("forward", "backward"):
        backward = [n for n in names if n.endswith(("_backward", "_grad"))]
        chosen = backward if part == "backward" else [n for n in names if n not in backward]
        return chosen or names
    return names


def _unfinished(ex_id: str, names: list[str], seed: int) -> tuple[str, str | None] | None:
    """Why your exercise `ex_id` is not finished for `names` (message, hint), or None when its checks pass."""
    from studykit.catalog import find

    ex = find(ex_id)
    try:
        mod = own.module(ex)
    except own.OwnCodeError as exc:
        return exc.message, None
    for name in names:
        if not callable(getattr(mod, name, None)):
            return (f"finish {ex_id} first: your {ex_id} solution.py defines no function `{name}` (keep the starter's "
                    f"name and signature).", None)
    suite = importlib.import_module(f"studykit.grading.suites.{ex_id}")
    proxy, called = _tracking(mod, names)
    for index, case in enumerate(suite.cases):
        if case.kind == "speed" or not case.scored:
            continue
        called.clear()
        try:
            case.run(proxy, np.random.default_rng([seed, index]))
            continue
        except CheckFailed as exc:
            message, hint = exc.message, exc.hint
        except NotImplementedError as exc:
            where = _own_frame(exc)
            name = where[1] if where else case.name
            return (f"finish {ex_id} first: your {name} is not implemented yet (the starter raises "
                    f"NotImplementedError) — `studykit show {ex_id}`.", None)
        except Exception as exc:  # noqa: BLE001 — the learner's earlier code raising
            message, hint = _their_traceback(exc), None
        used = [n for n in names if n in called]
        if not used:
            continue  # a check of a function the model does not use (ex04's sigmoid when it uses relu)
        blamed = " and ".join(_blame(case.part, used))
        return (f"finish {ex_id} first: your {blamed} does not pass {ex_id}'s check “{case.name}”:\n{message}\n"
                f"(`studykit grade {ex_id}` runs all of {ex_id}'s checks; ex13 trains the layers you wrote there.)",
                hint)
    return None


@cases("your layers: what your model uses from ex02–ex12 passes those exercises' checks", part="layers", timeout=60)
def _(sol, rng):
    try:
        _, _, _, calls, _, predict_calls = _recorded(sol, rng)
        used = list(dict.fromkeys(name for name, _, _ in calls + predict_calls))
        ran = True
    except Exception:  # noqa: BLE001 — the ex13 code itself is not ready: check everything it loads
        used, ran = [], False
    requested = _requested(sol)  # after the run: own.load may be called inside the learner's functions too
    if not requested:
        raise CheckFailed("your file loads none of your earlier layers: ex13 trains a CNN built from YOUR "
                          "conv2d_forward/conv2d_backward (ex09), softmax_cross_entropy (ex03) and the others — load "
                          "them with own.load(...) as the starter's first lines do, instead of writing new ones.")
    if not ran:
        used = list(requested)
    if own.workspace() is None:
        raise CheckFailed(own.no_workspace_message())
    by_exercise: dict[str, list[str]] = {}
    for name in used:
        by_exercise.setdefault(own.exercise_of(name).id, []).append(name)
    seed = int(rng.integers(2**31))
    problems = []
    for ex_id in sorted(by_exercise):
        problem = _unfinished(ex_id, by_exercise[ex_id], seed)
        if problem is not None:
            problems.append((ex_id, problem))
    if problems:
        (_first, (message, hint)), others = problems[0], [p[0] for p in problems[1:]]
        if others:
            message += f"\nnot finished either: {', '.join(others)}."
        raise CheckFailed(message, hint)
    if ran:
        missing = [name for name in REQUIRED if name not in used]
        if missing:
            raise CheckFailed(
                f"your model does not use your {', '.join(missing)}: the capstone's CNN computes its logits with your "
                "conv2d_forward, its loss and dZ with your softmax_cross_entropy, and its gradients with your "
                "conv2d_backward — call them (loaded with own.load) in loss_and_grads.")
    where = ", ".join(f"{ex_id} ({', '.join(names)})" for ex_id, names in sorted(by_exercise.items()))
    return f"yours from {where}: each passes its exercise's checks."


# ------------------------------------------------------------------------------------- finite differences


def _agree(a: float, b: float) -> bool:
    return abs(a - b) <= ATOL + RTOL * (abs(a) + abs(b))




def _fd_check(label: str, got, f, x: np.ndarray, rng, sample: int, hint: str | None = None) -> None:
    """`got` (the learner's gradient of the scalar f at x) against central differences at up to `sample` entries.

    An entry that disagrees is tried again with steps 1e-6 and 1e-4: a step that crosses a kink (ReLU at 0, a tie in a
    max) gives a wrong difference at one step size only; a wrong gradient disagrees at all of them."""
    arr = checks.as_array(label, got)
    checks.check_shape(label, arr, x.shape, hint)
    checks.check_finite(label, arr, hint)
    size = x.size
    picked = range(size) if size <= sample else np.sort(rng.choice(size, sample, replace=False))
    bad, checked = [], 0
    for flat in picked:
        index = tuple(int(i) for i in np.unravel_index(int(flat), x.shape))
        yours = float(arr[index])
        numeric = central_difference(f, x, index, 1e-5)
        checked += 1
        if not np.isfinite(numeric):
            raise CheckFailed(f"{label}: the finite differences of your forward are not finite at index {index} (your "
                              f"forward returned nan or inf near these inputs); fix the forward first.")
        if _agree(yours, numeric) or any(_agree(yours, central_difference(f, x, index, h)) for h in (1e-6, 1e-4)):
            continue
        bad.append((abs(yours - numeric) / max(abs(yours) + abs(numeric), 1e-300), index, yours, numeric))
    if bad:
        worst, index, yours, numeric = max(bad)
        of = f"{len(bad)} of the {checked} entries checked" if checked < size else f"{len(bad)} of {size} entries"
        raise CheckFailed(f"{label}: {of} disagree with central finite differences (relative error up to {worst:.2e}); "
                          f"at index {index} yours = {yours:.8g}, numerical = {numeric:.8g}.", hint)


def _scalar(name: str, value) -> float:
    return checks.as_float(name, value)


# ------------------------------------------------------------------------ 2. each layer, in forward order


def _describe(name: str, args: tuple, config: dict) -> str:
    shapes = ", ".join(str(tuple(np.shape(a))) for a in args if isinstance(a, np.ndarray))
    settings = "".join(f", {k}={v!r}" for k, v in config.items())
    return f"{name}({shapes}{settings})"


def _bound(name: str, args: tuple, kwargs: dict):
    """The call's arguments in the starter's order (positional; names may differ), defaults filled in."""
    try:
        bound = inspect.signature(own.function(name)).bind(*args, **kwargs)
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
    for i, (grad, what) in enumerate(zip(out, ("dX", "dW", "db"), strict=False)):
        params = [X, W, b]

        def f(v, i=i):
            trial = list(params)  # noqa: B023 (called in this iteration)
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
    for i, (grad, what) in enumerate(zip(out, ("dX", "dgamma", "dbeta"), strict=False)):
        params = [X, gamma, beta]

        def f(v, i=i):
            trial = list(params)  # noqa: B023 (called in this iteration)
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
              lambda v: np.sum(fwd(v, p, True, np.random.default_rng(seed))[0] * dout),
              X.copy(), rng, SAMPLE)


CHECKS = {"conv2d_forward": _check_conv, "max_pool2d": _check_pool, "batch_norm": _check_bn, "relu": _check_elementwise,
          "sigmoid": _check_elementwise, "tanh": _check_elementwise, "softmax_cross_entropy": _check_ce,
          "dropout_forward": _check_dropout}
SETTINGS = {"conv2d_forward": (3, 4), "max_pool2d": (1, 2), "batch_norm": (5, 6), "dropout_forward": (1, 2)}


def _layers(calls) -> list[tuple[str, tuple, dict]]:
    """Each distinct use of a layer whose own backward the model also calls, in forward order:
    (forward name, its arguments in the starter's order, the settings to show)."""
    called = {name for name, _, _ in calls}
    seen, layers = set(), []
    for name, args, kwargs in calls:
        if name not in LAYERS or LAYERS[name] not in called:
            continue
        bound = _bound(name, args, kwargs)
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
    layers = _layers(calls)
    if not layers:
        raise CheckFailed("loss_and_grads calls none of your layers' backward functions (conv2d_backward, "
                          "max_pool2d_backward, batch_norm_backward, relu_grad, …): compute the gradients with them.")
    done = []
    with _own_errors():
        for position, (name, args, config) in enumerate(layers, 1):
            backward = LAYERS[name]
            ex_id = own.exercise_of(backward).id
            try:
                CHECKS[name](own.function(name), own.function(backward), tuple(args), rng, f"(layer {position})")
            except CheckFailed as exc:
                st["wrong_layer"] = (backward, ex_id)
                raise CheckFailed(
                    f"the first of your layers whose gradient is wrong, in forward order: {backward} (your {ex_id}), "
                    f"as your model's layer {position} uses it — {_describe(name, args, config)}, with random inputs "
                    f"of those shapes:\n{exc.message}",
                    (exc.hint + "\n" if exc.hint else "")
                    + f"fix it in your {ex_id} (`studykit grade {ex_id}`); every "
                    "gradient before this layer in the backward pass is wrong with it, "
                    "so training cannot work.") from None
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


def _model_hint(st, key: str, got: np.ndarray, numeric: np.ndarray) -> str:
    lines = []
    k = _factor(got, numeric)
    if k is not None and abs(k + 1) < 1e-3:
        lines.append(f"grads[{key!r}] is the right gradient with the sign flipped.")
    elif k is not None and abs(k) > 1e-9:
        lines.append(f"grads[{key!r}] is {k:.4g} × the right gradient at every entry checked: a factor that does not "
                     f"belong (the loss is a MEAN over the batch, and softmax_cross_entropy's dZ already has the 1/N).")
    elif not np.any(got) and np.any(np.abs(numeric) > 1e-6):
        lines.append(f"grads[{key!r}] is zero, but your loss changes with model[{key!r}]: "
                     "the gradient never reaches it.")
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
                got, numeric = _sampled(grads[key], loss, x)
                raise CheckFailed(exc.message + f" (finite differences of your loss_and_grads' loss, {TINY} images)",
                                  _model_hint(st, key, got, numeric)) from None
    st["model_ok"] = True
    names = ", ".join(k for k in model if k in grads)
    return (f"grads of {names} agree with finite differences of your loss "
            f"({TINY} images, up to {SAMPLE_MODEL} entries each).")


def _sampled(grad, f, x):
    """The learner's gradient and the numerical one at a few entries (for the factor hint)."""
    grad = np.asarray(grad, dtype=np.float64)
    picks = np.random.default_rng(0).choice(x.size, min(x.size, 8), replace=False)
    got, numeric = [], []
    for flat in picks:
        index = tuple(int(i) for i in np.unravel_index(int(flat), x.shape))
        got.append(grad[index])
        numeric.append(central_difference(f, x, index, 1e-5))
    return np.array(got), np.array(numeric)


# ---------------------------------------------------------------------------------------------- 4. training


class _OutOfTime(BaseException):
    """Raised in on_epoch once training has used its CPU budget (BaseException: a learner's `except Exception` in the
    loop must not swallow it)."""


def _evaluate(predict, model, X, y, name):
    logits = checks.as_array(f"predict(model, X) on the {name}", predict(model, X.copy()))
    if logits.shape != (len(X), 10):
        hint = ("reshape the logits to (N, 10)." if logits.size == len(X) * 10 else
                "predict returns one row of 10 logits per image.")
        raise CheckFailed(f"predict(model, X) on the {name} ({len(X)} images): shape {logits.shape}, expected "
                          f"({len(X)}, 10).", hint)
    logits = logits.astype(np.float64)
    with np.errstate(all="ignore"):
        if np.all(logits >= 0) and np.allclose(logits.sum(axis=1), 1, rtol=0, atol=1e-6):
            log_p = np.log(np.maximum(logits, 1e-300))  # rows that are already a softmax: probabilities
        else:
            shifted = logits - logits.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = float(-log_p[np.arange(len(y)), y].mean())
    if not np.isfinite(loss):
        loss = float("nan")
    accuracy = float((np.nan_to_num(logits, nan=-np.inf).argmax(axis=1) == y).mean())
    return loss, accuracy


def _budget() -> float:
    try:
        return float(os.environ.get(BUDGET_VARIABLE, TRAIN_SECONDS))
    except ValueError:
        return TRAIN_SECONDS


def _same(a, b) -> bool:
    """Two models (dicts of arrays) with equal keys and equal arrays."""
    return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
            and all(np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a))


def _train(sol, rng) -> dict:
    """Runs the learner's train() once, evaluating the model after its epochs; returns the run (kept for case 5).

    Evaluations are left out of the training's CPU time. Slow layers make them slow too, so they may take at most
    EVAL_SHARE of the budget in all: past that, epochs are copied but not evaluated, and the last one within the budget
    is evaluated at the end — it is always the one graded."""
    st = _state(sol)
    budget = _budget()
    init, step, predict, train = (checks.need(sol, n) for n in LEARNER)
    X_train, y_train, X_test, y_test = _digits()
    subset = _eval_subset()
    curve = {"epochs": [], "cpu_seconds": [], "train_loss": [], "train_accuracy": [], "test_accuracy": [],
             "train_images": len(subset), "test_images": len(X_test), "budget_seconds": budget,
             "target_accuracy": TARGET, "stopped": False}
    run = {"curve": curve, "last_model": None, "first_model": None, "pending": None, "seconds": 0.0,
           "eval_seconds": 0.0, "eval_cost": 0.0, "per_function": {}, "returned": False}
    st["training"] = run

    def evaluate(model, epoch, seconds):
        started = time.process_time()
        with own.untimed():
            loss, train_acc = _evaluate(predict, model, X_train[subset], y_train[subset], "training images")
            _, test_acc = _evaluate(predict, model, X_test, y_test, "test images")
        for key, value in (("epochs", epoch), ("cpu_seconds", round(seconds, 3)), ("train_loss", loss),
                           ("train_accuracy", train_acc), ("test_accuracy", test_acc)):
            curve[key].append(value)
        run["last_model"] = model
        run["pending"] = None
        run["eval_cost"] = time.process_time() - started
        run["eval_seconds"] += run["eval_cost"]

    with _own_errors():
        evaluate(_copy(init(np.random.default_rng(rng.integers(2**32)))), 0, 0.0)
        epochs = [0]
        mark = [time.process_time()]

        def on_epoch(model, *_ignored, **_also_ignored):
            run["seconds"] += time.process_time() - mark[0]
            epochs[0] += 1
            if run["seconds"] > budget:
                curve["stopped"] = True
                raise _OutOfTime()
            copied = _copy(model)
            if run["first_model"] is None:
                run["first_model"] = copied
            run["pending"] = (copied, epochs[0], run["seconds"])
            if run["eval_seconds"] + run["eval_cost"] <= EVAL_SHARE * budget:
                evaluate(*run["pending"])
            mark[0] = time.process_time()
            own.stop_at(mark[0] + budget - run["seconds"], _OutOfTime)

        with own.timing() as per_function:
            # the budget also stops an epoch half-way, at the next call of one of the learner's layers
            own.stop_at(mark[0] + budget, _OutOfTime)
            try:
                final = train(X_train.copy(), y_train.copy(), np.random.default_rng(rng.integers(2**32)), on_epoch)
                run["seconds"] += time.process_time() - mark[0]
                run["returned"] = True
            except _OutOfTime:
                final = None
                if not curve["stopped"]:  # stopped inside an epoch, by a layer call past the deadline
                    run["seconds"] += time.process_time() - mark[0]
                    curve["stopped"] = True
            finally:
                run["per_function"] = dict(per_function)
        run["epochs"] = epochs[0]
        if run["returned"] and final is None:
            raise CheckFailed("train returned None: return the trained model (the dict init_model made, updated).")
        if run["returned"] and run["seconds"] > budget:
            curve["stopped"] = True  # trained on after its last on_epoch, past the budget: that part does not count
        if run["returned"] and not curve["stopped"]:
            final = _copy(final)
            last = run["pending"][0] if run["pending"] else run["last_model"]
            if epochs[0] == 0 or not _same(final, last):
                evaluate(final, None, run["seconds"])  # trained on after the last on_epoch (or never called it)
            elif run["pending"]:
                evaluate(*run["pending"])
        elif run["pending"]:
            evaluate(*run["pending"])  # the last epoch within the budget
    return run


def _timing_note(run) -> str:
    spent = sorted(run["per_function"].items(), key=lambda kv: -kv[1])
    if not spent:
        return ""
    mine = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in spent[:4])
    rest = max(run["seconds"] - sum(s for _, s in spent), 0.0)
    return f"CPU time in your layers: {mine}; the rest (your ex13 code, numpy) {rest:.1f} s."


def _num(x: float) -> str:
    return f"{x:.3f}" if abs(x) < 1e4 else f"{x:.3g}"


def _unchanged(st, run) -> bool:
    """The trainable arrays (the keys of loss_and_grads' grads) are the same after the last epoch as after the first."""
    first, last = run.get("first_model"), run.get("last_model")
    recorded = st.get("recorded")
    grads = recorded[4][1] if recorded and isinstance(recorded[4], tuple) and len(recorded[4]) == 2 else None
    if first is None or last is None or first is last or not isinstance(grads, dict):
        return False
    keys = [k for k in grads if k in first and k in last]
    return bool(keys) and all(np.array_equal(np.asarray(first[k]), np.asarray(last[k])) for k in keys)


def _diagnosis(sol, st, run) -> str:
    """What the numbers say went wrong, each sentence only when they show it."""
    curve = run["curve"]
    notes = []
    if "wrong_layer" in st:
        backward, ex_id = st["wrong_layer"]
        notes.append(f"the first of your layers whose gradient is wrong is {backward} (your {ex_id}; see the gradient "
                     "check above): training follows that wrong gradient — fix it first.")
    elif st.get("model_wrong"):
        notes.append("loss_and_grads' gradients disagree with finite differences of its loss (the check above): "
                     "training follows them — fix them first.")
    if _unchanged(st, run):
        notes.append(f"your parameters ({', '.join(k for k in st['recorded'][4][1])}) are exactly the same after the "
                     "last epoch as after the first: the update never reaches the model. Write it into the dict: "
                     "model[k] = model[k] + v (a local `W = W + v` changes nothing in the model).")
        return " ".join(notes)
    losses = curve["train_loss"]
    last = run.get("last_model")
    if last is not None and np.isfinite(losses[-1]) and losses[-1] > 0.2:
        try:
            X, y, _, _ = _digits()
            subset = _eval_subset()
            with own.untimed():
                batch_loss = _scalar("loss", checks.need(sol, "loss_and_grads")(_copy(last), X[subset].copy(),
                                                                                 y[subset].copy())[0])
        except Exception:  # noqa: BLE001 — only a diagnosis
            batch_loss = None
        if batch_loss is not None and batch_loss < 0.5 * losses[-1]:
            notes.append(f"on the same training images your model's loss is {_num(batch_loss)} in loss_and_grads "
                         f"(training mode, batch statistics) but {_num(losses[-1])} in predict (evaluation mode): "
                         "predict does not compute what training learned. Most often the moving statistics are not "
                         "kept: store the new_moving_mean and new_moving_var that batch_norm returns in the model, "
                         "and normalize with them in predict (train=False).")
    if not notes and len(losses) > 1 and np.isfinite(losses[-1]) and losses[-1] > losses[0]:
        if st.get("layers_ok") and st.get("model_ok"):
            notes.append("the loss rose although your gradients are right: the update moves along the gradient instead "
                         "of against it (p += lr·g), or the learning rate is far too large.")
        else:
            notes.append("the loss rose: a wrong gradient, an update along the gradient instead of against it "
                         "(p += lr·g), or a learning rate far too large.")
    return " ".join(notes)


@cases("training: the loss on the training set falls", part="training", timeout=TRAIN_WALL_LIMIT)
def _(sol, rng):
    st = _state(sol)
    try:
        run = _train(sol, rng)
    except BaseException:
        st["training_failed"] = True
        raise
    curve = run["curve"]
    data = {"curve": curve, "cpu_seconds_in_layers": {k: round(v, 3) for k, v in run["per_function"].items()},
            "training_cpu_seconds": round(run["seconds"], 3)}
    losses = curve["train_loss"]
    first, last = losses[0], losses[-1]
    points = len(losses) - 1
    if points == 0:
        raise CheckFailed(f"train used {run['seconds']:.0f} s of CPU before its first call of on_epoch(model), "
                          "more than "
                          f"the {curve['budget_seconds']:g} s allowed, so no trained model could be graded. Call "
                          "on_epoch(model) at the end of every epoch (the grader stops training at the budget and "
                          "grades the last epoch within it); use fewer channels or vectorize your layers.",
                          _timing_note(run) or None, data)
    where = f"on {curve['train_images']} training images, evaluation mode"
    if not np.isfinite(last):
        bad = next(i for i, v in enumerate(losses) if not np.isfinite(v))
        at = curve["epochs"][bad]
        raise CheckFailed(f"the loss became {last} ({f'first at epoch {at}; ' if at is not None else ''}{where}): "
                          "the updates blew "
                          "up — a learning rate far too large, or a wrong gradient.",
                          _diagnosis(sol, st, run) or None, data)
    if last > LOSS_FALLS_TO * first:
        raise CheckFailed(f"the loss did not fall to half of where it started: {_num(first)} before training → "
                          f"{_num(last)} after {run['epochs']} epochs ({where}).",
                          _diagnosis(sol, st, run) or "train longer, or with a larger learning rate.", data)
    return {"message": f"{_num(first)} before training → {_num(last)} after {run['epochs']} epochs ({where}).",
            "data": data}


@cases("training: test accuracy ≥ 95 % within 90 s of training", part="training")
def _(sol, rng):
    st = _state(sol)
    run = st.get("training")
    if run is None or st.get("training_failed"):
        raise CheckFailed("not run: training did not finish (see the case above).")
    curve = run["curve"]
    accuracy = curve["test_accuracy"][-1]
    n = curve["test_images"]
    right = round(accuracy * n)
    epoch = curve["epochs"][-1]
    after = f"after epoch {epoch}" if epoch is not None else f"after training ({run['epochs']} calls of on_epoch)"
    allowed = curve["budget_seconds"]
    budget = f"{run['seconds']:.1f} s of CPU for training, of {allowed:g} s"
    if curve["stopped"]:
        at = curve["cpu_seconds"][-1]
        budget = (f"training was stopped when it had used its {allowed:g} s of CPU; graded: the last epoch "
                  f"within them, at {at:.1f} s")
    if accuracy >= TARGET:
        return f"{accuracy:.1%} ({right} of {n} test images) {after}; {budget}."
    advice = _diagnosis(sol, st, run)
    if not advice:
        per_epoch = run["seconds"] / max(run["epochs"], 1)
        if curve["stopped"]:
            slowest = max(run["per_function"].items(), key=lambda kv: kv[1], default=None)
            most = (f"; most of it goes to your {slowest[0]} ({slowest[1]:.0f} s in all, "
                    f"`studykit grade {own.exercise_of(slowest[0]).id}` times it against the reference)"
                    if slowest else "")
            advice = (f"an epoch takes {per_epoch:.1f} s of CPU, so {allowed:g} s is too short{most}: vectorize "
                      "your slowest layers, or make the model smaller (fewer channels).")
        elif run["seconds"] < allowed / 2:
            advice = (f"training used only {run['seconds']:.1f} s of the {allowed:g} s: train for more epochs "
                      "(or with a larger learning rate).")
        elif curve["train_accuracy"][-1] >= 0.99:
            advice = ("your model fits the training images but not the test images: fewer epochs, or weight decay "
                      "(add λ·W to the gradient of each kernel in the update).")
        else:
            advice = "more epochs, a larger learning rate or more channels."
    raise CheckFailed(f"{accuracy:.1%} ({right} of {n} test images) {after}, below {TARGET:.0%}; {budget}.", advice)


@cases("summary: test accuracy, and where training spent its CPU", kind="speed", scored=False)
def _(sol, rng):
    run = _state(sol).get("training")
    if run is None or _state(sol).get("training_failed"):
        return "not measured: training did not run."
    curve = run["curve"]
    accuracy, n = curve["test_accuracy"][-1], curve["test_images"]
    epochs = max(run["epochs"], 1)
    if curve["stopped"]:
        graded = curve["epochs"][-1]
        spent = (f"training was stopped at {run['seconds']:.1f} s of CPU, after {run['epochs']} epochs "
                 f"({curve['cpu_seconds'][-1] / max(graded or 1, 1):.2f} s each); graded: epoch {graded}")
    else:
        spent = f"{run['seconds']:.1f} s of CPU for {run['epochs']} epochs ({run['seconds'] / epochs:.2f} s each)"
    return f"test accuracy {accuracy:.1%} ({round(accuracy * n)} of {n}); {spent}. {_timing_note(run)}".rstrip()
