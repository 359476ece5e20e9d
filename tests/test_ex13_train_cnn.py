"""ex13, the capstone: a CNN built from the learner's own layers (own.load) trained on the shipped digits.

Workspaces are made in-process from tests/solutions (vectorized layers, so a whole training run takes about a second);
most grades run the suite in-process, the ones that pin what a learner sees go through the real CLI.
The full-accuracy runs over many seeds, and the loop-style layers, are in bench/bench_cnn.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SOLUTIONS, run_studykit

from studykit.grading import own
from studykit.grading.report import render_table
from studykit.workspace import init_workspace

LAYERS = {"ex02-softmax": "ex02_correct", "ex03-softmax-cross-entropy": "ex03_correct",
          "ex04-activations": "ex04_correct", "ex09-conv-layer": "ex09_correct_im2col",
          "ex10-max-pooling": "ex10_correct", "ex11-batch-norm": "ex11_correct"}
CORRECT = (SOLUTIONS / "ex13_correct.py").read_text(encoding="utf-8")
IM2COL = (SOLUTIONS / "ex09_correct_im2col.py").read_text(encoding="utf-8")
IM2COL_RETURN = "return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, db"
LAYERS_CASE = "your layers: what your model uses from ex02–ex12 passes those exercises' checks"
LAYER_GRADS = "gradients: each of your layers, in your model's forward order, agrees with finite differences"
MODEL_GRADS = "gradients: loss_and_grads agrees with finite differences of its own loss"
LOSS_FALLS = "training: the loss on the training set falls"
ACCURACY = "training: test accuracy ≥ 95 % within 90 s of training"


def changed(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new)


def make_workspace(root: Path, ex13: str = CORRECT, **sources: str) -> Path:
    """A workspace with correct ex02–ex11 layers (vectorized), `sources` replacing some (folder name → source)."""
    init_workspace(root)
    for folder, name in LAYERS.items():
        (root / "exercises" / folder / "solution.py").write_text((SOLUTIONS / f"{name}.py").read_text(encoding="utf-8"),
                                                                 encoding="utf-8")
    for folder, source in sources.items():
        (root / "exercises" / folder.replace("_", "-") / "solution.py").write_text(source, encoding="utf-8")
    (root / "exercises" / "ex13-train-cnn" / "solution.py").write_text(ex13, encoding="utf-8")
    return root


def grade_in_process(workspace: Path, source: str, monkeypatch, seed: int = 7, budget: float | None = None) -> dict:
    """{case name: (status, message, hint, data)} — the grade of `source` (a file in `workspace`), run by this process
    as the CLI runs it: the suite here, the learner's code in its child process."""
    from studykit.catalog import find
    from studykit.grading.runner import run_in_child

    own.reset()
    monkeypatch.setenv(own.WORKSPACE_VARIABLE, str(workspace))
    if budget is not None:
        monkeypatch.setenv("STUDYKIT_EX13_TRAIN_SECONDS", str(budget))
    path = workspace / "ex13_learner.py"
    path.write_text(source, encoding="utf-8")
    result = run_in_child(find("ex13"), path, seed)
    results = {t["name"]: (t["status"], t["message"], t["hint"], t.get("data")) for t in result["tests"]}
    if result["message"]:
        results["(grade)"] = ("error", result["message"], None, None)
    return results


def failed(results: dict) -> dict:
    return {name: f"{r[1]}\n{r[2] or ''}" for name, r in results.items() if r[0] != "pass"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("ws") / "practice")


# ---------------------------------------------------------------------------------------------------------- the data


def test_the_digits_ship_small_with_a_fixed_stratified_split():
    from studykit.data import DIGITS, load_digits

    assert DIGITS.stat().st_size < 300 * 1024
    with np.load(DIGITS) as data:
        images, labels, train, test = data["images"], data["labels"], data["train"], data["test"]
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8 and images.min() == 0 and images.max() == 16
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(1797))  # disjoint, and every image once
    assert (len(train), len(test)) == (1438, 359)
    per_digit = np.bincount(labels[test], minlength=10) / np.bincount(labels, minlength=10)
    assert np.all(np.abs(per_digit - 0.2) < 0.01)  # 20 % of each digit is test
    X_train, y_train, X_test, y_test = load_digits()
    assert X_train.shape == (1438, 1, 8, 8) and X_test.shape == (359, 1, 8, 8) and X_train.max() == 1.0
    assert y_train.dtype == np.int64 and set(y_test.tolist()) == set(range(10))
    attribution = (REPO / "studykit" / "data" / "README.md").read_text(encoding="utf-8")
    assert "Alpaydin" in attribution and "CC BY 4.0" in attribution and "10.24432/C50P49" in attribution
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "Alpaydin" in readme and "CC BY 4.0" in readme


