"""ex13's shared parts: the case list, the constants, the learner's state per grade, the digits, the tiny recorded
batch, and the finite-difference check every gradient case uses."""

from __future__ import annotations

import contextlib
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
EVALUATED_EPOCHS = 12  # models evaluated after training, spread evenly over the epochs (the last one always)
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
        raise CheckFailed("the model must be a dict of numpy arrays (init_model returns it), got "
                          f"{type(model).__name__}.")
    return {k: (np.array(v, copy=True) if isinstance(v, np.ndarray) else v) for k, v in model.items()}


def _own_frame(exc: BaseException, sol=None) -> tuple[str, str] | None:
    """(exercise id, function name) of the deepest frame of `exc` (a learner's exception, as data) in one of the
    learner's earlier files."""
    remote = getattr(exc, "remote", None)
    if remote is None:
        return None
    files = {}
    for st in ([_state(sol)] if sol is not None else list(_STATE.values())):
        with contextlib.suppress(Exception):
            files.update({str(Path(path).resolve()): ex for ex, path in st["module"].own_state()[1].items()})
    found = None
    for filename, _, name, _ in remote.frames:
        ex_id = files.get(str(Path(filename).resolve()))
        if ex_id is not None:
            found = (ex_id, name)
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
    """Function name → exercise id of every own.load in the learner's file (asked of the learner's process)."""
    found: dict[str, str] = {}
    for info in sol._session.describe().values():
        tag = info.get("own") if isinstance(info, dict) else None
        if isinstance(tag, list) and len(tag) == 2:
            found.setdefault(str(tag[0]), str(tag[1]))
    for name, ex_id in sol.own_state()[0].items():
        found.setdefault(name, ex_id)
    return found


def _calls(reply: dict) -> list[tuple[str, tuple, dict]]:
    """The calls of the learner's earlier functions a remote call recorded, as (name, args, kwargs)."""
    sent = reply.get("own_calls")
    calls: list = sent if isinstance(sent, list) else []
    return [(str(c[0]), tuple(c[1]), dict(c[2])) for c in calls
            if isinstance(c, list) and len(c) == 3 and isinstance(c[1], list) and isinstance(c[2], dict)]


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
            out, reply = step.call((_copy(model), X.copy(), y.copy()), {}, record_own=True)
            _, predict_reply = predict.call((_copy(model), X.copy()), {}, record_own=True)
        st["recorded"] = (model, X, y, _calls(reply), out, _calls(predict_reply))
    return st["recorded"]


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
