"""Checks for ex16, the degradation experiment: a deep plain network and a residual network of the same depth,
built from the learner's own layers (own.load, as ex13 does), trained by the grader on the shipped digits with the
same batches and the same optimizer; the plain network's training loss must end clearly above the residual one's.

In order: the learner's earlier layers pass their own exercises' checks (ex13's machinery); each layer's backward,
the residual block's included, agrees with finite differences of the learner's own forward at the shapes the
networks use; plain_block_backward agrees with plain_block; loss_and_grads agrees with its own loss; training.
"""

from __future__ import annotations

import time
from functools import lru_cache

import numpy as np

from studykit.grading import checks, own
from studykit.grading.cases import CaseList, CheckFailed
from studykit.grading.suites.ex13 import common as ex13, gradients as ex13_gradients, layers as ex13_layers
from studykit.reference.optim import sgd_step

cases = CaseList()

STEPS = 60  # SGD steps per network
BATCH = 32
LEARNING_RATE = 0.02
MOMENTUM = 0.9
EVAL_IMAGES = 359  # the fixed training images the final losses are measured on (training-mode BN)
RECORD_EVERY = 6  # a point of the curve every this many steps (the mean loss of those batches)
GAP = 1.5  # the plain network's final training loss must be at least GAP × the residual one's (min 2.56 seen)
TRAINED = 0.8  # each network's final loss must be below TRAINED × its loss before training
REQUIRED = ("conv2d_forward", "conv2d_backward", "softmax_cross_entropy", "residual_block", "residual_block_backward")
SAMPLE_MODEL = 4  # entries per checked parameter array in the whole network's finite differences
TINY = 3


_STATE: dict[int, dict] = {}  # per learner module, as ex13 keeps it


def _state(sol) -> dict:
    return _STATE.setdefault(id(sol), {"module": sol})  # the module is kept, so its id is never reused


@lru_cache(maxsize=1)
def _digits():
    from studykit.data import load_digits

    return load_digits()


def _tiny(rng):
    X_all, y_all, _, _ = _digits()
    pick = np.random.default_rng(rng.integers(2**32)).choice(len(X_all), TINY, replace=False)
    X = X_all[pick] + np.random.default_rng(rng.integers(2**32)).normal(0, 0.01, X_all[pick].shape)
    return X, y_all[pick].copy()


def _network(sol, seed, residual):
    net = checks.need(sol, "init_network")(np.random.default_rng(seed), residual)
    if not isinstance(net, dict) or not all(isinstance(v, np.ndarray) for v in net.values()):
        raise CheckFailed("init_network must return a dict of numpy arrays (name → parameter).")
    return net


def _recorded(sol, rng):
    """One loss_and_grads of each network on a tiny batch, every call of the learner's own functions recorded."""
    st = _state(sol)
    if "recorded" not in st:
        step = checks.need(sol, "loss_and_grads")
        X, y = _tiny(rng)
        seed = int(rng.integers(2**31))
        runs = {}
        with ex13._own_errors():
            for residual in (False, True):
                net = _network(sol, seed, residual)
                out, reply = step.call((ex13._copy(net), X.copy(), y.copy(), residual), {}, record_own=True)
                runs[residual] = (net, ex13._calls(reply), out)
        st["recorded"] = (X, y, runs)
    return st["recorded"]


@cases("your layers: what your networks use from ex03–ex12 passes those exercises' checks", part="layers",
       timeout=120)
def _(sol, rng):
    try:
        _, _, runs = _recorded(sol, rng)
        used = list(dict.fromkeys(name for run in runs.values() for name, _, _ in run[1]))
        ran = True
    except Exception:  # noqa: BLE001 — ex16's own code is not ready: check everything it loads
        used, ran = [], False
    requested = ex13._requested(sol)
    if not requested:
        raise CheckFailed("your file loads none of your earlier layers: ex16 builds both networks from YOUR layers "
                          "and YOUR residual block — load them with own.load(...) as the starter's first lines do.")
    if not ran:
        used = list(requested)
    if own.workspace() is None:
        raise CheckFailed(own.no_workspace_message())
    by_exercise: dict[str, list[str]] = {}
    for name in used:
        by_exercise.setdefault(own.exercise_of(name).id, []).append(name)
    seed = int(rng.integers(2**31))
    problems = [(ex_id, p) for ex_id in sorted(by_exercise)
                if (p := ex13_layers._unfinished(sol, ex_id, by_exercise[ex_id], seed)) is not None]
    if problems:
        (_, (message, hint)), others = problems[0], [p[0] for p in problems[1:]]
        raise CheckFailed(message.replace("ex13 trains", "ex16 trains") +
                          (f"\nnot finished either: {', '.join(others)}." if others else ""), hint)
    if ran:
        missing = [name for name in REQUIRED if name not in used]
        if missing:
            raise CheckFailed(f"your networks do not use your {', '.join(missing)}: the residual network is built from "
                              "your ex12 residual_block and trained with your residual_block_backward; both networks "
                              "use your conv2d_forward/backward and softmax_cross_entropy.")
    where = ", ".join(f"{ex_id} ({', '.join(names)})" for ex_id, names in sorted(by_exercise.items()))
    return f"yours from {where}: each passes its exercise's checks."