# ------------------------------------------------------------------------------------------------------ reference


def test_the_reference_gradients_agree_with_finite_differences():
    from studykit.data import load_digits
    from studykit.grading.gradcheck import numerical_gradient
    from studykit.reference import cnn

    X, y, _, _ = load_digits()
    X, y = X[:3] + np.random.default_rng(0).normal(0, 0.01, X[:3].shape), y[:3]
    model = cnn.init_model(np.random.default_rng(1))
    _, grads = cnn.loss_and_grads(dict(model), X, y)
    rng = np.random.default_rng(2)
    for key in cnn.TRAINABLE:
        x = model[key].copy()
        for flat in rng.choice(x.size, min(x.size, 40), replace=False):  # 40 entries of each
            index = np.unravel_index(flat, x.shape)

            def loss(v, key=key, index=index, x=x):
                trial = dict(model)
                trial[key] = x.copy()
                trial[key][index] = v[0]
                return cnn.loss_and_grads(trial, X, y)[0]

            numeric = numerical_gradient(loss, np.array([x[index]]))[0]
            assert abs(numeric - grads[key][index]) < 1e-8 + 1e-6 * abs(numeric), (key, index)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_the_reference_reaches_97_percent():
    """The issue's bar for the reference (one seed here, about 2 s of CPU; bench/bench_cnn.py runs many)."""
    from studykit.data import load_digits
    from studykit.reference import cnn

    X_train, y_train, X_test, y_test = load_digits()
    epochs = []
    model = cnn.train(X_train, y_train, np.random.default_rng(3), lambda m: epochs.append(1))
    assert len(epochs) == cnn.EPOCHS
    assert (cnn.predict(model, X_test).argmax(axis=1) == y_test).mean() >= 0.97


# ------------------------------------------------------------------------------------------------------- own.load


def test_own_load_finds_each_function_by_its_exercise_and_loads_lazily(tmp_path, monkeypatch):
    own.reset()
    assert own.exercise_of("conv2d_backward").id == "ex09" and own.exercise_of("batch_norm").id == "ex11"
    assert own.exercise_of("softmax_cross_entropy").id == "ex03" and own.exercise_of("relu_grad").id == "ex04"
    with pytest.raises(own.OwnCodeError, match="no exercise defines a function `conv2d`"):
        own.load("conv2d")
    with pytest.raises(own.OwnCodeError):
        own.load("train")  # ex13's own functions are not loadable
    root = make_workspace(tmp_path / "ws")
    monkeypatch.setenv(own.WORKSPACE_VARIABLE, str(root))
    forward, backward = own.load("conv2d_forward", "conv2d_backward")
    assert own.REQUESTED == {"conv2d_forward": "ex09", "conv2d_backward": "ex09"} and not own.loaded_files()
    X, W, b = np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)), np.zeros(2)
    with own.recording() as calls:
        out = forward(X, W, b, stride=1, padding=0)
    assert out.shape == (1, 2, 2, 2) and np.all(out == 4) and [c[0] for c in calls] == ["conv2d_forward"]
    assert own.loaded_files() == {(root / "exercises" / "ex09-conv-layer" / "solution.py").resolve()}
    own.reset()


@pytest.mark.parametrize("source, words", [
    ("def conv2d_forward(X, W, b, stride=1, padding=0)\n    return X\n", "has a syntax error at line 1"),
    ("import numpy as np\n", "defines no function `conv2d_forward`"),
    (None, "does not exist: restore ex09's starter with `studykit reset ex09`"),
])
def test_own_load_says_what_is_wrong_with_an_earlier_file(tmp_path, monkeypatch, source, words):
    own.reset()
    root = make_workspace(tmp_path / "ws")
    target = root / "exercises" / "ex09-conv-layer" / "solution.py"
    if source is None:
        target.unlink()
    else:
        target.write_text(source, encoding="utf-8")
    monkeypatch.setenv(own.WORKSPACE_VARIABLE, str(root))
    forward = own.load("conv2d_forward")  # lazily: the problem shows when it is called
    with pytest.raises(own.OwnCodeError, match=words.replace("(", r"\(").replace(")", r"\)").replace("`", ".")):
        forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.zeros(1))
    own.reset()


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_outside_the_grader_the_workspace_is_found_from_the_file_that_loads(tmp_path):
    """`python solution.py` in the workspace: trains with the learner's own layers and prints the test accuracy."""
    starter = (REPO / "exercises" / "ex13-train-cnn" / "solution.py").read_text(encoding="utf-8")
    main = starter[starter.index('if __name__ == "__main__":'):]
    root = make_workspace(tmp_path / "ws", ex13=CORRECT + "\n\n" + main)
    env = {k: v for k, v in os.environ.items() if k != own.WORKSPACE_VARIABLE}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, "solution.py"], cwd=root / "exercises" / "ex13-train-cnn", env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("test accuracy") == 10 and "epoch 10: test accuracy 9" in run.stdout


