"""The progress store: what it remembers, and that concurrent or killed writers never lose or corrupt it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

from studykit.progress import ProgressStore


def test_standing_tracks_attempts_best_score_and_last_status(tmp_path):
    with ProgressStore.for_workspace(tmp_path) as store:
        assert store.standing("ex01").attempts == 0 and store.standing("ex01").last_status is None
        store.record_grade("ex01", "fail", 0.5, 1, 0.3)
        store.record_grade("ex01", "pass", 1.0, 2, 0.3)
        store.record_grade("ex01", "fail", 0.25, 3, 0.3)  # broke it again after solving it
        s = store.standing("ex01")
        assert (s.attempts, s.best_score, s.last_status, s.passed) == (3, 1.0, "fail", True)
        assert [row[1] for row in store.history("ex01")] == ["fail", "pass", "fail"]
        assert store.history("ex02") == []
    assert (tmp_path / ".studykit" / ".gitignore").read_text() == "*\n"


def test_hint_level_is_remembered_between_runs(tmp_path):
    with ProgressStore.for_workspace(tmp_path) as store:
        assert store.hint_level("ex03") == 0
        store.set_hint_level("ex03", 2)
    with ProgressStore.for_workspace(tmp_path) as store:
        assert store.hint_level("ex03") == 2


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from studykit.progress import ProgressStore
    store = ProgressStore.for_workspace(Path(sys.argv[1]))
    for i in range(int(sys.argv[3])):
        store.record_grade(sys.argv[2], "fail", i / 100, i, 0.01)
    print("ok")
""")


def test_two_processes_writing_at_once_both_land(tmp_path):
    ProgressStore.for_workspace(tmp_path).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name, "150"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for name in ("ex01", "ex02")]
    for w in writers:
        out, err = w.communicate(timeout=60)
        assert w.returncode == 0 and out.strip() == "ok", err
    with ProgressStore.for_workspace(tmp_path) as store:
        assert store.standing("ex01").attempts == 150 and store.standing("ex02").attempts == 150


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from studykit.progress import ProgressStore
    store = ProgressStore.for_workspace(Path(sys.argv[1]))
    db = store._db
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO grades (exercise, status, score, seed, duration, graded_at) "
               "VALUES ('ex09', 'pass', 1, 0, 0, 0)")
    print("holding", flush=True)
    time.sleep(60)
""")


def test_a_writer_killed_mid_transaction_loses_only_its_own_grade(tmp_path):
    with ProgressStore.for_workspace(tmp_path) as store:
        store.record_grade("ex01", "pass", 1.0, 1, 0.2)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    with ProgressStore.for_workspace(tmp_path) as store:
        store._db.execute("PRAGMA busy_timeout = 0")  # the lock died with the writer: one still held raises at once
        store.record_grade("ex02", "fail", 0.5, 2, 0.2)
        assert store.standing("ex09").attempts == 0  # the half-written grade never appears
        assert store.standing("ex01").passed and store.standing("ex02").attempts == 1
    with sqlite3.connect(tmp_path / ".studykit" / "progress.db") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