def _check_block(fwd, bwd, args, rng, label, needs_stride=True, name="residual_block_backward"):
    """A block's backward (dX and every parameter but b1, b2) against central differences of its forward."""
    X, params = np.asarray(args[0]), dict(args[1])
    stride = args[2] if needs_stride and len(args) > 2 else None
    X = rng.standard_normal(X.shape)
    p = {k: (rng.uniform(0.5, 1.5, v.shape) if k.startswith("gamma") else rng.standard_normal(v.shape) * 0.4)
         for k, v in params.items()}
    extra = () if stride is None else (stride,)
    dout = rng.standard_normal(checks.as_array("the block's output", fwd(X, p, *extra)).shape)
    got = bwd(dout, X, p, *extra)
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)):
        raise CheckFailed(f"{name} must return (dX, grads), grads a dict keyed like params.")
    ex13._fd_check(f"dX {label}", got[0], lambda v: np.sum(fwd(v, p, *extra) * dout), X.copy(), rng, ex13.SAMPLE)
    for key in p:
        if key in ("b1", "b2"):
            continue  # before training-mode BN: no effect, gradient 0 up to rounding (ex12's README)
        if key not in got[1]:
            raise CheckFailed(f"{name}: grads has no {key!r}.")
        ex13._fd_check(f"grads[{key!r}] {label}", got[1][key],
                       lambda v, key=key: np.sum(fwd(X, {**p, key: v}, *extra) * dout), p[key].copy(), rng, ex13.SAMPLE)


@cases("gradients: each of your layers, in your networks' forward order, agrees with finite differences",
       part="gradients", kind="property", timeout=180)
def _(sol, rng):
    _, _, runs = _recorded(sol, rng)
    calls = runs[False][1] + runs[True][1]
    layers = ex13_gradients._layers(sol, calls)
    seen = set()
    for name, args, _kwargs in runs[True][1]:  # the residual blocks: one check per distinct shape
        if name == "residual_block":
            key = tuple(np.shape(args[0]))
            if key not in seen:
                seen.add(key)
                layers.append(("residual_block", args, {}))
    if not any(name == "residual_block" for name, _, _ in layers):
        raise CheckFailed("your residual network never calls your residual_block (ex12): build its blocks with it.")
    done = []
    with ex13._own_errors():
        for position, (name, args, config) in enumerate(layers, 1):
            backward = "residual_block_backward" if name == "residual_block" else ex13.LAYERS[name]
            ex_id = own.exercise_of(backward).id
            try:
                if name == "residual_block":
                    _check_block(sol.own_function(name), sol.own_function(backward), tuple(args), rng,
                                 f"(layer {position})")
                else:
                    ex13_gradients.CHECKS[name](sol.own_function(name), sol.own_function(backward), tuple(args), rng,
                                                f"(layer {position})")
            except CheckFailed as exc:
                raise CheckFailed(
                    f"the first of your layers whose gradient is wrong: {backward} (your {ex_id}), as your networks "
                    f"use it — {ex13_gradients._describe(name, args, config)}, with random inputs of those shapes:\n"
                    f"{exc.message}",
                    (exc.hint + "\n" if exc.hint else "") + f"fix it in your {ex_id} (`studykit grade {ex_id}`)."
                ) from None
            done.append(f"{position}. {ex13_gradients._describe(name, args, config)} → {backward}")
    return "checked against your own forwards:\n" + "\n".join(done)


@cases("gradients: plain_block_backward agrees with finite differences of plain_block", part="gradients",
       kind="property", timeout=120)
def _(sol, rng):
    fwd, bwd = checks.need(sol, "plain_block"), checks.need(sol, "plain_block_backward")
    c = 3
    params = {"W1": np.zeros((c, c, 3, 3)), "b1": np.zeros(c), "gamma1": np.ones(c), "beta1": np.zeros(c),
              "W2": np.zeros((c, c, 3, 3)), "b2": np.zeros(c), "gamma2": np.ones(c), "beta2": np.zeros(c)}
    with ex13._own_errors():
        _check_block(fwd, bwd, (np.zeros((2, c, 4, 4)), params), rng, "(plain block, X (2, 3, 4, 4))",
                     needs_stride=False, name="plain_block_backward")
    return "dX and every parameter's gradient (b1, b2 apart) agree with central differences of your plain_block."


@cases("gradients: loss_and_grads agrees with finite differences of its own loss (both networks)",
       part="gradients", kind="property", timeout=180)
