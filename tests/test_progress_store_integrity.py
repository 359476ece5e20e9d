"""A progress store that lies is reported, never used or replaced silently (issue #22, item 6)."""

from __future__ import annotations

import sqlite3

import pytest

from studykit.errors import StudykitError
from studykit.progress import ProgressStore, StoreError


def store_path(root):
    return root / ".studykit" / "progress.db"


def test_a_zero_byte_store_is_reported_and_left_alone(tmp_path):
    with ProgressStore.for_workspace(tmp_path) as store:
        for k in range(25):
            store.record_grade("ex01", "fail", k / 100, k, 0.1)
    path = store_path(tmp_path)
    path.write_bytes(b"")  # truncated: by a crash, a full disk or a sync tool
    with pytest.raises(StoreError) as caught:
        ProgressStore.for_workspace(tmp_path)
    message = str(caught.value)
    assert "is empty (0 bytes)" in message and f"rm {path}" in message
    assert isinstance(caught.value, StudykitError) and caught.value.exit_code == 2
    assert path.read_bytes() == b""  # not replaced by a new empty store


def test_a_new_store_is_born_with_its_schema(tmp_path):
    ProgressStore.for_workspace(tmp_path).close()
    path = store_path(tmp_path)
    assert path.stat().st_size > 0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 2
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    with ProgressStore.for_workspace(tmp_path) as store:  # and opens again as itself
        assert store.standing("ex01").attempts == 0


@pytest.mark.parametrize("table, columns, row, named", [
    ("grades", "exercise TEXT, status TEXT, score TEXT, seed INTEGER, duration REAL, graded_at REAL, "
               "source TEXT, file TEXT, starter INTEGER", ("ex01", "pass", "high", 1, 0.1, 1.0, "workspace", None, 0),
     "grades.score is declared TEXT, expected REAL"),
    ("grades", "exercise TEXT, status TEXT, score REAL, seed INTEGER, duration REAL, graded_at REAL, "
               "source TEXT, file TEXT, starter INTEGER", ("ex01", "pass", 1.0, 1, 0.1, "yesterday", "workspace", None, 0),
     "grades.graded_at holds 'yesterday', not a number"),
])
def test_wrong_column_types_are_a_clear_message(tmp_path, table, columns, row, named):
    ProgressStore.for_workspace(tmp_path).close()
    path = store_path(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute(f"DROP TABLE {table}")
        db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY AUTOINCREMENT, {columns})")
        db.execute(f"INSERT INTO {table} ({', '.join(c.split()[0] for c in columns.split(', '))}) "
                   f"VALUES ({', '.join('?' * len(row))})", row)
    with pytest.raises(StoreError) as caught:
        ProgressStore.for_workspace(tmp_path)
    assert named in str(caught.value) and "is damaged" in str(caught.value)
    assert f"mv {path} {path}.damaged" in str(caught.value)


@pytest.mark.cli
def test_the_cli_says_so_with_exit_2_and_no_traceback(workspace):
    from conftest import run_studykit

    run_studykit("hint", "ex01", cwd=workspace)  # makes the store
    store_path(workspace).write_bytes(b"")
    proc = run_studykit("progress", cwd=workspace)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: the progress store ") and "is empty (0 bytes)" in proc.stderr