# ----------------------------------------------------------------------------------------------- grading, the CLI


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_correct_solution_passes_end_to_end_with_its_curve(tmp_path):
    """The issue's first "done when": a correct ex13 on correct ex02–ex12 passes; the report shows the learning."""
    root = make_workspace(tmp_path / "ws")
    proc = run_studykit("grade", "ex13", "--json", "--seed", "3", cwd=root)
    result = json.loads(proc.stdout)
    assert proc.returncode == 0 and result["status"] == "pass", proc.stdout
    curve = result["curve"]
    assert curve["epochs"][0] == 0 and curve["epochs"][-1] == 10 and len(curve["epochs"]) == 11
    assert curve["train_loss"][-1] < 0.5 * curve["train_loss"][0] and curve["test_accuracy"][-1] >= 0.95
    assert curve["test_images"] == 359 and curve["budget_seconds"] == 90 and not curve["stopped"]
    assert all(b >= a for a, b in zip(curve["cpu_seconds"], curve["cpu_seconds"][1:], strict=False))
    (training,) = [t for t in result["tests"] if t["name"] == LOSS_FALLS]
    assert training["data"]["curve"] == curve and "conv2d_backward" in training["data"]["cpu_seconds_in_layers"]
    summary = next(t for t in result["tests"] if not t["scored"])
    assert summary["message"].startswith("test accuracy ") and "CPU time in your layers: " in summary["message"]
    table = render_table(result)
    assert "training curve: loss on 359 training images" in table and "█" in table
    assert "\n     10 " in table  # the last epoch's row
    # and it was recorded as the workspace's own grade
    assert "✓ ex13" in run_studykit("list", cwd=root).stdout


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_backward_bug_ex09_catches_is_named_before_anything_else(tmp_path):
    """The issue's second "done when": a backward bug in ex09 fails the capstone with conv2d_backward named."""
    crop = changed(IM2COL, IM2COL_RETURN, "return (dXp[:, :, 1:-1, 1:-1] if padding else dXp), dW, db")
    root = make_workspace(tmp_path / "ws", **{"ex09-conv-layer": crop})
    proc = run_studykit("grade", "ex13", "--json", "--seed", "3", cwd=root)
    result = json.loads(proc.stdout)
    assert proc.returncode == 1 and result["status"] == "fail"
    layers = next(t for t in result["tests"] if t["name"] == LAYERS_CASE)
    assert layers["status"] == "fail"
    assert layers["message"].startswith("finish ex09 first: your conv2d_backward does not pass ex09's check")
    assert "padding 2" in layers["message"] and "you cut 1 ring(s) off dX_padded" in layers["hint"]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_backward_bug_ex09_misses_is_found_in_the_layer_the_model_uses(tmp_path):
    """dW divided by N only for batches of three or more: ex09's batches have one or two images, so its suite passes;
    the capstone's layer check (three images) names conv2d_backward and the first layer that uses it."""
    subtle = changed(IM2COL, IM2COL_RETURN, "if X.shape[0] > 2:\n        dW = dW / X.shape[0]\n    " + IM2COL_RETURN)
    root = make_workspace(tmp_path / "ws", **{"ex09-conv-layer": subtle})
    proc = run_studykit("grade", "ex13", "--seed", "3", cwd=root)
    out = proc.stdout
    assert proc.returncode == 1 and "✓ your layers" in out
    assert ("the first of your layers whose gradient is wrong, in forward order: conv2d_backward (your ex09), as your "
            "model's layer 1 uses it — conv2d_forward((3, 1, 8, 8), (12, 1, 3, 3), (12,), stride=1, padding=1)") in out
    assert "dW (layer 1): 64 of the 64 entries checked disagree with central finite differences" in out
    assert "grads['W1'] is 0.3333 × the right gradient" in out  # the whole model's check says how it is off
    assert "training curve:" in out


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_an_error_inside_an_earlier_exercise_shows_that_files_lines(tmp_path):
    broken = changed(IM2COL, "    kh, kw = W.shape[2:]\n    H, Wd",
                     "    kh, kw = W.shape[2:]\n    if X.shape[0] > 2:\n        raise IndexError('third image')\n    H, Wd")
    root = make_workspace(tmp_path / "ws", **{"ex09-conv-layer": broken})
    result = json.loads(run_studykit("grade", "ex13", "--json", cwd=root).stdout)
    grads = next(t for t in result["tests"] if t["name"] == LAYER_GRADS)
    assert grads["status"] == "error" and "Traceback (your code)" in grads["message"]
    assert "ex09-conv-layer" in grads["message"] and "IndexError: third image" in grads["message"]


