"""Every shipped exercise is complete, and its starters exist once: the top-level exercises/ folder."""

from __future__ import annotations

import ast

import pytest
from conftest import REPO

from studykit.catalog import all_exercises

EXERCISES = all_exercises()


def signatures(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: ast.unparse(node.args) for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_the_catalogue_is_ordered_and_numbered():
    ids = [ex.id for ex in EXERCISES]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) >= 5
    assert all(ex.folder.startswith(ex.id + "-") for ex in EXERCISES)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_each_exercise_has_task_starter_hints_and_a_note(ex):
    assert ex.title and ex.topics and len(ex.hints) >= 3 and ex.timeout > 0
    readme = (ex.starter_dir / "README.md").read_text(encoding="utf-8")
    assert ex.note and (REPO / ex.note).is_file(), f"{ex.id} links to a missing note {ex.note}"
    assert f"../../{ex.note}" in readme, "the README links back to its concept note"
    assert f"studykit grade {ex.id}" in readme
    starter = ex.starter_dir / "solution.py"
    if ex.functions:
        assert set(ex.functions) <= set(signatures(starter))


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_meta_has_every_key_and_a_check_suite_exists(ex):
    import importlib.util

    import tomllib

    meta = tomllib.loads((ex.starter_dir / "meta.toml").read_text(encoding="utf-8"))
    assert {"id", "title", "topics", "note", "functions", "hints"} <= set(meta), sorted(meta)
    assert meta["id"] == ex.id and isinstance(meta["functions"], list)  # empty for answer-only exercises (ex05)
    assert set(meta["functions"]) <= set(signatures(ex.starter_dir / "solution.py"))
    assert importlib.util.find_spec(ex.suite_module) is not None, f"no check suite {ex.suite_module}"


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_every_starter_function_only_raises_not_implemented(ex):
    tree = ast.parse((ex.starter_dir / "solution.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in ex.functions:
            body = [n for n in node.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
            assert ast.get_docstring(node), f"{node.name} has a docstring with shapes"
            assert len(body) == 1 and isinstance(body[0], ast.Raise) and "NotImplementedError" in ast.unparse(body[0])


def test_the_starters_have_one_copy_the_top_level_exercises_folder():
    from studykit.catalog import STARTERS

    assert STARTERS.resolve() == (REPO / "exercises").resolve()
    assert all(ex.starter_dir.parent == STARTERS for ex in EXERCISES)
    assert not (REPO / "studykit" / "exercises").exists(), "a second copy of the starters inside the package"


def test_the_starters_source_is_not_a_workspace(tmp_path):
    """Grading inside a studykit checkout must never edit the starters: the checkout is not a workspace."""
    from conftest import run_studykit

    from studykit.workspace import find_workspace

    assert find_workspace(REPO / "exercises") is None
    proc = run_studykit("grade", "ex01", cwd=REPO / "exercises")
    assert proc.returncode == 2 and "studykit init" in proc.stderr and "Traceback" not in proc.stderr


WORD_OPERATORS = {"log", "exp", "tanh", "max", "min", "sin", "cos"}  # shown as their names on purpose


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_every_formula_in_the_task_text_shows_without_latex_left_over(ex):
    """`studykit show` prints the maths as Unicode: no command's name (\\tfrac, \\varphi, ...) may leak through."""
    import re

    from studykit.practice.terminal import latex_to_text

    readme = (ex.starter_dir / "README.md").read_text(encoding="utf-8")
    for display, inline in re.findall(r"\$\$(.+?)\$\$|\$([^$]+)\$", readme, re.S):
        formula = display or inline
        shown = latex_to_text(formula)
        leaked = {name for name in re.findall(r"\\([A-Za-z]{3,})", formula) if name in shown} - WORD_OPERATORS
        assert not leaked, f"{ex.id}: ${formula}$ shows as {shown!r}"
