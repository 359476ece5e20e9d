"""Checks for ex12, the residual block and its backward, against the composition of the other references and (the
backward) against finite differences of the learner's own forward."""

from __future__ import annotations

import re

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.grading.gradcheck import numerical_gradient_array
from studykit.reference.activations import relu, relu_grad
from studykit.reference.batchnorm import batch_norm, batch_norm_backward
from studykit.reference.conv import conv2d_backward, conv2d_forward
from studykit.reference.resnet import _forward, residual_block as ref, residual_block_backward as ref_backward

cases = CaseList()


def _params(rng, c_in, c_out, projection):
    p = {
        "W1": rng.standard_normal((c_out, c_in, 3, 3)) * 0.4, "b1": rng.standard_normal(c_out) * 0.1,
        "gamma1": rng.uniform(0.5, 1.5, c_out), "beta1": rng.standard_normal(c_out) * 0.1,
        "W2": rng.standard_normal((c_out, c_out, 3, 3)) * 0.4, "b2": rng.standard_normal(c_out) * 0.1,
        "gamma2": rng.uniform(0.5, 1.5, c_out), "beta2": rng.standard_normal(c_out) * 0.1,
    }
    if projection:
        p["W3"], p["b3"] = rng.standard_normal((c_out, c_in, 1, 1)) * 0.5, rng.standard_normal(c_out) * 0.1
    return p


def _bn(Z, gamma, beta, train=True):
    c = Z.shape[1]
    return batch_norm(Z, gamma, beta, np.zeros(c), np.ones(c), train)[0]


def _variants(X, p, stride):
    def branch(relu_first=False, bn_train=True, stride1=stride, stride2=1):
        out = relu(_bn(conv2d_forward(X, p["W1"], p["b1"], stride1, 1), p["gamma1"], p["beta1"], bn_train))
        out = _bn(conv2d_forward(out, p["W2"], p["b2"], stride2, 1), p["gamma2"], p["beta2"], bn_train)
        return relu(out) if relu_first else out

    short = conv2d_forward(X, p["W3"], p["b3"], stride, 0) if "W3" in p else X
    return {
        "apply the final ReLU AFTER adding the shortcut: relu(F(x) + shortcut(x)), not relu(F(x)) + shortcut(x).":
            lambda: branch(relu_first=True) + short,
        "batch norm here runs in training mode: normalize with the batch statistics, not moving averages.":
            lambda: relu(branch(bn_train=False) + short),
        "you forgot the shortcut: the block outputs relu(F(x) + x).": lambda: relu(branch()),
        "params has W3 and b3: the shortcut is the 1×1 convolution conv(X, W3, b3, stride), not X itself.":
            lambda: relu(branch() + X) if "W3" in p else None,
        "the stride belongs to conv1 (and the shortcut's 1×1 convolution); conv2 always has stride 1.":
            lambda: relu(branch(stride1=1, stride2=stride) + short) if stride != 1 else None,
    }


SHAPE_CLASH = ("the main branch and the shortcut must have the same shape before the addition: conv1 and the "
               "shortcut's 1×1 convolution use the given stride, conv2 always has stride 1, and when params has "
               "W3/b3 the shortcut is conv(X, W3, b3, stride) — not X.")


def _clash_hint(message, X, p, stride):
    """The cause of a broadcast clash between the branches, from the two shapes numpy names: a padded 1×1 shortcut,
    a shortcut without its stride, a missing projection; else SHAPE_CLASH."""
    shapes = {tuple(int(d) for d in m.split(",") if d.strip()) for m in re.findall(r"\(([\d, ]+)\)", message)}
    main = ref(X, p, stride).shape

    def conv_shape(s, pad):
        return conv2d_forward(X, p["W3"], p["b3"], s, pad).shape if "W3" in p else None

    if "W3" in p and main in shapes:
        if conv_shape(stride, 1) in shapes and conv_shape(stride, 1) != main:
            return "the shortcut's 1×1 convolution has padding 0 (a 1×1 kernel needs none): you padded it by 1."
        if stride != 1 and conv_shape(1, 0) in shapes:
            return "the shortcut's 1×1 convolution uses the block's stride too: conv(X, W3, b3, stride, padding=0)."
        if X.shape in shapes and X.shape != main:
            return "params has W3 and b3: the shortcut is the 1×1 convolution conv(X, W3, b3, stride), not X itself."
    return SHAPE_CLASH


