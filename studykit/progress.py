"""The progress store: every grade and hint level, in SQLite under the workspace's `.studykit/`.

WAL mode and a busy timeout let two terminals grade at once (both rows land); each grade is one
transaction, so a process killed mid-way leaves the database as it was before that grade.
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
    graded_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS grades_by_exercise ON grades (exercise, graded_at);
CREATE TABLE IF NOT EXISTS hints (
    exercise TEXT PRIMARY KEY,
    level INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Standing:
    """Where the learner stands on one exercise."""

    attempts: int
    best_score: float
    last_status: str | None
    passed: bool
    first_pass_at: float | None


class ProgressStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout = 30000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.executescript(SCHEMA)

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

    def record_grade(self, exercise: str, status: str, score: float, seed: int | None, duration: float) -> None:
        with self._db:  # one transaction
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO grades (exercise, status, score, seed, duration, graded_at) VALUES (?, ?, ?, ?, ?, ?)",
                (exercise, status, float(score), seed, float(duration), time.time()),
            )

    def standing(self, exercise: str) -> Standing:
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(MAX(score), 0), MIN(CASE WHEN status = 'pass' THEN graded_at END) "
            "FROM grades WHERE exercise = ?",
            (exercise,),
        ).fetchone()
        last = self._db.execute(
            "SELECT status FROM grades WHERE exercise = ? ORDER BY graded_at DESC, id DESC LIMIT 1", (exercise,)
        ).fetchone()
        return Standing(
            attempts=row[0],
            best_score=float(row[1]),
            last_status=last[0] if last else None,
            passed=row[2] is not None,
            first_pass_at=row[2],
        )

    def history(self, exercise: str | None = None) -> list[tuple[str, str, float, float]]:
        """(exercise, status, score, graded_at) rows, oldest first."""
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
