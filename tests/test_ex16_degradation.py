"""ex16, the degradation capstone: a learner's plain and residual networks from their own layers (vectorized here,
so a grade takes seconds) pass every case with the gap shown; a learner who ignores `residual` (two plain networks)
is told the gap is missing. The loop-style layers and the seeds checked are in docs/exercises-resnet.md."""

from __future__ import annotations

import importlib
import types
from pathlib import Path

import numpy as np
import pytest

from conftest import SOLUTIONS
from studykit.grading import own
from studykit.grading.cases import CheckFailed
from studykit.workspace import init_workspace

LAYERS = {"ex03-softmax-cross-entropy": "ex03_correct", "ex04-activations": "ex04_correct",
          "ex09-conv-layer": "ex09_correct_im2col", "ex10-max-pooling": "ex10_correct",
          "ex11-batch-norm": "ex11_correct", "ex12-residual-block": "ex12_vectorized"}
TRAINING = "training: both networks train, and the plain one's training loss stays higher"


def grade_in_process(tmp_path: Path, source: str, monkeypatch, seed: int = 7) -> dict:
    root = tmp_path / "ws"
    init_workspace(root)
    for folder, name in LAYERS.items():
        (root / "exercises" / folder / "solution.py").write_text((SOLUTIONS / f"{name}.py").read_text())
    own.reset()
    monkeypatch.setenv(own.WORKSPACE_VARIABLE, str(root))
    module = types.ModuleType("ex16_learner")
    exec(compile(source, "<ex16 learner>", "exec"), module.__dict__)
    suite = importlib.import_module("studykit.grading.suites.ex16")
    results = {}
    for index, case in enumerate(suite.cases):
        try:
            note = case.run(module, np.random.default_rng([seed, index]))
        except CheckFailed as failed:
            results[case.name] = ("fail", failed.message, failed.hint, failed.data)
        else:
            results[case.name] = ("pass", note if isinstance(note, str) else note["message"], None,
                                  None if isinstance(note, str) else note.get("data"))
    own.reset()
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
