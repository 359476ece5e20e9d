"""Every shipped exercise is complete, and the repository's own exercises/ matches what ships."""

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


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_the_repository_workspace_matches_the_shipped_starters(ex):
    mine = REPO / "exercises" / ex.folder
    for name in ("README.md", "meta.toml"):
        assert (mine / name).read_bytes() == (ex.starter_dir / name).read_bytes(), f"{mine / name} drifted"
    # solution.py may hold the learner's work; its contract (names and signatures) must not drift
    shipped, repo = signatures(ex.starter_dir / "solution.py"), signatures(mine / "solution.py")
    assert {k: repo.get(k) for k in shipped} == shipped
