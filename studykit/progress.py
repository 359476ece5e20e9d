"""The progress store: every grade and hint level, in SQLite under the workspace's `.studykit/`.

WAL mode and a busy timeout let two terminals grade at once (both rows land); each grade is one
transaction, so a process killed mid-way leaves the database as it was before that grade.

One standing per exercise, used by `list`, `progress`, `next` and `watch` alike: an exercise is SOLVED once a grade
of the workspace's own `exercises/exNN-*/solution.py` has passed; beside it the latest such grade is shown. A grade
of another file (`grade --file PATH`) is kept as a trial (source = 'file') and never counts towards the standing.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exercise TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    seed INTEGER,
    duration REAL,
    graded_at REAL NOT NULL,
    source TEXT NOT NULL DEFAULT 'workspace',  -- 'workspace' (its own solution.py) or 'file' (grade --file PATH)
    file TEXT
);
CREATE INDEX IF NOT EXISTS grades_by_exercise ON grades (exercise, graded_at);
CREATE TABLE IF NOT EXISTS hints (
    exercise TEXT PRIMARY KEY,
    level INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Standing:
    """Where the learner stands on one exercise, from the grades of the workspace's own file only."""

    attempts: int  # grades of the workspace's solution.py
    best_score: float
    last_status: str | None  # the latest of those grades
    passed: bool  # solved: one of those grades passed
    first_pass_at: float | None  # when it was first solved
    last_score: float = 0.0
    trials: int = 0  # grades of other files (grade --file PATH): shown, never counted

    @property
    def solved(self) -> bool:
        return self.passed


class ProgressStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout = 30000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """A store written by an older studykit has no `source`/`file` columns: add them (old grades count as the
        workspace's, which is what they were recorded as)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(grades)")}
        missing = [c for c in ("source", "file") if c not in columns]
        if missing:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                columns = {row[1] for row in self._db.execute("PRAGMA table_info(grades)")}  # another process may have
                if "source" not in columns:
                    self._db.execute("ALTER TABLE grades ADD COLUMN source TEXT NOT NULL DEFAULT 'workspace'")
                if "file" not in columns:
                    self._db.execute("ALTER TABLE grades ADD COLUMN file TEXT")

    @classmethod
    def for_workspace(cls, root: Path) -> "ProgressStore":
        from studykit.workspace import state_dir

        return cls(state_dir(root) / "progress.db")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "ProgressStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def record_grade(self, exercise: str, status: str, score: float, seed: int | None, duration: float,
                     file: str | None = None) -> None:
        """One grade; `file` is the path of another file than the workspace's solution.py (a trial), else None."""
        with self._db:  # one transaction
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO grades (exercise, status, score, seed, duration, graded_at, source, file) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (exercise, status, float(score), seed, float(duration), time.time(),
                 "file" if file else "workspace", file),
            )

    def standing(self, exercise: str) -> Standing:
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(MAX(score), 0), MIN(CASE WHEN status = 'pass' THEN graded_at END) "
            "FROM grades WHERE exercise = ? AND source = 'workspace'",
            (exercise,),
        ).fetchone()
        last = self._db.execute(
            "SELECT status, score FROM grades WHERE exercise = ? AND source = 'workspace' "
            "ORDER BY graded_at DESC, id DESC LIMIT 1", (exercise,)
        ).fetchone()
        trials = self._db.execute("SELECT COUNT(*) FROM grades WHERE exercise = ? AND source = 'file'",
                                  (exercise,)).fetchone()[0]
        return Standing(
            attempts=row[0],
            best_score=float(row[1]),
            last_status=last[0] if last else None,
            passed=row[2] is not None,
            first_pass_at=row[2],
            last_score=float(last[1]) if last else 0.0,
            trials=trials,
        )

    def history(self, exercise: str | None = None) -> list[tuple[str, str, float, float]]:
        """(exercise, status, score, graded_at) rows of every grade (trials of other files too), oldest first."""
        sql = "SELECT exercise, status, score, graded_at FROM grades"
        args: tuple = ()
        if exercise:
            sql += " WHERE exercise = ?"
            args = (exercise,)
        return list(self._db.execute(sql + " ORDER BY graded_at, id", args))

    def hint_level(self, exercise: str) -> int:
        row = self._db.execute("SELECT level FROM hints WHERE exercise = ?", (exercise,)).fetchone()
        return row[0] if row else 0

    def set_hint_level(self, exercise: str, level: int) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO hints (exercise, level) VALUES (?, ?) "
                "ON CONFLICT(exercise) DO UPDATE SET level = excluded.level",
                (exercise, level),
            )
