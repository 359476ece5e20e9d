"""A correct convolution layer in plain Python loops down to single multiplications (very slow, but right); bench/bench_speed.py times it."""
import numpy as np


def conv2d_forward(X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding))).tolist()
    Wl = W.tolist()
    Ho = (H + 2 * padding - kh) // stride + 1
    Wo = (Wd + 2 * padding - kw) // stride + 1
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    total = float(b[f])
                    for c in range(C):
                        for a in range(kh):
                            row = Xp[n][c][i * stride + a]
                            for d in range(kw):
                                total += row[j * stride + d] * Wl[f][c][a][d]
                    out[n, f, i, j] = total
    return out


from ex09_loops import conv2d_backward  # noqa: E402 — the same backward; only the forward is timed
