"""The progress store: every grade, hint level and review, in SQLite under the workspace's `.studykit/`.

WAL mode and a busy timeout let two terminals grade at once (both rows land); each grade — with whatever it
changes in the review schedule — is one transaction, so a process killed mid-way leaves the database as it was
before that grade, and two passing grades at once schedule (or complete) a review exactly once.

One standing per exercise, used by `list`, `progress`, `next` and `watch` alike: an exercise is SOLVED once a grade
of the workspace's own `exercises/exNN-*/solution.py` has passed; beside it the latest such grade is shown. A grade
of another file (`grade --file PATH`) is kept as a trial (source = 'file') and never counts towards the standing.
A review never unsolves anything: it only moves the exercise's due date.

Spaced re-practice (issue #15): the first pass of an exercise gives it one FSRS memory state (table `schedule`,
py-fsrs's card as JSON, with its due time copied out so `list` and `next` need no fsrs); `start_review` opens a
review (`review_sessions`), the next passing grade of the workspace's file closes it with a rating computed from
the grades and hints since it began, and `give_up` closes it as Again. `review_log` keeps every rating.

The schema version is SQLite's `user_version`: a store from an older studykit (version 0) gains the new
columns and tables in one transaction, and every exercise it already records as solved gets its first review,
dated from its first pass. A damaged or foreign file is a StoreError with a message, never a traceback: a new
store is created whole (schema included, then linked into place), so a 0-byte store is a truncated one and is
reported, not replaced; the columns are checked for the types this code reads when the store opens.

The store is SQL only: what a rating is and what it does to an FSRS state is studykit.schedule's (the `policy`).
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from studykit.errors import StudykitError

SCHEMA_VERSION = 2

TABLES = (
    """CREATE TABLE IF NOT EXISTS grades (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exercise TEXT NOT NULL,
        status TEXT NOT NULL,
        score REAL NOT NULL,
        seed INTEGER,
        duration REAL,
        graded_at REAL NOT NULL,                   -- epoch seconds (UTC) from the clock (STUDYKIT_NOW when set)
        source TEXT NOT NULL DEFAULT 'workspace',  -- 'workspace' (its own solution.py) or 'file' (grade --file PATH)
        file TEXT,
        starter INTEGER NOT NULL DEFAULT 0         -- 1: the file graded was the untouched starter
    )""",
    "CREATE INDEX IF NOT EXISTS grades_by_exercise ON grades (exercise, graded_at)",
    """CREATE TABLE IF NOT EXISTS hints (
        exercise TEXT PRIMARY KEY,
        level INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS schedule (
        exercise TEXT PRIMARY KEY,
        card TEXT NOT NULL,                        -- py-fsrs Card.to_dict() as JSON: the FSRS memory state
        due REAL NOT NULL,                         -- the card's due time, epoch seconds (UTC)
        reviews INTEGER NOT NULL DEFAULT 0         -- reviews rated since the first solve (give-ups included)
    )""",
    """CREATE TABLE IF NOT EXISTS review_sessions (
        exercise TEXT PRIMARY KEY,
        started_at REAL NOT NULL,
        after_grade INTEGER NOT NULL,              -- the grades with a larger id belong to this review
        attempt TEXT                               -- the solution `review` kept (None: there was nothing to keep)
    )""",
    """CREATE TABLE IF NOT EXISTS review_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exercise TEXT NOT NULL,
        kind TEXT NOT NULL,                        -- 'solve' (first pass), 'review' (passed), 'give-up'
        rating INTEGER NOT NULL,                   -- FSRS: 1 Again, 2 Hard, 3 Good, 4 Easy
        at REAL NOT NULL,
        failed INTEGER NOT NULL DEFAULT 0,         -- failed grades before the pass (the untouched starter's excluded)
        hints INTEGER NOT NULL DEFAULT 0,          -- hint level reached before the pass
        took REAL,                                 -- reviews: seconds from `studykit review` to the passing grade
        due_before REAL,
        due_after REAL NOT NULL,
        interval_days INTEGER NOT NULL
    )""",
)

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}

# the declared type of every column the store reads (a store with others is foreign or hand-edited)
COLUMN_TYPES = {
    "grades": {"exercise": "TEXT", "status": "TEXT", "score": "REAL", "seed": "INTEGER", "duration": "REAL",
               "graded_at": "REAL", "source": "TEXT", "starter": "INTEGER"},
    "hints": {"exercise": "TEXT", "level": "INTEGER"},
    "schedule": {"exercise": "TEXT", "card": "TEXT", "due": "REAL", "reviews": "INTEGER"},
    "review_sessions": {"exercise": "TEXT", "started_at": "REAL", "after_grade": "INTEGER"},
    "review_log": {"exercise": "TEXT", "kind": "TEXT", "rating": "INTEGER", "at": "REAL", "failed": "INTEGER",
                   "hints": "INTEGER", "took": "REAL", "due_after": "REAL", "interval_days": "INTEGER"},
}


class StoreError(StudykitError):
    """The progress store cannot be used (damaged, foreign, newer, unwritable): the CLI prints the message."""


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


@dataclass(frozen=True)
class ReviewState:
    """One solved exercise's place in the review schedule."""

    exercise: str
    due: float  # epoch seconds (UTC)
    reviews: int  # reviews rated so far (the first solve not counted)
    interval_days: int  # the interval the last rating gave
    last_rating: int  # of the first solve or the latest review
    started_at: float | None = None  # a review in progress since
    attempt: str | None = None  # the solution that review kept

    @property
    def in_progress(self) -> bool:
        return self.started_at is not None


@dataclass(frozen=True)
class Scheduled:
    """What a rating did to an exercise's schedule: its first review (kind 'solve'), a completed review
    ('review') or a give-up ('give-up')."""

    exercise: str
    kind: str
    rating: int
    at: float
    due: float
    interval_days: int
    previous_due: float | None = None
    previous_interval_days: int | None = None
    failed: int = 0
    hints: int = 0
    took: float | None = None
    last_took: float | None = None

    @property
    def rating_name(self) -> str:
        return RATING_NAMES[self.rating]


def _card_id(exercise: str) -> int:
    """py-fsrs wants an id per card; the exercise's number (ex03 → 3) is stable and says which one it is."""
    digits = re.sub(r"\D", "", exercise)
    return int(digits) if digits else zlib.crc32(exercise.encode())


def _create_if_missing(path: Path) -> None:
    """A new store is born whole: made under a temporary name with its schema, then linked into place (which
    fails if another process made it first). So a 0-byte store file is never one of ours in the making — it is a
    truncated one, and is reported as such."""
    if path.exists():
        return
    import os
    import tempfile

    fd, temporary = tempfile.mkstemp(prefix=".progress-", suffix=".db.tmp", dir=path.parent)
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(temporary, isolation_level=None)) as db:
            for statement in TABLES:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another terminal made it first: use theirs
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _guarded(method):
    """sqlite3 errors (and unreadable review states) become a StoreError that names the file and what to do."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise self._explain(exc) from None

    return wrapper


class ProgressStore:
    """The SQL side of progress: grades, hints, the schedule's rows and the review log. What a rating is and what
    it does to an FSRS state is the `policy`'s (studykit.schedule unless given: a test may pass its own)."""

    def __init__(self, path: Path, policy: Any = None):
        self.path = path
        self._policy = policy
        self._conn: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_if_missing(path)
            if path.stat().st_size == 0:
                raise self._empty()
            self._conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._wal()
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
            self._check_columns()
        except StoreError:
            self.close()
            raise
        except sqlite3.Error as exc:
            self.close()
            raise self._explain(exc) from None
        except OSError as exc:
            self.close()
            raise StoreError(f"cannot use the progress store {path}: {exc.strerror or exc}") from None
        except BaseException:
            self.close()
            raise

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the progress store {self.path} is closed (a bug in studykit: please report it)")
        return self._conn

    @property
    def policy(self) -> Any:
        """The rating policy (studykit.schedule: py-fsrs), imported on first use."""
        if self._policy is None:
            from studykit import schedule

            self._policy = schedule
        return self._policy

    def _empty(self) -> StoreError:
        return StoreError(
            f"the progress store {self.path} is empty (0 bytes): the record of your grades and reviews in it is "
            f"gone (a crash, a full disk or a sync tool can truncate a file). studykit never writes an empty "
            f"store, so it will not start a new one over it silently.\nIf you have a copy (a backup, another "
            f"machine), put it back at that path. To start a new record instead, remove the empty file:\n"
            f"  rm {self.path}")

    def _check_columns(self) -> None:
        """Every column this code reads has the declared type it expects, and the numbers are numbers: a foreign
        or hand-edited store is a StoreError that says which column, not a traceback later."""
        for table, expected in COLUMN_TYPES.items():
            declared = {row[1]: str(row[2]).upper() for row in self._db.execute(f"PRAGMA table_info({table})")}
            for column, kind in expected.items():
                if column not in declared:
                    raise self._damaged(f"table {table} has no column {column}")
                if declared[column] != kind:
                    raise self._damaged(f"column {table}.{column} is declared {declared[column] or 'without a type'}"
                                        f", expected {kind}")
            numeric = [c for c, kind in expected.items() if kind in ("REAL", "INTEGER")]
            if numeric:
                wrong = " OR ".join(f"({c} IS NOT NULL AND typeof({c}) NOT IN ('integer', 'real'))" for c in numeric)
                row = self._db.execute(f"SELECT * FROM {table} WHERE {wrong} LIMIT 1").fetchone()
                if row is not None:
                    names = [d[0] for d in self._db.execute(f"SELECT * FROM {table} LIMIT 0").description]
                    bad = next(c for c in numeric if not isinstance(row[names.index(c)], (int, float, type(None))))
                    raise self._damaged(f"column {table}.{bad} holds {row[names.index(bad)]!r}, not a number")

    def _explain(self, exc: sqlite3.Error) -> StoreError:
        message = str(exc)
        if "locked" in message or "busy" in message:
            return StoreError(f"the progress store {self.path} stayed busy for 30 s ({message}): another studykit "
                              f"command is holding it; try again when it has finished.")
        if "readonly" in message or "unable to open" in message or "disk I/O" in message or "full" in message:
            return StoreError(f"cannot use the progress store {self.path}: {message} — check that its folder "
                              f"exists and is writable.")
        return self._damaged(message)

    def _damaged(self, what: str) -> StoreError:
        return StoreError(
            f"the progress store {self.path} is damaged ({what}).\n"
            f"Your exercise files are not affected. To keep the damaged file and start a new record of grades and "
            f"reviews, move it aside:\n  mv {self.path} {self.path}.damaged")

    def _wal(self) -> None:
        """Switch to WAL. Changing the journal mode of a store another process has open fails at once ("database is
        locked") instead of waiting for the busy timeout, as two terminals opening an old store would: retry for the
        same 30 s."""
        import time

        for attempt in range(300):
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if attempt == 299 or not ("locked" in str(exc) or "busy" in str(exc)):
                    raise
                time.sleep(0.1)

    def _migrate(self) -> None:
        """Bring the store to SCHEMA_VERSION in one transaction (another process may be doing the same)."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(f"the progress store {self.path} was written by a newer studykit (store version "
                             f"{version}; this one knows {SCHEMA_VERSION}): upgrade studykit to use it.")
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self._db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
                return
            for statement in TABLES:
                self._db.execute(statement)
            # a store from before trials and starters: its grades count as the workspace's, none of a starter
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(grades)")}
            if "source" not in columns:
                self._db.execute("ALTER TABLE grades ADD COLUMN source TEXT NOT NULL DEFAULT 'workspace'")
            if "file" not in columns:
                self._db.execute("ALTER TABLE grades ADD COLUMN file TEXT")
            if "starter" not in columns:
                self._db.execute("ALTER TABLE grades ADD COLUMN starter INTEGER NOT NULL DEFAULT 0")
            self._schedule_solved_before_reviews()
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _schedule_solved_before_reviews(self) -> None:
        """Every exercise solved before this store had reviews gets its first review, rated and dated as if it had
        been scheduled at its first pass (so one solved weeks ago is due now)."""
        solved = self._db.execute(
            "SELECT exercise, MIN(id), MIN(graded_at) FROM grades WHERE source = 'workspace' AND status = 'pass' "
            "AND exercise NOT IN (SELECT exercise FROM schedule) GROUP BY exercise ORDER BY MIN(id)").fetchall()
        if not solved:
            return
        from studykit import clock

        for exercise, grade_id, at in solved:
            self._schedule_first(exercise, grade_id, clock.utc(at))

    # --- grades and hints -------------------------------------------------------------------------------------

    @classmethod
    def for_workspace(cls, root: Path) -> ProgressStore:
        from studykit.workspace import state_dir

        try:
            folder = state_dir(root)
        except OSError as exc:
            raise StoreError(f"cannot use {root / '.studykit'}: {exc.strerror or exc}") from None
        return cls(folder / "progress.db")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @_guarded
    def record_grade(self, exercise: str, status: str, score: float, seed: int | None, duration: float,
                     file: str | None = None, *, now: datetime | None = None,
                     starter: bool = False) -> Scheduled | None:
        """One grade; `file` is the path of another file than the workspace's solution.py (a trial), else None;
        `starter`: the file graded was the untouched starter. A pass of the workspace's file schedules the first
        review of an exercise solved for the first time, or completes the review in progress; what it did is
        returned (None when the schedule did not change)."""
        from studykit import clock

        moment = now or clock.now()
        schedules = file is None and status == "pass"
        if schedules:
            self.policy  # noqa: B018  (py-fsrs, imported before the write lock is taken)
        with self._db:  # one transaction: the grade and what it does to the schedule
            self._db.execute("BEGIN IMMEDIATE")
            grade_id: int = self._db.execute(  # type: ignore[assignment]  # an INSERT always has a row id
                "INSERT INTO grades (exercise, status, score, seed, duration, graded_at, source, file, starter) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (exercise, status, float(score), seed, float(duration), moment.timestamp(),
                 "file" if file else "workspace", file, int(bool(starter))),
            ).lastrowid
            if not schedules:
                return None
            session = self._db.execute("SELECT started_at, after_grade FROM review_sessions WHERE exercise = ?",
                                       (exercise,)).fetchone()
            state = self._db.execute("SELECT card, due FROM schedule WHERE exercise = ?", (exercise,)).fetchone()
            if state is None:
                self._db.execute("DELETE FROM review_sessions WHERE exercise = ?", (exercise,))
                return self._schedule_first(exercise, grade_id, moment)
            if session is None:
                return None  # solved already and not under review: passing again changes nothing
            started_at, after_grade = session
            if moment.timestamp() < started_at:
                return None  # this grade began before the review laid its starter: it graded the old solution
            failed = self._failed_between(exercise, after_grade, grade_id)
            hints = self._hint_level(exercise)
            took = max(0.0, moment.timestamp() - started_at)
            last = self._db.execute("SELECT took FROM review_log WHERE exercise = ? AND kind = 'review' AND took IS "
                                    "NOT NULL ORDER BY id DESC LIMIT 1", (exercise,)).fetchone()
            last_took = last[0] if last else None
            rating = self.policy.rating_for(failed, hints, took, last_took)
            return self._rate(exercise, "review", rating, moment, state, failed=failed, hints=hints,
                              took=took, last_took=last_took)

    def _failed_between(self, exercise: str, after_grade: int, before_grade: int) -> int:
        return self._db.execute(
            "SELECT COUNT(*) FROM grades WHERE exercise = ? AND source = 'workspace' AND status != 'pass' "
            "AND starter = 0 AND id > ? AND id < ?", (exercise, after_grade, before_grade)).fetchone()[0]

    def _schedule_first(self, exercise: str, grade_id: int, moment: datetime) -> Scheduled:
        failed = self._failed_between(exercise, 0, grade_id)
        hints = self._hint_level(exercise)
        rating = self.policy.rating_for(failed, hints)
        memory = self.policy.first(_card_id(exercise), rating, moment)
        self._db.execute("INSERT INTO schedule (exercise, card, due, reviews) VALUES (?, ?, ?, 0)",
                         (exercise, memory.card, memory.due.timestamp()))
        return self._log(exercise, "solve", rating, moment, memory, failed=failed, hints=hints)

    def _rate(self, exercise: str, kind: str, rating: int, moment: datetime, state: tuple,
              **details) -> Scheduled:
        card, due_before = state
        try:
            before = self.policy.load(card)
            memory = self.policy.reschedule(card, rating, moment)
        except ValueError as exc:
            raise self._damaged(f"the review state of {exercise} cannot be read: {exc}") from None
        self._db.execute("UPDATE schedule SET card = ?, due = ?, reviews = reviews + 1 WHERE exercise = ?",
                         (memory.card, memory.due.timestamp(), exercise))
        self._db.execute("DELETE FROM review_sessions WHERE exercise = ?", (exercise,))
        return self._log(exercise, kind, rating, moment, memory, due_before=due_before,
                         previous_interval_days=before.interval_days, **details)

    def _log(self, exercise: str, kind: str, rating: int, moment: datetime, memory, *, due_before=None,
             previous_interval_days=None, failed=0, hints=0, took=None, last_took=None) -> Scheduled:
        self._db.execute(
            "INSERT INTO review_log (exercise, kind, rating, at, failed, hints, took, due_before, due_after, "
            "interval_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (exercise, kind, rating, moment.timestamp(), failed, hints, took, due_before, memory.due.timestamp(),
             memory.interval_days))
        return Scheduled(exercise=exercise, kind=kind, rating=rating, at=moment.timestamp(),
                         due=memory.due.timestamp(), interval_days=memory.interval_days, previous_due=due_before,
                         previous_interval_days=previous_interval_days, failed=failed, hints=hints, took=took,
                         last_took=last_took)

    @_guarded
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

    @_guarded
    def history(self, exercise: str | None = None) -> list[tuple[str, str, float, float]]:
        """(exercise, status, score, graded_at) rows of every grade (trials of other files too), oldest first."""
        sql = "SELECT exercise, status, score, graded_at FROM grades"
        args: tuple = ()
        if exercise:
            sql += " WHERE exercise = ?"
            args = (exercise,)
        return list(self._db.execute(sql + " ORDER BY graded_at, id", args))

    def _hint_level(self, exercise: str) -> int:
        row = self._db.execute("SELECT level FROM hints WHERE exercise = ?", (exercise,)).fetchone()
        return row[0] if row else 0

    @_guarded
    def hint_level(self, exercise: str) -> int:
        return self._hint_level(exercise)

    @_guarded
    def set_hint_level(self, exercise: str, level: int) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO hints (exercise, level) VALUES (?, ?) "
                "ON CONFLICT(exercise) DO UPDATE SET level = excluded.level",
                (exercise, level),
            )

    # --- reviews ----------------------------------------------------------------------------------------------

    @_guarded
    def review_states(self) -> dict[str, ReviewState]:
        """Every scheduled exercise's review state (a review in progress included), by exercise id."""
        rows = self._db.execute(
            "SELECT s.exercise, s.due, s.reviews, r.started_at, r.attempt, "
            "  (SELECT interval_days FROM review_log l WHERE l.exercise = s.exercise ORDER BY l.id DESC LIMIT 1), "
            "  (SELECT rating FROM review_log l WHERE l.exercise = s.exercise ORDER BY l.id DESC LIMIT 1) "
            "FROM schedule s LEFT JOIN review_sessions r ON r.exercise = s.exercise").fetchall()
        states = {}
        for exercise, due, reviews, started_at, attempt, interval, rating in rows:
            if not isinstance(due, (int, float)):
                raise self._damaged(f"the due date of {exercise} is {due!r}")
            states[exercise] = ReviewState(exercise=exercise, due=float(due), reviews=reviews,
                                           interval_days=int(interval or 0), last_rating=int(rating or 0),
                                           started_at=started_at, attempt=attempt)
        return states

    def review_state(self, exercise: str) -> ReviewState | None:
        return self.review_states().get(exercise)

    @_guarded
    def review_counts(self, exercise: str) -> tuple[int, int]:
        """(failed grades, hint level) of the review in progress — what the rating of a pass would count."""
        session = self._db.execute("SELECT after_grade FROM review_sessions WHERE exercise = ?",
                                   (exercise,)).fetchone()
        if session is None:
            return 0, 0
        return self._failed_between(exercise, session[0], 2**62), self._hint_level(exercise)

    @_guarded
    def start_review(self, exercise: str, now: datetime, attempt: str | None) -> str:
        """Open a review: 'started'; or 'in-progress' (one was open already) or 'not-solved' (nothing to review).
        The hints start again from the first: a hint seen during the review makes its pass Hard."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self._db.execute("SELECT 1 FROM schedule WHERE exercise = ?", (exercise,)).fetchone() is None:
                return "not-solved"
            if self._db.execute("SELECT 1 FROM review_sessions WHERE exercise = ?", (exercise,)).fetchone():
                return "in-progress"
            last_grade = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM grades").fetchone()[0]
            self._db.execute("INSERT INTO review_sessions (exercise, started_at, after_grade, attempt) "
                             "VALUES (?, ?, ?, ?)", (exercise, now.timestamp(), last_grade, attempt))
            self._db.execute("DELETE FROM hints WHERE exercise = ?", (exercise,))
            return "started"

    @_guarded
    def give_up(self, exercise: str, now: datetime) -> Scheduled | None:
        """Close the review in progress as Again (None when there is none)."""
        policy = self.policy
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            session = self._db.execute("SELECT after_grade FROM review_sessions WHERE exercise = ?",
                                       (exercise,)).fetchone()
            state = self._db.execute("SELECT card, due FROM schedule WHERE exercise = ?", (exercise,)).fetchone()
            if session is None or state is None:
                return None
            failed = self._failed_between(exercise, session[0], 2**62)
            return self._rate(exercise, "give-up", policy.AGAIN, now, state, failed=failed,
                              hints=self._hint_level(exercise))

    @_guarded
    def review_log(self, exercise: str | None = None) -> list[dict]:
        """Every rating, oldest first: exercise, kind, rating, at, failed, hints, took, due_before, due_after,
        interval_days."""
        sql = ("SELECT exercise, kind, rating, at, failed, hints, took, due_before, due_after, interval_days "
               "FROM review_log")
        args: tuple = ()
        if exercise:
            sql += " WHERE exercise = ?"
            args = (exercise,)
        keys = ("exercise", "kind", "rating", "at", "failed", "hints", "took", "due_before", "due_after",
                "interval_days")
        return [dict(zip(keys, row, strict=False)) for row in self._db.execute(sql + " ORDER BY id", args)]
