"""Benchmark: the reference convolution layer (studykit/reference/conv.py), forward + backward, against PyTorch.

Shapes (issue 5): N = 32, C_in = C_out = 64, 32×32 images, 3×3 kernels, stride 1, padding 1, float64.
Target: within 2× of torch.nn.functional.conv2d on the CPU (forward + backward through autograd, float64).
PyTorch is not a dependency: where it is not installed only the NumPy side is timed. Not a timed test — run it
by hand:
    python bench/bench_conv.py [--runs 5] [--n 32] [--c 64] [--size 32]
Runs are interleaved so machine load hits both sides alike; the median and the minimum are reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from studykit.reference.conv import conv2d_backward, conv2d_forward  # noqa: E402

TARGET = 2.0


def numpy_step(X, W, b, dout):
    started = time.perf_counter()
    conv2d_forward(X, W, b, stride=1, padding=1)
    middle = time.perf_counter()
    conv2d_backward(dout, X, W, b, stride=1, padding=1)
    ended = time.perf_counter()
    return middle - started, ended - middle


def torch_step(torch, tX, tW, tb, tdout):
    F = torch.nn.functional
    for t in (tX, tW, tb):
        t.grad = None
    started = time.perf_counter()
    out = F.conv2d(tX, tW, tb, stride=1, padding=1)
    middle = time.perf_counter()
    out.backward(tdout)
    ended = time.perf_counter()
    return middle - started, ended - middle


def summary(name, times):
    fwd = [f for f, _ in times]
    total = [f + b for f, b in times]
    return (f"{name:8s} forward {statistics.median(fwd) * 1e3:7.1f} ms · forward+backward median "
            f"{statistics.median(total) * 1e3:7.1f} ms, min {min(total) * 1e3:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--c", type=int, default=64)
    parser.add_argument("--size", type=int, default=32)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.n, args.c, args.size, args.size))
    W = rng.standard_normal((args.c, args.c, 3, 3)) / np.sqrt(9 * args.c)
    b = rng.standard_normal(args.c)
    dout = rng.standard_normal((args.n, args.c, args.size, args.size))
    print(f"conv2d forward + backward: N={args.n}, C={args.c}→{args.c}, {args.size}×{args.size}, 3×3, "
          f"stride 1, padding 1, float64; numpy {np.__version__}")

    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed: timing the NumPy reference only.")

    if torch is not None:
        tX, tW, tb = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (X, W, b))
        tdout = torch.tensor(dout, dtype=torch.float64)
        # same answer first: a benchmark of a wrong result is meaningless
        out = torch.nn.functional.conv2d(tX, tW, tb, padding=1)
        out.backward(tdout)
        ours = conv2d_backward(dout, X, W, b, 1, 1)
        assert np.allclose(conv2d_forward(X, W, b, 1, 1), out.detach().numpy(), rtol=1e-9, atol=1e-9)
        for mine, theirs in zip(ours, (tX.grad, tW.grad, tb.grad), strict=False):
            assert np.allclose(mine, theirs.numpy(), rtol=1e-9, atol=1e-8)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; results agree with the reference")

    numpy_step(X, W, b, dout)  # warm-up: page in the buffers
    numpy_times, torch_times = [], []
    for _ in range(args.runs):
        numpy_times.append(numpy_step(X, W, b, dout))
        if torch is not None:
            torch_times.append(torch_step(torch, tX, tW, tb, tdout))

    print(summary("numpy", numpy_times))
    if torch is None:
        return 0
    print(summary("torch", torch_times))
    ratio = statistics.median(f + b for f, b in numpy_times) / statistics.median(f + b for f, b in torch_times)
    best = min(f + b for f, b in numpy_times) / min(f + b for f, b in torch_times)
    verdict = "within" if ratio <= TARGET else "NOT within"
    print(f"reference / torch = {ratio:.2f}× (median forward+backward; {best:.2f}× best against best) — "
          f"{verdict} the {TARGET:.0f}× target")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