def test_the_starter_outside_a_workspace_fails_fast_and_says_why(tmp_path):
    proc = run_studykit("grade", "ex13", "--json", "--file", str(REPO / "exercises" / "ex13-train-cnn" / "solution.py"),
                        cwd=tmp_path)
    result = json.loads(proc.stdout)
    assert proc.returncode == 1 and "curve" not in result
    layers = next(t for t in result["tests"] if t["name"] == LAYERS_CASE)
    assert layers["message"].startswith("no workspace found, so your earlier exercises cannot be loaded")
    assert "Traceback" not in proc.stderr


def test_plot_without_matplotlib_says_how_to_get_it_before_grading(tmp_path):
    fake = tmp_path / "fake"
    (fake / "matplotlib").mkdir(parents=True)
    (fake / "matplotlib" / "__init__.py").write_text("raise ImportError('no matplotlib here')\n", encoding="utf-8")
    env = {"PYTHONPATH": os.pathsep.join([str(fake), str(REPO)])}
    proc = run_studykit("grade", "ex13", "--plot", str(tmp_path / "curve.png"), "--file",
                        str(REPO / "exercises" / "ex13-train-cnn" / "solution.py"), cwd=tmp_path, env=env)
    assert proc.returncode == 2 and 'pip install "studykit[plot]"' in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "curve.png").exists()


def test_plot_writes_a_png_where_matplotlib_is_installed(tmp_path):
    pytest.importorskip("matplotlib")
    from studykit.grading.curve import save_plot

    curve = {"epochs": [0, 1, 2], "cpu_seconds": [0, 0.1, 0.2], "train_loss": [2.3, 0.4, 0.2],
             "train_accuracy": [0.1, 0.9, 0.95], "test_accuracy": [0.1, 0.88, 0.96], "train_images": 359,
             "test_images": 359, "budget_seconds": 90, "target_accuracy": 0.95, "stopped": False}
    target = tmp_path / "curve.png"
    assert save_plot({"exercise": "ex13", "seed": 1, "curve": curve}, target) == f"training curve written to {target}"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no training curve to plot" in save_plot({"exercise": "ex03", "seed": 1}, target)


