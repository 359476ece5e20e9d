"""Issue #12, item 4: one standing per exercise. A scripted session: list, progress and next agree; a grade of
another file is a trial that never marks the workspace exercise solved; next/show outside a workspace say how to
make one; show renders the task for a terminal with links that exist; hint past the last level says so."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import SOLUTIONS, invoke_studykit, mine

from studykit.catalog import all_exercises


def line_of(text: str, exercise: str) -> str:
    return next(line for line in text.splitlines() if re.match(rf"^[✓✗·] {exercise}\b", line))


def standing_everywhere(root: Path, exercise: str) -> dict:
    """What list, progress and next each say about `exercise`."""
    listing = line_of(invoke_studykit("list", cwd=root).stdout, exercise)
    progress = invoke_studykit("progress", cwd=root).stdout
    prog_line = next((row for row in progress.splitlines() if row[2:].startswith(exercise)), "")
    nxt = invoke_studykit("next", cwd=root).stdout
    return {"list": listing[0], "progress": prog_line[:1] or "·", "next_is_it": nxt.startswith(exercise),
            "solved_count": int(re.search(r"solved (\d+)/", progress).group(1)), "list_line": listing,
            "progress_line": prog_line}


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_grading_another_file_is_a_trial_and_never_solves_the_workspace_exercise(workspace, tmp_path):
    other = tmp_path / "other.py"
    other.write_text((SOLUTIONS / "ex01_correct.py").read_text(), encoding="utf-8")
    proc = invoke_studykit("grade", "ex01", "--file", str(other), cwd=workspace)
    assert proc.returncode == 0 and "all checks pass" in proc.stdout
    assert "a trial of" in proc.stdout and str(mine(workspace, "ex01")) in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1] == (f"next: to mark ex01 solved, put this code in "
                                                     f"{mine(workspace, 'ex01')}, then `studykit grade ex01`")
    seen = standing_everywhere(workspace, "ex01")
    assert seen["list"] == "·" and seen["next_is_it"] and seen["solved_count"] == 0
    assert "(+1 of other files)" in seen["progress_line"]
    with sqlite3.connect(workspace / ".studykit" / "progress.db") as db:
        assert db.execute("select source, file from grades").fetchall() == [("file", str(other.resolve()))]
    # --file naming the workspace's own solution.py is an ordinary grade of it
    mine(workspace, "ex01").write_text((SOLUTIONS / "ex01_correct.py").read_text(), encoding="utf-8")
    proc = invoke_studykit("grade", "ex01", "--file", str(mine(workspace, "ex01")), cwd=workspace / "exercises")
    assert proc.returncode == 0 and "a trial of" not in proc.stdout
    seen = standing_everywhere(workspace, "ex01")
    assert seen["list"] == "✓" and seen["progress"] == "✓" and not seen["next_is_it"] and seen["solved_count"] == 1


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_list_progress_and_next_agree_after_a_pass_then_a_fail(workspace):
    target = mine(workspace, "ex05")
    target.write_text((SOLUTIONS / "ex05_correct.py").read_text(), encoding="utf-8")
    assert invoke_studykit("grade", "ex05", cwd=workspace).returncode == 0
    target.write_text((SOLUTIONS / "ex05_mistakes.py").read_text(), encoding="utf-8")
    assert invoke_studykit("grade", "ex05", cwd=workspace).returncode == 1
    seen = standing_everywhere(workspace, "ex05")
    assert seen["list"] == seen["progress"] == "✓" and seen["solved_count"] == 1 and not seen["next_is_it"]
    assert "latest ✗  20%" in seen["list_line"] and "latest ✗  20%" in seen["progress_line"]
    assert "best 100%" in seen["progress_line"] and "100%" in seen["list_line"]
    # and a starter that was never graded is where next points
    assert invoke_studykit("next", cwd=workspace).stdout.startswith(all_exercises()[0].id)


def test_when_every_exercise_is_solved_next_names_the_ones_whose_latest_grade_fails(workspace):
    assert invoke_studykit("list", cwd=workspace).returncode == 0  # creates the store
    with sqlite3.connect(workspace / ".studykit" / "progress.db") as db:
        for ex in all_exercises():
            db.execute("insert into grades (exercise, status, score, seed, duration, graded_at) "
                       "values (?, 'pass', 1.0, 1, 0.1, 1)", (ex.id,))
        db.execute("insert into grades (exercise, status, score, seed, duration, graded_at) "
                   "values ('ex05', 'fail', 0.4, 2, 0.1, 2)")
    nxt = invoke_studykit("next", cwd=workspace).stdout
    assert nxt.startswith("Every exercise is solved") and "your latest grade of ex05 fails" in nxt
    listing = invoke_studykit("list", cwd=workspace).stdout
    assert all(line_of(listing, ex.id).startswith("✓") for ex in all_exercises())


def test_a_store_from_an_older_studykit_is_migrated(workspace):
    state = workspace / ".studykit" / "progress.db"
    state.unlink(missing_ok=True)
    with sqlite3.connect(state) as db:
        db.executescript("CREATE TABLE grades (id INTEGER PRIMARY KEY AUTOINCREMENT, exercise TEXT NOT NULL, "
                         "status TEXT NOT NULL, score REAL NOT NULL, seed INTEGER, duration REAL, graded_at REAL NOT NULL);"
                         "INSERT INTO grades (exercise, status, score, seed, duration, graded_at) "
                         "VALUES ('ex01', 'pass', 1.0, 1, 0.1, 1);")
    proc = invoke_studykit("list", cwd=workspace)
    assert proc.returncode == 0 and line_of(proc.stdout, "ex01").startswith("✓ ex01  100%"), proc.stdout + proc.stderr


def test_next_and_show_outside_a_workspace_say_how_to_make_one(tmp_path):
    for args in (["next"], ["show", "ex03"], ["list"]):
        proc = invoke_studykit(*args, cwd=tmp_path)
        assert proc.returncode == 0 and "studykit init my-practice" in proc.stdout, (args, proc.stdout)
        assert "exercises/ex" not in proc.stdout.split("相关笔记")[-1].replace("my-practice/exercises/", "")
        assert proc.stdout.rstrip().splitlines()[-1].startswith("next: `studykit init my-practice`")


def _links(text: str) -> list[str]:
    return re.findall(r"\(([^()\s]+\.md)\)", text)


@pytest.mark.parametrize("where", ["workspace", "outside"])
def test_show_renders_markdown_and_maths_for_a_terminal_with_links_that_exist(where, workspace, tmp_path):
    cwd = workspace / "exercises" if where == "workspace" else tmp_path
    for ex in all_exercises():
        proc = invoke_studykit("show", ex.id, cwd=cwd)
        out = proc.stdout
        assert proc.returncode == 0 and "Traceback" not in proc.stderr
        assert "$" not in out and "\\frac" not in out and "\\partial" not in out and "](" not in out, ex.id
        assert not re.search(r"^#+ ", out, flags=re.M)  # headings rendered
        links = _links(out)
        assert links, (ex.id, out[:400])
        for link in links:
            assert (cwd / link).resolve().is_file(), (ex.id, link)
    ex03 = invoke_studykit("show", "ex03", cwd=cwd).stdout
    assert "∂L/∂Z = (softmax(Z) − onehot(y))/N" in ex03 and "(1/N)Σᵢ₌₁ᴺ" in ex03
    assert "**你自己的**" not in ex03 and "你自己的" in ex03  # emphasis rendered, not shown as asterisks
    assert re.search(r"交叉熵 \(\S*03-linear-softmax-mlp\.md\)", " ".join(ex03.split()))  # a section link's path
    raw = invoke_studykit("show", "ex03", "--raw", cwd=cwd).stdout
    assert "\\frac{\\partial L}{\\partial Z}" in raw  # the Markdown as written, for a viewer
