"""The practice loop as a learner uses it: init, list, show, hint, next, grade, progress, reset, watch."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SOLUTIONS, invoke_studykit

from studykit.catalog import all_exercises


def solution(root: Path, exercise: str) -> Path:
    return next((root / "exercises").glob(f"{exercise}-*")) / "solution.py"


def test_init_copies_every_starter_and_keeps_existing_files(workspace):
    for ex in all_exercises():
        folder = workspace / "exercises" / ex.folder
        assert (folder / "solution.py").read_bytes() == (ex.starter_dir / "solution.py").read_bytes()
        assert (folder / "README.md").is_file() and (folder / "meta.toml").is_file()
    mine = solution(workspace, "ex01")
    mine.write_text("# my work\n", encoding="utf-8")
    assert invoke_studykit("init", str(workspace)).returncode == 0
    assert mine.read_text(encoding="utf-8") == "# my work\n"
    assert (workspace / ".studykit" / ".gitignore").read_text() == "*\n"


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_grade_in_a_workspace_records_progress_and_says_what_is_next(workspace):
    solution(workspace, "ex01").write_text((SOLUTIONS / "ex01_correct.py").read_text(), encoding="utf-8")
    proc = invoke_studykit("grade", "ex01", cwd=workspace / "exercises")  # found from a folder below
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all checks pass" in proc.stdout and "next: `studykit show ex02`" in proc.stdout
    listing = invoke_studykit("list", cwd=workspace).stdout
    assert "✓ ex01  100%  latest ✓ 100%" in listing and "· ex02" in listing
    nxt = invoke_studykit("next", cwd=workspace).stdout
    assert nxt.startswith("ex02") and "studykit grade ex02" in nxt
    invoke_studykit("grade", "ex02", cwd=workspace)  # the starter: fails
    assert "✗ ex02    0%  latest ✗   0%" in invoke_studykit("list", cwd=workspace).stdout
    progress = invoke_studykit("progress", cwd=workspace).stdout
    assert "solved 1/" in progress and "2 grades in all" in progress and "✓ ex01 ██████████ best 100%" in progress


def test_hints_go_one_step_further_each_call(workspace):
    ex = next(e for e in all_exercises() if e.id == "ex03")
    first = invoke_studykit("hint", "ex03", cwd=workspace).stdout
    second = invoke_studykit("hint", "3", cwd=workspace).stdout
    assert f"hint 1/{len(ex.hints)}" in first and ex.hints[0].strip()[:20] in first
    assert f"hint 2/{len(ex.hints)}" in second and ex.hints[1].strip()[:20] in second
    again = invoke_studykit("hint", "ex03", "--level", "1", cwd=workspace).stdout
    assert "hint 1/" in again
    assert f"hint 3/{len(ex.hints)}" in invoke_studykit("hint", "ex03", cwd=workspace).stdout
    bad = invoke_studykit("hint", "ex03", "--level", "99", cwd=workspace)
    assert bad.returncode == 2 and "use --level 1 to" in bad.stderr


def test_show_prints_the_task_and_where_to_edit(workspace):
    proc = invoke_studykit("show", "ex03", cwd=workspace)
    assert proc.returncode == 0
    assert "softmax_cross_entropy" in proc.stdout and "studykit grade ex03" in proc.stdout
    assert str(solution(workspace, "ex03")) in proc.stdout
    assert invoke_studykit("show", "ex42").returncode == 2


def test_reset_keeps_a_backup_of_the_learners_file(workspace):
    mine = solution(workspace, "ex03")
    mine.write_text("# half-way there\n", encoding="utf-8")
    proc = invoke_studykit("reset", "ex03", "--yes", cwd=workspace)
    assert proc.returncode == 0 and "saved as" in proc.stdout
    ex = next(e for e in all_exercises() if e.id == "ex03")
    assert mine.read_bytes() == (ex.starter_dir / "solution.py").read_bytes()
    backups = list((workspace / ".studykit" / "backups").glob("ex03-*.py"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == "# half-way there\n"


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_concurrent_grades_both_land_in_the_store(workspace):
    solution(workspace, "ex01").write_text((SOLUTIONS / "ex01_correct.py").read_text(), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    procs = [subprocess.Popen([sys.executable, "-m", "studykit", "grade", name, "--json"], cwd=workspace, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name in ("ex01", "ex02", "ex01",
                                                                                           "ex04")]
    for p in procs:
        p.communicate(timeout=60)
    with sqlite3.connect(workspace / ".studykit" / "progress.db") as db:
        rows = db.execute("select exercise, status from grades order by id").fetchall()
    assert sorted(rows) == [("ex01", "pass"), ("ex01", "pass"), ("ex02", "fail"), ("ex04", "fail")]


def _grading_child_of(pid: int) -> bool:
    """Whether a process below `pid` runs the grading child (read from /proc)."""
    pending, seen = [pid], set()
    while pending:
        current = pending.pop()
        seen.add(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending += [int(c) for c in (task / "children").read_text().split() if int(c) not in seen]
            except OSError:
                pass
        try:
            if current != pid and b"studykit.grading.child" in Path(f"/proc/{current}/cmdline").read_bytes():
                return True
        except OSError:
            pass
    return False


def test_a_grade_killed_mid_way_leaves_the_store_usable(workspace):
    solution(workspace, "ex02").write_text("def softmax(Z, axis=-1):\n    while True: pass\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "studykit", "grade", "ex02"], cwd=workspace,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # killed while the learner's loop runs: wait for the grading child to exist (a hang guard, not a clock trusted)
    deadline = time.monotonic() + 120
    while not _grading_child_of(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert _grading_child_of(proc.pid), "the grade never started the learner's process"
    proc.kill()
    proc.wait()
    assert invoke_studykit("list", cwd=workspace).returncode == 0
    with sqlite3.connect(workspace / ".studykit" / "progress.db") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_watch_regrades_when_the_file_is_saved(workspace):
    import queue
    import threading

    target = solution(workspace, "ex01")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "studykit", "watch", "ex01", "--interval", "0.2"], cwd=workspace,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen: list[str] = []

    def wait_for(words: str, within: float = 120) -> None:  # a hang guard only, far above a grade on a busy machine
        deadline = time.monotonic() + within
        while not any(words in line for line in seen):
            seen.append(lines.get(timeout=max(0.01, deadline - time.monotonic())))

    try:
        wait_for("replay exactly this run")  # the first grade, of the starter, is complete
        target.write_text((SOLUTIONS / "ex01_correct.py").read_text(), encoding="utf-8")
        os.utime(target, (time.time() + 5, time.time() + 5))
        wait_for("all checks pass")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    time.sleep(0.2)
    while not lines.empty():
        seen.append(lines.get())
    out = "".join(seen)
    assert "watching" in out
    assert out.count("grading ex01") == 2
    assert "not implemented yet" in out and "all checks pass" in out
    assert "stopped watching" in out


def test_help_and_list_import_no_heavy_modules(workspace):
    """Nor fsrs: listing and choosing what is next read due dates from the store, never the scheduler."""
    probe = ("import sys, runpy; sys.argv = ['studykit'] + sys.argv[1:]\n"
             "try:\n    runpy.run_module('studykit', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "heavy = [m for m in ('numpy', 'sympy', 'genanki', 'markdown_it', 'fsrs') if m in sys.modules]\n"
             "print('HEAVY=' + ','.join(heavy))\n")
    for args in (["--help"], ["list"], ["hint", "ex01"], ["next"]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], cwd=workspace, capture_output=True, text=True)
        assert "HEAVY=\n" in proc.stdout or proc.stdout.rstrip().endswith("HEAVY="), (args, proc.stdout)


def test_usage_errors_never_show_a_traceback(tmp_path):
    for args in (["grade"], ["show", "nope"], ["reset", "ex01", "--yes"], ["progress"], ["hint", "ex77"],
                 ["review"], ["review", "ex01"], ["restore", "ex01"], ["review", "ex99"]):
        proc = invoke_studykit(*args, cwd=tmp_path)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr


def test_init_brings_the_notes_so_links_work_and_the_default_deck_builds(workspace, tmp_path):
    import re

    for ex in all_exercises():
        readme = (workspace / "exercises" / ex.folder / "README.md").read_text(encoding="utf-8")
        for link in re.findall(r"\]\((\.\./\.\./content/[^)]+)\)", readme):
            assert (workspace / "exercises" / ex.folder / link).resolve().is_file(), (ex.id, link)
    assert (workspace / "content" / "images" / "relu.svg").is_file()
    proc = invoke_studykit("build", "--strict", cwd=workspace / "exercises")
    assert proc.returncode == 0 and "0 warnings" in proc.stdout
    assert (workspace / "decks" / "studykit.apkg").is_file()


def test_build_without_any_content_folder_uses_the_shipped_notes(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = invoke_studykit("build", cwd=empty)
    assert proc.returncode == 0, proc.stderr
    assert (empty / "decks" / "studykit.apkg").is_file()
    shipped = len(list((REPO / "content").glob("*.md")))  # the shipped notes, one file each
    assert proc.stdout.startswith(f"{shipped} files") and "0 warnings" in proc.stdout
