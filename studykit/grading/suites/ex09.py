"""Checks for ex09, the convolution layer: forward (stride, padding, channels) and backward (dX, dW, db)."""

from __future__ import annotations

import numpy as np

from studykit.grading import checks, speed
from studykit.grading.cases import CaseList
from studykit.grading.gradcheck import numerical_gradient_array
from studykit.reference.conv import conv2d_backward as ref_backward, conv2d_forward as ref_forward, output_size

cases = CaseList()

STRIDE_HINT = ("you ignored the stride: window (i, j) starts at row i·stride and column j·stride, and "
               "H_out = ⌊(H + 2·padding − kh) / stride⌋ + 1.")
SHAPE_HINT = "H_out = ⌊(H + 2·padding − kh) / stride⌋ + 1 (and the same for W): did you use the stride and padding?"


def _problem(rng, n=2, c_in=3, c_out=4, h=6, w=5, kh=3, kw=3):
    return (rng.standard_normal((n, c_in, h, w)), rng.standard_normal((c_out, c_in, kh, kw)),
            rng.standard_normal(c_out))


def _forward(sol, X, W, b, stride, padding, positional=False):
    func = checks.need_as_starter(sol, "conv2d_forward", "ex09")
    with checks.unchanged("conv2d_forward", X=X, W=W, b=b):
        got = func(X, W, b, stride, padding) if positional else func(X, W, b, stride=stride, padding=padding)
    got = checks.as_array("out", got)
    expected_shape = (X.shape[0], W.shape[0], output_size(X.shape[2], W.shape[2], stride, padding),
                      output_size(X.shape[3], W.shape[3], stride, padding))
    checks.check_shape("out", got, expected_shape, _shape_hint(got.shape, X, W, stride, padding))
    expected = ref_forward(X, W, b, stride, padding)
    checks.check_close("out", got, expected, rtol=1e-7, atol=1e-9, variants={
        "you flipped the kernel: a CNN layer computes a cross-correlation, not a true convolution.":
            lambda: ref_forward(X, W[:, :, ::-1, ::-1], b, stride, padding),
        "add the bias b[o] to every position of output channel o.": lambda: ref_forward(X, W, 0 * b, stride, padding),
        STRIDE_HINT: lambda: ref_forward(X, W, b, 1, padding)[:, :, :expected_shape[2], :expected_shape[3]],
    })
    return got


def _shape_hint(shape, X, W, stride, padding):
    """Which of stride / padding / kernel size the learner's output shape left out — only when exactly one of these
    mistakes gives that shape here (a shape two mistakes share names neither)."""
    n, c_out, kh, kw = X.shape[0], W.shape[0], W.shape[2], W.shape[3]

    def shape_for(s, p, h=kh, w=kw):
        return (n, c_out, output_size(X.shape[2], h, s, p), output_size(X.shape[3], w, s, p))

    right = shape_for(stride, padding)
    candidates = [
        (STRIDE_HINT, shape_for(1, padding)),
        ("your output has the size of padding = 0: pad X with zeros first, "
         "np.pad(X, ((0, 0), (0, 0), (P, P), (P, P))).", shape_for(stride, 0)),
        (f"you used the kernel's kh = {kh} for both sizes: H_out uses kh = W.shape[2] = {kh}, W_out uses "
         f"kw = W.shape[3] = {kw}.", shape_for(stride, padding, kh, kh)),
        (f"you used the kernel's kw = {kw} for both sizes: H_out uses kh = W.shape[2] = {kh}, W_out uses "
         f"kw = W.shape[3] = {kw}.", shape_for(stride, padding, kw, kw)),
    ]
    named = {hint for hint, made in candidates if made != right and made == tuple(shape)}
    return named.pop() if len(named) == 1 else SHAPE_HINT


ROTATED = ("your dX equals the right one computed with W rotated by 180°. In the scatter form "
           "dX[n, :, window] += dout[n, o, i, j] · W[o] uses W as it is (no rotation); written as a full "
           "correlation of the zero-padded dout, the kernel must be rotated: W[:, :, ::-1, ::-1] — so either "
           "you rotated W in the scatter form, or you forgot to rotate it in the full-correlation form.")


