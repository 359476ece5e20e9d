"""The practice commands in-process with click's CliRunner: the same `studykit` group a learner runs, without a
subprocess per command (grading still spawns its child). Tests that need a real process are marked `cli`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import studykit
from studykit.cli import COMMANDS, main

NOW = {"STUDYKIT_NOW": "2026-03-10T09:00", "NO_COLOR": "1"}


@pytest.fixture
def run(tmp_path, monkeypatch):
    """run("list", "--json") → the click Result, in a fresh workspace made by `studykit init`."""
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "ws")], env=NOW).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")

    def invoke(*args: str, **env: str):
        return runner.invoke(main, list(args), env={**NOW, **env}, catch_exceptions=False)

    return invoke


def test_version_and_help_list_every_command():
    runner = CliRunner()
    version = runner.invoke(main, ["--version"])
    assert version.exit_code == 0 and version.output.strip() == f"studykit, version {studykit.__version__}"
    assert studykit.__version__ == "0.2.0"
    shown = runner.invoke(main, ["--help"]).output
    assert all(f"  {name} " in shown for name in COMMANDS)


def test_outside_a_workspace_list_and_next_say_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    listing = runner.invoke(main, ["list"], env=NOW)
    assert listing.exit_code == 0 and "progress is not shown: no workspace here" in listing.output
    nxt = runner.invoke(main, ["next", "--json"], env=NOW)
    assert json.loads(nxt.output)["action"] == "init"


def test_errors_are_one_message_on_stderr_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    unknown = runner.invoke(main, ["show", "ex99"], env=NOW)
    assert unknown.exit_code == 2 and unknown.stderr.startswith("error: ") and unknown.stdout == ""
    assert unknown.exception is None or isinstance(unknown.exception, SystemExit)
    no_ws = runner.invoke(main, ["progress"], env=NOW)
    assert no_ws.exit_code == 2 and "not inside a studykit workspace" in no_ws.stderr
    bad_clock = runner.invoke(main, ["init", str(tmp_path / "w")], env={"STUDYKIT_NOW": "soon"})
    assert bad_clock.exit_code == 0  # init reads no clock
    monkeypatch.chdir(tmp_path / "w")
    clock = runner.invoke(main, ["progress"], env={"STUDYKIT_NOW": "soon"})
    assert clock.exit_code == 2 and clock.stderr.startswith("error: STUDYKIT_NOW='soon' is not an ISO 8601")


def test_hints_are_remembered_and_show_renders_the_task(run):
    first = run("hint", "ex01")
    assert first.exit_code == 0 and first.output.startswith("hint 1/")
    assert run("hint", "ex01").output.startswith("hint 2/")
    task = run("show", "ex01")
    assert task.exit_code == 0 and "edit:  " in task.output and "$" not in task.output.split("edit:")[0][-200:]
    assert run("show", "ex01", "--raw").output.startswith("#")


def test_a_grade_in_process_records_and_progress_and_next_agree(run):
    outcome = run("grade", "ex01", "--json", "--seed", "3")
    result = json.loads(outcome.output)
    assert outcome.exit_code == 1 and result["status"] == "fail" and result["exercise"] == "ex01"
    progress = json.loads(run("progress", "--json").output)
    assert progress["grades"] == 1 and progress["exercises"][0]["attempts"] == 1
    nxt = json.loads(run("next", "--json").output)
    assert nxt["action"] == "fix" and nxt["exercise"] == "ex01" and nxt["command"] == "studykit grade ex01"
    assert run("list").output.splitlines()[0].startswith("✗ ex01")


def test_reset_restores_the_starter_and_review_lists_nothing_yet(run):
    mine = Path("exercises") / next(p.name for p in Path("exercises").iterdir() if p.name.startswith("ex01"))
    (mine / "solution.py").write_text("# my attempt\n", encoding="utf-8")
    reset = run("reset", "ex01", "--yes")
    assert reset.exit_code == 0 and "your previous file is saved as" in reset.output
    assert (mine / "solution.py").read_text(encoding="utf-8") != "# my attempt\n"
    reviews = json.loads(run("review", "--json").output)
    assert reviews["due"] == [] and reviews["in_progress"] == [] and reviews["later"] == []
    not_solved = run("review", "ex01")
    assert not_solved.exit_code == 2 and "is not solved yet" in not_solved.stderr
    assert os.path.isdir(".studykit")