def _(sol, rng):
    X, y, runs = _recorded(sol, rng)
    step = checks.need(sol, "loss_and_grads")
    done = []
    with ex13._own_errors():
        for residual in (False, True):
            net, _, out = runs[residual]
            which = "residual" if residual else "plain"
            if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict)):
                raise CheckFailed("loss_and_grads must return (loss, grads), grads a dict keyed like the network.")
            grads = out[1]
            missing = [k for k in net if k not in grads]
            if missing:
                raise CheckFailed(f"the {which} network's grads has no {', '.join(missing[:5])}"
                                  f"{' …' if len(missing) > 5 else ''}.")
            weights = [k for k in net if k.startswith("W")]
            picked = [weights[0], weights[len(weights) // 2], weights[-1]]
            picked += [k for k in net if k.startswith("gamma")][-1:]
            for key in dict.fromkeys(picked):
                def f(v, key=key, net=net, residual=residual):
                    return ex13._scalar("loss", step({**ex13._copy(net), key: v}, X.copy(), y.copy(), residual)[0])

                ex13._fd_check(f"the {which} network's grads[{key!r}]", grads[key], f, net[key].copy(), rng,
                               SAMPLE_MODEL)
            done.append(f"{which}: {', '.join(dict.fromkeys(picked))}")
    return "checked against your own loss: " + "; ".join(done)


def _train(sol, rng) -> dict:
    """Both networks trained by the grader: the same initial seed, the same batches, the same optimizer."""
    step = checks.need(sol, "loss_and_grads")
    X, y, _, _ = _digits()
    seed = int(rng.integers(2**31))
    batches = np.random.default_rng([seed, 1])
    order = [batches.choice(len(X), BATCH, replace=False) for _ in range(STEPS)]
    held = np.sort(np.random.default_rng(0).permutation(len(X))[:EVAL_IMAGES])
    runs = {}
    with ex13._own_errors():
        for residual in (False, True):
            net = _network(sol, seed, residual)
            before = ex13._scalar("loss", step(ex13._copy(net), X[held], y[held], residual)[0])
            state: dict = {}
            losses, curve, started = [], [], time.process_time()
            for batch in order:
                loss, grads = step(net, X[batch], y[batch], residual)
                losses.append(ex13._scalar("loss", loss))
                net, state = sgd_step(net, {k: np.asarray(grads[k]) for k in net}, state, lr=LEARNING_RATE,
                                      momentum=MOMENTUM)
                if len(losses) % RECORD_EVERY == 0:
                    curve.append(float(np.mean(losses[-RECORD_EVERY:])))
            after = ex13._scalar("loss", step(ex13._copy(net), X[held], y[held], residual)[0])
            runs["residual" if residual else "plain"] = {"before": before, "after": after, "curve": curve,
                                                         "cpu_seconds": round(time.process_time() - started, 2)}
    return runs


def _chart(runs) -> str:
    top = max(max(r["curve"]) for r in runs.values() if r["curve"]) or 1.0
    lines = [f"mean training loss of every {RECORD_EVERY} steps (batch {BATCH}):",
             f"  {'step':>4}  {'plain':<26}  residual"]
    from studykit.grading.curve import bar

    for i, (p, r) in enumerate(zip(runs["plain"]["curve"], runs["residual"]["curve"], strict=True)):
        lines.append(f"  {(i + 1) * RECORD_EVERY:>4}  {bar(p / top, 18)} {p:6.3f}  {bar(r / top, 18)} {r:6.3f}")
    return "\n".join(lines)


@cases("training: both networks train, and the plain one's training loss stays higher", part="training",
       timeout=600)
def _(sol, rng):
    runs = _train(sol, rng)
    plain, res = runs["plain"], runs["residual"]
    depth = "both 14 weight layers deep"
    numbers = {"degradation": runs, "gap_required": GAP, "record_every": RECORD_EVERY, "steps": STEPS}
    chart = _chart(runs)
    summary = (f"after {STEPS} steps, loss on {EVAL_IMAGES} training images: plain {plain['before']:.3f} → "
               f"{plain['after']:.3f}, residual {res['before']:.3f} → {res['after']:.3f} ({depth})")
    for name, run in runs.items():
        if not np.isfinite(run["after"]):
            raise CheckFailed(f"{summary}: the {name} network's loss became {run['after']}.\n{chart}",
                              "a wrong gradient or a parameter the update cannot reach (check grads' keys).", numbers)
        if not run["after"] < TRAINED * run["before"]:
            raise CheckFailed(f"{summary}: the {name} network did not train (its loss must fall below "
                              f"{TRAINED:g}× where it started).\n{chart}",
                              "is every parameter in grads, with the gradient of the loss you return?", numbers)
    if not plain["after"] >= GAP * res["after"]:
        raise CheckFailed(f"{summary}: the plain network's loss should stay at least {GAP:g}× the residual one's — "
                          f"it is {plain['after'] / res['after']:.2f}×.\n{chart}",
                          "are both networks built as the README says (6 blocks of two 3×3 convolutions, identity "
                          "shortcuts only in the residual one), and does the plain block end in a ReLU with no skip?",
                          numbers)
    return {"message": f"{summary}: plain/residual = {plain['after'] / res['after']:.2f} "
                       f"(required ≥ {GAP:g}).\n{chart}", "data": numbers}