def _padded(X, padding):
    return np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def _dx_shape_hint(shape, X, padding):
    """What a dX of the wrong shape says about the crop of the padded border, when it says it unambiguously."""
    n, c, h, w = X.shape
    if len(shape) != 4 or tuple(shape[:2]) != (n, c):
        return "dX has the shape of X (N, C_in, H, W)."
    rings = [(shape[2] - h) / 2, (shape[3] - w) / 2]
    if padding and rings == [padding, padding]:
        return ("dX has the shape of X: with padding > 0, cut the padded border off before returning, "
                "dX_padded[:, :, P:P + H, P:P + W] with P = padding.")
    if padding and rings[0] == rings[1] and rings[0] == int(rings[0]) and padding > rings[0] >= -padding:
        cut = padding - int(rings[0])
        return (f"you cut {cut} ring(s) off dX_padded but padding = {padding} added {padding}: cut exactly `padding` "
                f"rows and columns from each side, dX_padded[:, :, P:P + H, P:P + W].")
    return "dX has the shape of X (N, C_in, H, W)."


def _backward(sol, X, W, b, stride, padding, rng, positional=False):
    dout = rng.standard_normal(ref_forward(X, W, b, stride, padding).shape)
    func = checks.need_as_starter(sol, "conv2d_backward", "ex09")
    with checks.unchanged("conv2d_backward", dout=dout, X=X, W=W, b=b):
        out = (func(dout, X, W, b, stride, padding) if positional
               else func(dout, X, W, b, stride=stride, padding=padding))
    if not (isinstance(out, tuple) and len(out) == 3):
        raise checks.CheckFailed("conv2d_backward must return a triple (dX, dW, db).")
    dX, dW, db = (checks.as_array(name, v) for name, v in zip(("dX", "dW", "db"), out, strict=False))
    where = f" (stride {stride}, padding {padding}, X {X.shape}, W {W.shape})"
    eX, eW, eb = ref_backward(dout, X, W, b, stride, padding)
    checks.check_shape("db" + where, db, eb.shape,
                       "db has one entry per output channel: sum dout over N, H_out and W_out.")
    checks.check_close("db" + where, db, eb, rtol=1e-7, atol=1e-9, variants={
        "db is the SUM of dout over N, H_out and W_out (every output position adds b once), not the mean.":
            lambda: dout.mean(axis=(0, 2, 3)),
        "db sums dout over the batch too, not only over H_out and W_out of the first image.":
            lambda: dout[0].sum(axis=(1, 2)),
    })
    checks.check_shape("dW" + where, dW, eW.shape, "dW has the shape of W (C_out, C_in, kh, kw).")
    checks.check_close("dW" + where, dW, eW, rtol=1e-6, atol=1e-9, variants={
        "your dW equals the right one rotated by 180°: dW[o, c] correlates the (padded) input windows with dout — "
        "no rotation of the result or of the windows.": lambda: eW[:, :, ::-1, ::-1],
    })
    checks.check_shape("dX" + where, dX, eX.shape, _dx_shape_hint(dX.shape, X, padding))
    h, w = X.shape[2:]

    def cropped_at(offset):
        full = ref_backward(dout, _padded(X, padding), W, b, stride, 0)[0]
        return full[:, :, offset:offset + h, offset:offset + w]

    wrong_crop = {
        f"you cut the padded border at offset {o} instead of {padding}: dX = dX_padded[:, :, P:P + H, P:P + W] "
        f"with P = padding = {padding}.": (lambda o=o: cropped_at(o))
        for o in range(2 * padding + 1) if o != padding
    }
    checks.check_close("dX" + where, dX, eX, rtol=1e-6, atol=1e-9, variants={
        ROTATED: lambda: ref_backward(dout, X, W[:, :, ::-1, ::-1], b, stride, padding)[0],
        **wrong_crop,
    })
    return dout, dX, dW, db