# --------------------------------------------------------------------------------------- grading, in-process


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_gluing_mistake_passes_the_layers_and_fails_the_whole_model(workspace, monkeypatch):
    source = changed(CORRECT, "batch_norm_backward(dA * relu_grad(B), Z1", "batch_norm_backward(dA, Z1")
    results = grade_in_process(workspace, source, monkeypatch)
    wrong = failed(results)
    assert results[LAYERS_CASE][0] == results[LAYER_GRADS][0] == "pass"
    assert "1. conv2d_forward((3, 1, 8, 8), (12, 1, 3, 3), (12,), stride=1, padding=1) → conv2d_backward" in \
        results[LAYER_GRADS][1]
    assert "relu(" not in results[LAYER_GRADS][1]  # its backward (relu_grad) is not used: nothing to check for it
    assert "4. conv2d_forward((3, 12, 4, 4), (10, 12, 4, 4), (10,), stride=1, padding=0) → conv2d_backward" in \
        results[LAYER_GRADS][1]
    assert MODEL_GRADS in wrong and "grads['W1']" in wrong[MODEL_GRADS]
    assert "each of your layers agrees with finite differences on its own" in wrong[MODEL_GRADS]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_moving_statistics_that_are_not_kept_are_diagnosed(workspace, monkeypatch):
    source = changed(CORRECT, 'B, model["mean1"], model["var1"] = batch_norm(', "B, _, _ = batch_norm(")
    wrong = failed(grade_in_process(workspace, source, monkeypatch))
    assert ACCURACY in wrong and "store the new_moving_mean and new_moving_var" in wrong[ACCURACY]
    assert "in loss_and_grads (training mode, batch statistics)" in wrong[ACCURACY]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_an_update_that_never_reaches_the_model_is_diagnosed(workspace, monkeypatch):
    source = changed(CORRECT, "model[k] = model[k] + velocity[k]", "w = model[k]\n                w = w + velocity[k]")
    wrong = failed(grade_in_process(workspace, source, monkeypatch))
    for case in (LOSS_FALLS, ACCURACY):
        assert "are exactly the same after the last epoch as after the first" in wrong[case]
        assert "rose" not in wrong[case]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_gradient_ascent_is_told_the_loss_rose_with_right_gradients(workspace, monkeypatch):
    source = changed(CORRECT, "velocity[k] = 0.9 * velocity[k] - lr * g", "velocity[k] = 0.9 * velocity[k] + lr * g")
    results = grade_in_process(workspace, source, monkeypatch)
    wrong = failed(results)
    assert LAYER_GRADS not in wrong and MODEL_GRADS not in wrong
    assert "the loss rose although your gradients are right" in wrong[LOSS_FALLS]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_an_unfinished_earlier_exercise_is_named_first(tmp_path, monkeypatch):
    from studykit.catalog import find

    starter = (find("ex10").starter_dir / "solution.py").read_text(encoding="utf-8")
    root = make_workspace(tmp_path / "ws", **{"ex10-max-pooling": starter})
    results = grade_in_process(root, CORRECT, monkeypatch)
    wrong = failed(results)
    assert wrong[LAYERS_CASE].startswith("finish ex10 first: your max_pool2d is not implemented yet")
    assert "not run: your max_pool2d (ex10) is not implemented yet — finish ex10 first" in wrong[LOSS_FALLS]
    assert wrong[ACCURACY].startswith("not run: training did not finish")


def test_a_model_that_does_not_use_the_learners_own_layers_is_told_to(workspace, monkeypatch):
    pasted = CORRECT.replace("from studykit.grading import own", "from studykit.reference import conv, pooling, "
                             "batchnorm, activations, softmax")
    pasted = pasted.split("C = 12")[1]
    pasted = ("import numpy as np\nfrom studykit.reference.conv import conv2d_forward, conv2d_backward\n"
              "from studykit.reference.pooling import max_pool2d, max_pool2d_backward\n"
              "from studykit.reference.batchnorm import batch_norm, batch_norm_backward\n"
              "from studykit.reference.activations import relu, relu_grad\n"
              "from studykit.reference.softmax import softmax_cross_entropy\nC = 12" + pasted)
    wrong = failed(grade_in_process(workspace, pasted, monkeypatch))
    assert "refused import of `studykit.reference.conv.conv2d_forward`" in wrong["(grade)"]  # line 2, named
    assert "line 2:" in wrong["(grade)"]
    # and a model written without the learner's own layers at all is told to load them
    standalone = "import numpy as np\nC = 12" + pasted.split("C = 12", 1)[1]
    wrong = failed(grade_in_process(workspace, standalone, monkeypatch))
    assert "your file loads none of your earlier layers" in wrong[LAYERS_CASE] and "own.load" in wrong[LAYERS_CASE]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_training_is_stopped_at_its_budget_and_graded_on_the_last_epoch_within_it(workspace, monkeypatch):
    source = changed(CORRECT, "EPOCHS = 10", "EPOCHS = 400")
    results = grade_in_process(workspace, source, monkeypatch, budget=1.5)
    status, message, _, data = results[LOSS_FALLS]
    curve = data["curve"]
    assert curve["stopped"] and curve["budget_seconds"] == 1.5 and 1 < len(curve["epochs"]) < 400
    assert max(curve["cpu_seconds"]) <= 1.5
    assert data["training_cpu_seconds"] < 1.5 + 0.1  # stopped inside the epoch, at a call of a layer, not after it
    accuracy = results[ACCURACY]
    assert "training was stopped when it had used its 1.5 s of CPU; graded: the last epoch within them" in accuracy[1]
    lines = "\n".join(__import__("studykit.grading.curve", fromlist=["text_chart"]).text_chart(curve))
    assert "training was stopped: it had used its 1.5 s of CPU" in lines


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_train_that_never_reports_an_epoch_and_overruns_gets_nothing_graded(workspace, monkeypatch):
    source = changed(changed(CORRECT, "EPOCHS = 10", "EPOCHS = 15"), "        on_epoch(model)\n", "")
    results = grade_in_process(workspace, source, monkeypatch, budget=0.3)
    assert results[LOSS_FALLS][0] == "fail" and "before its first call of on_epoch(model)" in results[LOSS_FALLS][1]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_predict_of_the_wrong_shape_is_told_to_reshape(workspace, monkeypatch):
    source = changed(CORRECT, 'model["b2"], stride=1, padding=0).reshape(len(X), 10)\n\n\ndef train',
                     'model["b2"], stride=1, padding=0)\n\n\ndef train')
    wrong = failed(grade_in_process(workspace, source, monkeypatch))
    assert "shape (359, 10, 1, 1), expected (359, 10)" in wrong[LOSS_FALLS] and "reshape the logits" in wrong[LOSS_FALLS]


