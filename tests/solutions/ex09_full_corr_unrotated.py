"""A learner who computes dX as a full correlation of the dilated, padded dout with the kernel NOT rotated."""
import numpy as np


from ex09_loops import conv2d_forward  # noqa: F401 — a correct forward; the mistake is in the backward


def conv2d_backward(dout, X, W, b, stride=1, padding=0):
    # dX as a "full" correlation: dilate dout by the stride, pad it by k − 1, slide the kernel over it.
    # The mistake: the kernel is used as it is; the full-correlation form needs it rotated by 180°.
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    _, _, Ho, Wo = dout.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Hp, Wp = Xp.shape[2:]
    dil = np.zeros((N, F, (Ho - 1) * stride + 1, (Wo - 1) * stride + 1))
    dil[:, :, ::stride, ::stride] = dout
    full = np.pad(dil, ((0, 0), (0, 0), (kh - 1, kh - 1 + Hp - (dil.shape[2] + kh - 1)),
                        (kw - 1, kw - 1 + Wp - (dil.shape[3] + kw - 1))))
    dXp = np.zeros_like(Xp)
    for n in range(N):
        for c in range(C):
            for i in range(Hp):
                for j in range(Wp):
                    dXp[n, c, i, j] = np.sum(full[n, :, i:i + kh, j:j + kw] * W[:, c])  # W not rotated
    dW = np.zeros_like(W)
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                dW[f] += np.einsum("n,nchw->chw", dout[:, f, i, j], Xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw])
    db = dout.sum(axis=(0, 2, 3))
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, db