@cases("forward: 1 image, 1 channel, stride 1, no padding", part="forward")
def _(sol, rng):
    X = np.arange(16.0).reshape(1, 1, 4, 4)
    W = np.array([[[[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]]])
    _forward(sol, X, W, np.array([0.5]), 1, 0)


@cases("forward: C_in ≠ C_out, padding 1", part="forward", kind="random")
def _(sol, rng):
    _forward(sol, *_problem(rng), stride=1, padding=1)


@cases("forward: stride 2, odd sizes, non-square kernel", part="forward", kind="random")
def _(sol, rng):
    _forward(sol, *_problem(rng, h=7, w=9, kh=3, kw=2), stride=2, padding=1)
    _forward(sol, *_problem(rng, n=1, h=5, w=5, kh=1, kw=1), stride=2, padding=0)


@cases("forward: batch of one, stride 3, padding 2", part="forward", kind="edge")
def _(sol, rng):
    _forward(sol, *_problem(rng, n=1, c_in=2, c_out=1, h=8, w=7), stride=3, padding=2)


@cases("backward: stride 1, no padding", part="backward")
def _(sol, rng):
    _backward(sol, *_problem(rng), stride=1, padding=0, rng=rng)


@cases("backward: stride 2, padding 1, C_in ≠ C_out", part="backward", kind="random")
def _(sol, rng):
    _backward(sol, *_problem(rng, n=2, c_in=2, c_out=3, h=7, w=6), stride=2, padding=1, rng=rng)


SWEEP = [(stride, padding) for stride in (1, 2, 3) for padding in (0, 1, 2, 3)]


def _sweep_problem(rng, stride, padding):
    """Small, non-square inputs and kernels; a batch of one every other setting."""
    kh, kw = ((3, 2), (2, 3), (1, 3), (3, 3))[padding]
    return _problem(rng, n=1 + (stride + padding) % 2, c_in=2, c_out=3, h=5 + stride, w=4 + padding, kh=kh, kw=kw)


@cases("forward: every stride 1–3 with every padding 0–3", part="forward", kind="random")
def _(sol, rng):
    for stride, padding in SWEEP:
        _forward(sol, *_sweep_problem(rng, stride, padding), stride=stride, padding=padding, positional=True)


@cases("backward: every stride 1–3 with every padding 0–3", part="backward", kind="random")
def _(sol, rng):
    for stride, padding in SWEEP:
        _backward(sol, *_sweep_problem(rng, stride, padding), stride=stride, padding=padding, rng=rng,
                  positional=True)


@cases("backward: matches finite differences of your forward", part="backward", kind="property")
def _(sol, rng):
    forward = checks.need_as_starter(sol, "conv2d_forward", "ex09")
    for stride, padding, (kh, kw) in ((2, 1, (3, 2)), (1, 2, (2, 3)), (3, 3, (3, 3))):
        X, W, b = _problem(rng, n=1, c_in=2, c_out=2, h=5, w=4, kh=kh, kw=kw)
        call = f"conv2d_forward(X, W, b, stride={stride}, padding={padding})"
        own = checks.as_array(call, forward(X, W, b, stride=stride, padding=padding))
        checks.check_shape(call, own, ref_forward(X, W, b, stride, padding).shape,
                           "finite differences need your forward's shape to be right first: " + SHAPE_HINT)
        dout, dX, dW, db = _backward(sol, X, W, b, stride, padding, rng)
        for name, got, arg in (("dX", dX, 0), ("dW", dW, 1), ("db", db, 2)):
            args = [X, W, b]

            def f(v, arg=arg):
                trial = list(args)  # noqa: B023 (called in this iteration)
                trial[arg] = v
                return forward(*trial, stride=stride, padding=padding)  # noqa: B023 (called in this iteration)

            checks.check_gradient(f"{name} (stride {stride}, padding {padding})", got,
                                  numerical_gradient_array(f, args[arg].copy(), dout), threshold=1e-6)


@cases("speed: your forward on N=8, C=16, 32×32, 3×3", kind="speed", scored=False, timeout=30)
def _(sol, rng):
    forward = checks.need_as_starter(sol, "conv2d_forward", "ex09")
    X, W, b = _problem(rng, n=1, c_in=2, c_out=3, h=7, w=6)
    try:  # "correct; …" is only said of a forward that is right with and without stride
        ok = all(np.allclose(forward(X, W, b, stride=s, padding=1), ref_forward(X, W, b, s, 1)) for s in (1, 2))
    except Exception:
        ok = False
    if not ok:
        return "speed not measured: the forward pass is not correct yet."
    big = _problem(rng, n=8, c_in=16, c_out=16, h=32, w=32)
    small = _problem(rng, n=1, c_in=4, c_out=4, h=16, w=16)
    scale = (8 * 16 * 16 * 32 * 32) / (1 * 4 * 4 * 16 * 16)
    tiny = _problem(rng, n=1, c_in=2, c_out=2, h=6, w=6)
    advice = speed.conv_advice(speed.facts_for(sol, "conv2d_forward", forward, tiny, outputs=1 * 2 * 4 * 4))
    return speed.compare(lambda: forward(*small, stride=1, padding=1), lambda: forward(*big, stride=1, padding=1),
                         lambda: ref_forward(*small, 1, 1), lambda: ref_forward(*big, 1, 1), scale,
                         "N=1, C=4, 16×16", advice)