def _check(sol, X, p, stride, positional=False):
    func = checks.need_as_starter(sol, "residual_block", "ex12")
    with checks.unchanged("residual_block", X=X, **{f'params["{k}"]': v for k, v in p.items()}):
        try:
            got = func(X, p, stride) if positional else func(X, p, stride=stride)
        except ValueError as exc:
            # numpy refusing to add two differently shaped branches is the classic symptom; name its causes
            if "broadcast" not in str(exc):
                raise
            projection = "with" if "W3" in p else "without"
            raise checks.CheckFailed(
                f"residual_block raised “ValueError: {str(exc).strip()}” for X of shape {X.shape}, stride {stride}, "
                f"{projection} W3/b3.", _clash_hint(str(exc), X, p, stride)) from None
    got = checks.as_array("out", got)
    expected = ref(X, p, stride)
    hint = None
    if got.shape != expected.shape:
        hint = SHAPE_CLASH if "W3" in p else "conv1 and conv2 are 3×3 with padding 1; only conv1 uses the given stride."
    checks.check_shape("out", got, expected.shape, hint)
    checks.check_close("out", got, expected, rtol=1e-6, atol=1e-9, variants=_variants(X, p, stride))


@cases("identity shortcut: C_in = C_out, stride 1")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 3, 6, 6)), _params(rng, 3, 3, False), 1)


@cases("projection shortcut: C_in ≠ C_out, stride 2", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 2, 8, 8)), _params(rng, 2, 4, True), 2, positional=True)


@cases("projection with stride 1 (channels change only)", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((3, 3, 5, 5)), _params(rng, 3, 5, True), 1)


@cases("projection even when the shapes already match (C_in = C_out, stride 1)", kind="edge")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 3, 5, 4)), _params(rng, 3, 3, True), 1)


@cases("projection, stride 2, C_in = C_out", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 3, 6, 6)), _params(rng, 3, 3, True), 2)


@cases("odd sizes with stride 2", kind="edge")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 2, 7, 5)), _params(rng, 2, 3, True), 2, positional=True)


@cases("a batch of one image", kind="edge")
def _(sol, rng):
    _check(sol, rng.standard_normal((1, 2, 4, 4)), _params(rng, 2, 2, False), 1)


# ---- the backward: residual_block_backward(dout, X, params, stride) → (dX, grads) ----

# b1 and b2 feed training-mode batch norm, which subtracts each channel's batch mean: they cannot change the block's
# output, their true gradient is 0 and what a learner returns for them is rounding. They are not graded.
UNGRADED = ("b1", "b2")
FD_THRESHOLD = 1e-5  # batch norm's backward through a ReLU: central differences agree to ~1e-8 on these sizes


SKIP_IDENTITY = ("X is used twice — by the main branch and by the shortcut — so dX is the SUM of both gradients: "
                 "dX = dX_main + dS, where dS is the gradient at the addition. Yours has only the main branch's.")
SKIP_PROJECTION = ("X is used twice — by the main branch and by the 1×1 projection — so dX is the SUM of both: "
                   "dX = dX_main + dX_shortcut, where dX_shortcut comes from conv2d_backward(dS, X, W3, b3, stride, 0)"
                   ". Yours has only the main branch's.")
PROJECTION_BACK = ("dS, the gradient at the addition, has the OUTPUT's shape; with a projection it reaches X through "
                   "the 1×1 convolution: dX_shortcut, dW3, db3 = conv2d_backward(dS, X, W3, b3, stride, 0).")
RELU_AT_BRANCH = ("the final ReLU is applied to the SUM S = bn2(…) + shortcut(X): its gradient is dout * (S > 0), "
                  "taken at S, not at the main branch's output bn2(…) alone.")
RELU_AT_OUT_MISSING = ("the final ReLU's gradient is missing: dS = dout * (S > 0) with S = bn2(…) + shortcut(X), "
                       "before anything flows into either branch.")


