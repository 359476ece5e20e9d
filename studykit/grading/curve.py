"""The training curves of a grade: a small text chart for the terminal, and a PNG for `grade --plot`.

ex13's curve is the `curve` object of the result (see the README, "ex13"): per evaluation point its epoch, the CPU
seconds of training so far, the loss and accuracy on a fixed set of training images and the accuracy on the test
images. ex16's are in its training case's `data.degradation`: the plain and the residual network's mean training
loss of every `record_every` steps. Only the standard library here; the PNG writers import matplotlib (the
optional `plot` extra) when they run.
"""

from __future__ import annotations

BAR = 18
ROWS = 12
EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int = BAR) -> str:
    """A horizontal bar of `fraction` (0–1) of `width` cells, in eighths of a cell."""
    fraction = min(max(fraction, 0.0), 1.0) if fraction == fraction else 0.0  # nan: an empty bar
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[rest] if rest else "")).ljust(width)


def _rows(count: int) -> list[int]:
    """Which points to show: all of them, or ROWS spread evenly (always the first and the last)."""
    if count <= ROWS:
        return list(range(count))
    step = (count - 1) / (ROWS - 1)
    return sorted({round(i * step) for i in range(ROWS)})


def text_chart(curve: dict) -> list[str]:
    """The curve as lines of text: epoch, CPU seconds, training loss with a bar, test accuracy with a bar."""
    epochs, seconds = curve["epochs"], curve["cpu_seconds"]
    losses, accuracies = curve["train_loss"], curve["test_accuracy"]
    finite = [x for x in losses if x == x and x != float("inf")]
    top = max(finite) if finite else 1.0
    lines = [f"training curve: loss on {curve['train_images']} training images, accuracy on the "
             f"{curve['test_images']} test images (epoch 0: before training)",
             f"  {'epoch':>5}  {'CPU s':>6}  {'loss':<{BAR + 7}}  accuracy"]
    for i in _rows(len(epochs)):
        loss = losses[i]
        shown = f"{loss:6.3f}" if loss == loss and abs(loss) < 1e5 else f"{loss:>6.3g}"
        epoch = "end" if epochs[i] is None else epochs[i]  # the model train returned, trained past its last epoch
        lines.append(f"  {epoch:>5}  {seconds[i]:>6.1f}  {shown} {bar(loss / top if top > 0 else 0)}  "
                     f"{accuracies[i]:>5.1%} {bar(accuracies[i])}".rstrip())
    if len(epochs) > ROWS:
        lines.append(f"  ({len(epochs)} points; {ROWS} shown — `--json` has them all)")
    if curve.get("stopped"):
        lines.append(f"  training was stopped: it had used its {curve['budget_seconds']:g} s of CPU")
    return lines


def write_png(curve: dict, path, title: str = "") -> None:
    """Loss and accuracy against epochs, side by side, as a PNG (needs matplotlib: `pip install studykit[plot]`)."""
    import matplotlib

    matplotlib.use("Agg")  # no window, no display needed
    import matplotlib.pyplot as plt

    epochs: list[int] = []
    for e in curve["epochs"]:  # None: the model train returned, trained on after its last epoch
        epochs.append((epochs[-1] + 1 if epochs else 0) if e is None else e)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.plot(epochs, curve["train_loss"], marker="o", markersize=3, label="training loss")
    left.set_xlabel("epoch")
    left.set_ylabel("cross-entropy")
    left.set_title(f"loss ({curve['train_images']} training images)")
    left.grid(alpha=0.3)
    right.plot(epochs, curve["train_accuracy"], marker="o", markersize=3, label="training images")
    right.plot(epochs, curve["test_accuracy"], marker="o", markersize=3, label="test images")
    target = curve.get("target_accuracy")
    if target:
        right.axhline(target, color="grey", linestyle="--", linewidth=1, label=f"target {target:.0%}")
    right.set_xlabel("epoch")
    right.set_ylabel("accuracy")
    right.set_ylim(0, 1.02)
    right.set_title("accuracy")
    right.grid(alpha=0.3)
    right.legend(loc="lower right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


PLOT_EXTRA = 'pip install "studykit[plot]"'


def plotting_missing() -> str | None:
    """Why `--plot` cannot work here (matplotlib is not installed), or None."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return f"--plot needs matplotlib, which is not installed: {PLOT_EXTRA} (or pip install matplotlib)."
    return None


def _degradation(result: dict) -> dict | None:
    """ex16's numbers (`data` of its training case, with `degradation` in it), or None."""
    for test in result.get("tests", []):
        data = test.get("data")
        if isinstance(data, dict) and isinstance(data.get("degradation"), dict):
            return data
    return None


def write_degradation_png(data: dict, path, title: str = "") -> None:
    """ex16: the plain and the residual network's training loss against steps, on one axis, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    every = data.get("record_every", 1)
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for name, run in data["degradation"].items():
        steps = [every * (i + 1) for i in range(len(run["curve"]))]
        line, = ax.plot(steps, run["curve"], marker="o", markersize=3, label=f"{name} (final {run['after']:.3f})")
        ax.plot([0], [run["before"]], marker="s", color=line.get_color())  # its loss before training
    ax.set_xlabel("SGD step")
    ax.set_ylabel("training cross-entropy")
    ax.set_ylim(bottom=0)
    ax.set_title(f"mean training loss of every {every} steps (squares: before training)", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def save_plot(result: dict, path) -> str:
    """Write the grade's curve(s) to `path`; returns the sentence that says what happened."""
    curve = result.get("curve")
    degradation = None if curve else _degradation(result)
    if degradation is not None:
        try:
            write_degradation_png(degradation, path, title=f"{result['exercise']} · seed {result['seed']}")
        except OSError as exc:
            return f"could not write the training curves to {path}: {exc.strerror or exc}"
        return f"training curves (plain and residual) written to {path}"
    if not curve:
        why = (f"{result['exercise']} trains no model" if result["exercise"] not in ("ex13", "ex16")
               else "training did not run")
        return f"no training curve to plot: {why} ({path} not written)."
    try:
        write_png(curve, path, title=f"{result['exercise']} · seed {result['seed']}")
    except OSError as exc:
        return f"could not write the training curve to {path}: {exc.strerror or exc}"
    return f"training curve written to {path}"
