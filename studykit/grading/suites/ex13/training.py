"""ex13 cases 4–6 and the predict check: the learner's train() in their process (its on_epoch records the models),
the models evaluated here; the loss must fall and the test accuracy reach the target; predict in evaluation mode."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from studykit.grading import checks, own, protocol
from studykit.grading.cases import CheckFailed
from studykit.grading.suites.ex13.common import (
    BUDGET_VARIABLE,
    EVALUATED_EPOCHS,
    LEARNER,
    LOSS_FALLS_TO,
    TARGET,
    TRAIN_SECONDS,
    TRAIN_WALL_LIMIT,
    _copy,
    _digits,
    _eval_subset,
    _own_errors,
    _scalar,
    _state,
    cases,
)

# ---------------------------------------------------------------------------------------------- 4. training


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
    """Runs the learner's train() once in their process and evaluates the models it reported; returns the run (kept
    for case 5).

    The learner's process keeps a copy of the model at each on_epoch(model) with the CPU seconds used so far, and
    stops training once it used the budget (a layer call past it stops it too); the grader then evaluates up to
    EVALUATED_EPOCHS of those models, spread evenly, always the last one within the budget — the one graded.
    Evaluations are separate calls, so they are not counted in the training's CPU time."""
    st = _state(sol)
    budget = _budget()
    init, step, predict, train = (checks.need(sol, n) for n in LEARNER)
    X_train, y_train, X_test, y_test = _digits()
    subset = _eval_subset()
    curve = {"epochs": [], "cpu_seconds": [], "train_loss": [], "train_accuracy": [], "test_accuracy": [],
             "train_images": len(subset), "test_images": len(X_test), "budget_seconds": budget,
             "target_accuracy": TARGET, "stopped": False}
    run: dict[str, Any] = {"curve": curve, "last_model": None, "first_model": None, "seconds": 0.0, "per_function": {},
           "returned": False}
    st["training"] = run

    def evaluate(model, epoch, seconds):
        loss, train_acc = _evaluate(predict, model, X_train[subset], y_train[subset], "training images")
        _, test_acc = _evaluate(predict, model, X_test, y_test, "test images")
        for key, value in (("epochs", epoch), ("cpu_seconds", round(seconds, 3)), ("train_loss", loss),
                           ("train_accuracy", train_acc), ("test_accuracy", test_acc)):
            curve[key].append(value)
        run["last_model"] = model

    with _own_errors():
        evaluate(_copy(init(np.random.default_rng(rng.integers(2**32)))), 0, 0.0)
        arguments = (X_train.copy(), y_train.copy(), np.random.default_rng(rng.integers(2**32)),
                     protocol.EpochRecorder(budget))
        final, reply = train.call(arguments, {}, time_own=True)  # type: ignore[attr-defined]  # a RemoteFunction
        seconds = reply.get("process_seconds")
        run["seconds"] = float(seconds) if isinstance(seconds, float) else 0.0
        spent = reply.get("own_seconds")
        run["per_function"] = {str(k): float(v) for k, v in spent.items() if isinstance(v, float)} \
            if isinstance(spent, dict) else {}
        epochs = [e for e in reply.get("epochs") or [] if isinstance(e, list) and len(e) == 3]
        run["epochs"] = max((int(e[0]) for e in epochs), default=0)
        run["returned"] = not reply.get("stopped")
        curve["stopped"] = bool(reply.get("stopped")) or run["seconds"] > budget
        if epochs:
            run["first_model"] = _copy(epochs[0][2])
        if run["returned"] and final is None:
            raise CheckFailed("train returned None: return the trained model (the dict init_model made, updated).")
        shown = epochs if len(epochs) <= EVALUATED_EPOCHS else \
            [epochs[round(i * (len(epochs) - 1) / (EVALUATED_EPOCHS - 1))] for i in range(EVALUATED_EPOCHS)]
        for number, at, model in shown:
            evaluate(_copy(model), int(number), float(at))
        if run["returned"] and not curve["stopped"]:
            final = _copy(final)
            if not epochs or not _same(final, epochs[-1][2]):
                evaluate(final, None, run["seconds"])  # trained on after the last on_epoch (or never called it)
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
        raise CheckFailed(f"train used {run['seconds']:.0f} s of CPU before its first call of on_epoch(model), more "
                          "than "
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
    message = f"{_num(first)} before training → {_num(last)} after {run['epochs']} epochs ({where})."
    return {"message": message, "data": data}


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


@cases("predict: evaluation mode — each image's logits do not depend on the rest of the batch", part="predict",
       kind="property", timeout=60)
def _(sol, rng):
    init, predict = checks.need(sol, "init_model"), checks.need(sol, "predict")
    X_all, _, _, _ = _digits()
    X = X_all[np.random.default_rng(rng.integers(2**32)).choice(len(X_all), 6, replace=False)]
    with _own_errors():
        model = _copy(init(np.random.default_rng(rng.integers(2**32))))
        whole = checks.as_array("predict(model, X)", predict(_copy(model), X.copy())).astype(np.float64)
        if whole.shape != (len(X), 10):
            raise CheckFailed(f"predict(model, X) on {len(X)} images: shape {whole.shape}, expected ({len(X)}, 10).")
        again = checks.as_array("predict(model, X)", predict(_copy(model), X.copy())).astype(np.float64)
        alone = [checks.as_array("predict(model, X[i:i+1])", predict(_copy(model), X[i:i + 1].copy()))
                 for i in range(2)]
        reversed_ = checks.as_array("predict(model, X[::-1])", predict(_copy(model), X[::-1].copy()))[::-1]
    if not np.allclose(whole, again, rtol=1e-9, atol=1e-12):
        raise CheckFailed("predict gave different logits for the same images twice: in evaluation mode predict is "
                          "deterministic — no dropout (dropout_forward with train=False is the identity).")
    for i, one in enumerate(alone):
        if one.shape != (1, 10) or not np.allclose(one[0], whole[i], rtol=1e-6, atol=1e-9):
            raise CheckFailed(
                f"predict: image {i}'s logits alone (a batch of 1) differ from its logits in a batch of {len(X)}: "
                "predict uses statistics of the batch. In evaluation mode batch_norm normalizes with the MOVING mean "
                "and variance kept in the model (train=False), so each image's prediction is its own.")
    if not np.allclose(reversed_, whole, rtol=1e-6, atol=1e-9):
        raise CheckFailed("predict: the logits of an image change when the other images of the batch are reordered: "
                          "predict must treat each image on its own (batch_norm with train=False).")
    return f"each image's logits are its own (alone, in a batch of {len(X)}, reordered)."