def _check_backward(sol, rng, x_shape, c_out, projection, stride):
    backward = checks.need(sol, "residual_block_backward")
    X = rng.standard_normal(x_shape)
    p = _params(rng, x_shape[1], c_out, projection)
    out_shape = ref(X, p, stride).shape
    dout = rng.standard_normal(out_shape)
    expected_dX, expected = ref_backward(dout, X, p, stride)
    with checks.unchanged("residual_block_backward", dout=dout, X=X,
                          **{f'params["{k}"]': v for k, v in p.items()}):
        try:
            got = backward(dout, X, p, stride=stride)
        except ValueError as exc:
            if "broadcast" not in str(exc):
                raise
            raise checks.CheckFailed(
                f"residual_block_backward raised “ValueError: {str(exc).strip()}” for X of shape {X.shape}, "
                f"stride {stride}, {'with' if projection else 'without'} W3/b3.",
                PROJECTION_BACK if projection else None) from None
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)):
        raise checks.CheckFailed(f"residual_block_backward must return (dX, grads) with grads a dict keyed like "
                                 f"params; got {type(got).__name__}.")
    dX, grads = checks.as_array("dX", got[0]), got[1]
    missing = [k for k in p if k not in grads and k not in UNGRADED]
    if missing:
        what = ("the projection's gradient is missing: the shortcut conv(X, W3, b3, stride) has parameters too — "
                "dW3, db3 come from conv2d_backward(dS, X, W3, b3, stride, 0)." if {"W3", "b3"} & set(missing)
                else "grads needs one entry per key of params.")
        raise checks.CheckFailed(f"grads has no {', '.join(missing)} (it has {', '.join(sorted(grads)) or 'nothing'}).",
                                 what)

    _, c = _forward(X, p, stride)

    # the gradient at the addition under each ReLU mistake, pushed through the reference to every value
    def through(dS):
        dZ2, dg2, db2 = batch_norm_backward(dS, c["Z2"], p["gamma2"])
        dA1, dW2, _ = conv2d_backward(dZ2, c["A1"], p["W2"], p["b2"], 1, 1)
        dZ1, dg1, db1 = batch_norm_backward(dA1 * relu_grad(c["B1"]), c["Z1"], p["gamma1"])
        dXm, dW1, _ = conv2d_backward(dZ1, X, p["W1"], p["b1"], stride, 1)
        if projection:
            dXs, dW3, db3 = conv2d_backward(dS, X, p["W3"], p["b3"], stride, 0)
        else:
            dXs, dW3, db3 = dS, None, None
        return {"dX": dXm + dXs, "dX_main": dXm, "W1": dW1, "gamma1": dg1, "beta1": db1, "W2": dW2, "gamma2": dg2,
                "beta2": db2, "W3": dW3, "b3": db3}

    right = through(dout * relu_grad(c["S"]))
    at_branch = through(dout * relu_grad(c["B2"]))
    no_relu = through(dout)
    relu_variants = {RELU_AT_BRANCH: at_branch, RELU_AT_OUT_MISSING: no_relu}

    def hint_for(name, value):
        found = checks.match_variant(value, {h: v[name] for h, v in relu_variants.items() if v.get(name) is not None})
        if found is None and name == "dX":
            found = checks.match_variant(value, {SKIP_PROJECTION if projection else SKIP_IDENTITY: right["dX_main"]})
        return found

    checks.check_close("dX", dX, expected_dX, rtol=1e-5, atol=1e-8, hint=hint_for("dX", dX))
    for name in p:
        if name in UNGRADED:
            continue
        value = checks.as_array(f"grads[{name!r}]", grads[name])
        checks.check_close(f"grads[{name!r}]", value, expected[name], rtol=1e-5, atol=1e-8,
                           hint=hint_for(name, value))

    # and against central differences of the learner's own forward, so the backward matches what they built
    forward = checks.need(sol, "residual_block")

    def own_forward_of(key):
        """Your residual_block as a function of X (key "X") or of one parameter, everything else fixed."""
        if key == "X":
            return lambda value: forward(value, p, stride=stride)
        return lambda value: forward(X, {**p, key: value}, stride=stride)

    checks.check_gradient("dX (vs finite differences of your residual_block)", dX,
                          numerical_gradient_array(own_forward_of("X"), X.copy(), dout), threshold=FD_THRESHOLD)
    for name in p:
        if name in UNGRADED:
            continue
        checks.check_gradient(f"grads[{name!r}] (vs finite differences of your residual_block)", grads[name],
                              numerical_gradient_array(own_forward_of(name), p[name].copy(), dout),
                              threshold=FD_THRESHOLD)


@cases("backward: identity shortcut", part="backward")
def _(sol, rng):
    _check_backward(sol, rng, (2, 2, 4, 4), 2, False, 1)


@cases("backward: projection, C_in ≠ C_out, stride 2", part="backward", kind="random")
def _(sol, rng):
    _check_backward(sol, rng, (2, 2, 6, 6), 3, True, 2)


@cases("backward: projection with stride 1", part="backward", kind="random")
def _(sol, rng):
    _check_backward(sol, rng, (2, 2, 4, 4), 3, True, 1)


@cases("backward: projection even when the shapes already match", part="backward", kind="edge")
def _(sol, rng):
    _check_backward(sol, rng, (2, 2, 4, 4), 2, True, 1)


@cases("backward: odd sizes, stride 2, C_in = C_out", part="backward", kind="edge")
def _(sol, rng):
    _check_backward(sol, rng, (2, 2, 5, 3), 2, True, 2)
