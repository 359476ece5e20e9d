"""ex16, the degradation capstone: a learner's plain and residual networks from their own layers (vectorized here,
so a grade takes seconds) pass every case with the gap shown; a learner who ignores `residual` (two plain networks)
is told the gap is missing. The loop-style layers and the seeds checked are in docs/exercises-resnet.md."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, SOLUTIONS, run_studykit

from studykit.grading import own
from studykit.workspace import init_workspace

LAYERS = {"ex03-softmax-cross-entropy": "ex03_correct", "ex04-activations": "ex04_correct",
          "ex09-conv-layer": "ex09_correct_im2col", "ex10-max-pooling": "ex10_correct",
          "ex11-batch-norm": "ex11_correct", "ex12-residual-block": "ex12_vectorized"}
TRAINING = "training: both networks train, and the plain one's training loss stays higher"


def grade_in_process(tmp_path: Path, source: str, monkeypatch, seed: int = 7) -> dict:
    """{case name: (status, message, hint, data)}: the grade as the CLI runs it (the learner's code in its child)."""
    from studykit.catalog import find
    from studykit.grading.runner import run_in_child

    root = tmp_path / "ws"
    init_workspace(root)
    for folder, name in LAYERS.items():
        (root / "exercises" / folder / "solution.py").write_text((SOLUTIONS / f"{name}.py").read_text())
    own.reset()
    monkeypatch.setenv(own.WORKSPACE_VARIABLE, str(root))
    path = root / "exercises" / "ex16-degradation" / "solution.py"
    path.write_text(source, encoding="utf-8")
    result = run_in_child(find("ex16"), path, seed)
    results = {t["name"]: (t["status"], t["message"], t["hint"], t.get("data")) for t in result["tests"]}
    if result["message"]:
        results["(grade)"] = ("error", result["message"], None, None)
    return results


@pytest.mark.slow
def test_a_learner_solution_passes_and_shows_the_gap(tmp_path, monkeypatch):
    results = grade_in_process(tmp_path, (SOLUTIONS / "ex16_correct.py").read_text(), monkeypatch)
    assert all(status == "pass" for status, *_ in results.values()), results
    status, message, _, data = results[TRAINING]
    runs = data["degradation"]
    assert runs["plain"]["after"] >= 1.5 * runs["residual"]["after"]
    assert runs["plain"]["after"] < 0.8 * runs["plain"]["before"]  # the plain network trains too, only worse
    assert "plain/residual = " in message and "mean training loss of every 6 steps" in message
    assert data["record_every"] == 6 and len(runs["plain"]["curve"]) == data["steps"] // 6  # what --plot draws
    assert "10. residual_block((3, 4, 4, 4)) → residual_block_backward" in results[
        "gradients: each of your layers, in your networks' forward order, agrees with finite differences"][1]


@pytest.mark.slow
def test_two_plain_networks_are_told_the_gap_is_missing(tmp_path, monkeypatch):
    source = (SOLUTIONS / "ex16_correct.py").read_text()
    old = "h = residual_block(h, p) if residual else plain_block(h, p)"
    assert old in source
    results = grade_in_process(tmp_path, source.replace(old, "h = plain_block(h, p)"), monkeypatch)
    assert results["your layers: what your networks use from ex03–ex12 passes those exercises' checks"][0] == "fail"
    assert "do not use your residual_block" in results[
        "your layers: what your networks use from ex03–ex12 passes those exercises' checks"][1]
    status, message, hint, _ = results[TRAINING]
    assert status == "fail" and "the plain network's loss should stay at least 1.5× the residual one's" in message


def degradation_result() -> dict:
    """A grade result in the shape ex16's training case reports it (what `grade --plot` reads)."""
    runs = {name: {"before": 2.4, "after": after, "curve": [2.0, 1.5, after], "cpu_seconds": 1.0}
            for name, after in (("plain", 0.9), ("residual", 0.3))}
    data = {"degradation": runs, "gap_required": 1.5, "record_every": 6, "steps": 18}
    return {"exercise": "ex16", "seed": 1, "curve": None,
            "tests": [{"name": "gradients", "data": None}, {"name": TRAINING, "data": data}]}


def test_plot_draws_both_curves_where_matplotlib_is_installed(tmp_path):
    pytest.importorskip("matplotlib")
    from studykit.grading.curve import save_plot

    target = tmp_path / "curves.png"
    assert save_plot(degradation_result(), target) == f"training curves (plain and residual) written to {target}"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    no_training = {"exercise": "ex16", "seed": 1, "curve": None, "tests": [{"name": TRAINING, "data": None}]}
    assert save_plot(no_training, tmp_path / "none.png") == (
        f"no training curve to plot: training did not run ({tmp_path / 'none.png'} not written).")
    assert not (tmp_path / "none.png").exists()


@pytest.mark.cli
def test_plot_without_matplotlib_says_how_to_get_it_before_grading(tmp_path):
    fake = tmp_path / "fake"
    (fake / "matplotlib").mkdir(parents=True)
    (fake / "matplotlib" / "__init__.py").write_text("raise ImportError('no matplotlib here')\n", encoding="utf-8")
    env = {"PYTHONPATH": os.pathsep.join([str(fake), str(REPO)])}
    proc = run_studykit("grade", "ex16", "--plot", str(tmp_path / "curves.png"), "--file",
                        str(SOLUTIONS / "ex16_correct.py"), cwd=tmp_path, env=env)
    assert proc.returncode == 2 and 'pip install "studykit[plot]"' in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "curves.png").exists()


def test_a_passing_report_shows_the_gap_and_both_curves():
    from studykit.grading.report import render_table

    result = degradation_result()
    chart = "after 18 steps, ...: plain/residual = 3.00 (required ≥ 1.5).\nmean training loss of every 6 steps"
    result["tests"] = [{"name": "gradients", "part": "gradients", "scored": True, "status": "pass", "message": "",
                        "hint": None, "data": None},
                       {"name": TRAINING, "part": "training", "scored": True, "status": "pass", "message": chart,
                        "hint": None, "data": result["tests"][1]["data"]}]
    result.update(title="t", message=None, output="", output_truncated=False, score=1.0, duration=1.0,
                  parts={}, status="pass", replay="")
    shown = render_table(result)
    assert "plain/residual = 3.00" in shown and "mean training loss of every 6 steps" in shown
    assert shown.index("plain/residual") < shown.index("all checks pass.")