# -------------------------------------------------------------------------------------------------------- report


def test_the_text_chart_shows_every_epoch_or_twelve_spread_evenly():
    from studykit.grading.curve import bar, text_chart

    assert bar(0) == " " * 18 and bar(1) == "█" * 18 and bar(0.5) == "█" * 9 + " " * 9 and bar(float("nan")) == " " * 18
    n = 31
    curve = {"epochs": list(range(n)), "cpu_seconds": [i * 0.1 for i in range(n)],
             "train_loss": [2.3 / (i + 1) for i in range(n)], "train_accuracy": [min(0.1 + 0.1 * i, 1) for i in range(n)],
             "test_accuracy": [min(0.1 + 0.09 * i, 0.98) for i in range(n)], "train_images": 359, "test_images": 359,
             "budget_seconds": 90, "stopped": False}
    lines = text_chart(curve)
    rows = [line for line in lines if line.startswith("  ") and line.split()[0].isdigit()]
    assert len(rows) == 12 and rows[0].split()[0] == "0" and rows[-1].split()[0] == "30"
    assert "(31 points; 12 shown — `--json` has them all)" in lines[-1]
    assert "98.0%" in rows[-1]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_own_load_inside_the_functions_and_a_predict_returning_probabilities_are_accepted(workspace, monkeypatch):
    source = CORRECT.replace('softmax_cross_entropy = own.load("softmax_cross_entropy")\n', "")
    source = changed(source, "    loss, dlogits = softmax_cross_entropy(",
                     '    loss, dlogits = own.load("softmax_cross_entropy")(')
    source = changed(source, 'model["b2"], stride=1, padding=0).reshape(len(X), 10)\n\n\ndef train',
                     'model["b2"], stride=1, padding=0).reshape(len(X), 10)\n    return own.load("softmax")(logits)'
                     '\n\n\ndef train')
    source = changed(source, '    return conv2d_forward(P, model["W2"]', '    logits = conv2d_forward(P, model["W2"]')
    results = grade_in_process(workspace, source, monkeypatch)
    assert not failed(results), failed(results)
    assert "ex02 (softmax)" in results[LAYERS_CASE][1] and "ex03 (softmax_cross_entropy)" in results[LAYERS_CASE][1]


PREDICT_CASE = "predict: evaluation mode — each image's logits do not depend on the rest of the batch"


@pytest.mark.slow
def test_a_predict_in_training_mode_fails_the_evaluation_mode_check(workspace, monkeypatch):
    source = changed(CORRECT, 'model["mean1"], model["var1"], False)[0]', 'model["mean1"], model["var1"], True)[0]')
    wrong = failed(grade_in_process(workspace, source, monkeypatch, budget=5))
    assert PREDICT_CASE in wrong and "uses statistics of the batch" in wrong[PREDICT_CASE]


@pytest.mark.slow
def test_weight_decay_put_into_grads_is_named(workspace, monkeypatch):
    source = changed(CORRECT, 'return loss, {"W1": dW1,', 'return loss, {"W1": dW1 + 1e-2 * model["W1"],')
    wrong = failed(grade_in_process(workspace, source, monkeypatch, budget=5))
    (case,) = [name for name in wrong if name.startswith("gradients: loss_and_grads")]
    assert "weight decay is in grads" in wrong[case] and "0.01·model['W1']" in wrong[case]
