"""Practice commands beyond the main loop: every command ends by saying what to do next, hints are
remembered per workspace, names are forgiving, and bad input is a message with exit code 2."""

from __future__ import annotations

import pytest
from conftest import SOLUTIONS, grade_file, invoke_studykit

from studykit.catalog import all_exercises, find


@pytest.mark.parametrize("args", [["list"], ["next"], ["show", "ex02"], ["hint", "ex02"], ["progress"], ["review"],
                                  ["restore", "ex02", "--list"]])
def test_every_loop_command_ends_with_next(workspace, args):
    proc = invoke_studykit(*args, cwd=workspace)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().splitlines()[-1].startswith("next: "), proc.stdout


def test_a_failing_grade_says_to_fix_it_and_how_to_get_help(workspace):
    proc = invoke_studykit("grade", "ex01", cwd=workspace)
    assert proc.returncode == 1
    assert "not implemented yet" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1] == "next: fix ex01, then `studykit grade ex01` (stuck? `studykit hint ex01`)"
    assert "replay exactly this run: studykit grade ex01 --seed " in proc.stdout


def test_hint_levels_are_per_workspace_and_past_the_last_say_there_are_no_more(workspace, tmp_path):
    ex = find("ex01")
    outputs = [invoke_studykit("hint", "ex01", cwd=workspace).stdout for _ in range(len(ex.hints) + 2)]
    last = outputs[len(ex.hints) - 1]
    assert f"hint {len(ex.hints)}/{len(ex.hints)}" in last and "(that was the last hint)" in last
    for past in outputs[len(ex.hints):]:
        assert past.startswith(f"no more hints for ex01: you have seen all {len(ex.hints)}.")
        assert ex.hints[-1].strip()[:20] not in past  # the last hint is not silently repeated
        assert past.rstrip().splitlines()[-1] == "next: try it, then `studykit grade ex01`"
    assert f"hint {len(ex.hints)}/" in invoke_studykit("hint", "ex01", "--level", str(len(ex.hints)), cwd=workspace).stdout
    other = tmp_path / "other"
    assert invoke_studykit("init", str(other)).returncode == 0
    assert "hint 1/" in invoke_studykit("hint", "ex01", cwd=other).stdout


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_solved_exercise_stays_solved_and_its_latest_failing_grade_is_shown(workspace):
    target = next((workspace / "exercises").glob("ex01-*")) / "solution.py"
    target.write_text((SOLUTIONS / "ex01_correct.py").read_text(), encoding="utf-8")
    assert invoke_studykit("grade", "ex01", cwd=workspace).returncode == 0
    second = all_exercises()[1].id
    assert invoke_studykit("next", cwd=workspace).stdout.startswith(second)
    target.write_text((SOLUTIONS / "ex01_sign_flipped.py").read_text(), encoding="utf-8")
    assert invoke_studykit("grade", "ex01", cwd=workspace).returncode == 1
    assert invoke_studykit("next", cwd=workspace).stdout.startswith(second)  # solved stays solved
    listing = invoke_studykit("list", cwd=workspace).stdout
    assert "✓ ex01  100%  latest ✗  " in listing  # solved, best kept, and the latest verdict beside it
    progress = invoke_studykit("progress", cwd=workspace).stdout
    assert "solved 1/" in progress and "✓ ex01 ██████████ best 100%  latest ✗" in progress


def test_reset_twice_keeps_both_backups_and_a_pristine_file_needs_none(workspace):
    target = next((workspace / "exercises").glob("ex02-*")) / "solution.py"
    for text in ("# attempt one\n", "# attempt two\n"):
        target.write_text(text, encoding="utf-8")
        assert invoke_studykit("reset", "2", "--yes", cwd=workspace).returncode == 0
    backups = sorted((workspace / ".studykit" / "backups").glob("ex02-*"))
    assert sorted(b.read_text() for b in backups) == ["# attempt one\n", "# attempt two\n"]
    proc = invoke_studykit("reset", "ex02", "--yes", cwd=workspace)
    assert proc.returncode == 0 and "saved as" not in proc.stdout
    assert len(list((workspace / ".studykit" / "backups").glob("ex02-*"))) == 2


def test_reset_restores_a_deleted_solution(workspace):
    target = next((workspace / "exercises").glob("ex03-*")) / "solution.py"
    target.unlink()
    assert invoke_studykit("grade", "ex03", cwd=workspace).returncode == 2  # missing file: a usage error
    assert invoke_studykit("reset", "ex03", "--yes", cwd=workspace).returncode == 0
    assert target.read_bytes() == (find("ex03").starter_dir / "solution.py").read_bytes()


def test_init_into_a_file_path_is_a_usage_error(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    proc = invoke_studykit("init", str(blocker))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_timeout_option_is_used_and_replayed(tmp_path):
    slow = tmp_path / "slow.py"
    slow.write_text("import time\ndef linear_forward(X, w, b):\n    time.sleep(30)\n", encoding="utf-8")
    proc, result = grade_file("ex01", slow, "--timeout", "1.5", "--seed", "9")
    assert proc.returncode == 1 and result["status"] == "error"
    assert "did not finish within 1.5 s" in result["message"] and "linear_forward" not in result["message"]
    assert result["replay"] == f"studykit grade ex01 --seed 9 --file {slow} --timeout 1.5"
