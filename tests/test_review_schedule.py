"""Issue #15 in-process: the rating mapping, the FSRS schedule the store keeps (checked against py-fsrs itself),
kept attempts that are never overwritten, and the clock. The CLI-level session is in test_practice_review.py."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler

from studykit import attempts, clock
from studykit.progress import ProgressStore
from studykit.schedule import AGAIN, EASY, GOOD, HARD, rating_for

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)


def fsrs_due(ratings: list[tuple[int, datetime]]) -> datetime:
    """What py-fsrs says directly: the due time after these (rating, when) reviews of a new card."""
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = Card(card_id=1, due=ratings[0][1])
    for rating, when in ratings:
        card, _ = scheduler.review_card(card, Rating(rating), when)
    return card.due


def test_the_rating_comes_from_what_happened():
    assert rating_for(failed=0, hints=0) == GOOD  # first solve: nothing to be faster than
    assert rating_for(failed=1, hints=0) == HARD
    assert rating_for(failed=0, hints=2) == HARD
    assert rating_for(failed=0, hints=0, took=600, last_took=None) == GOOD
    assert rating_for(failed=0, hints=0, took=600, last_took=1200) == EASY  # half the time: much faster
    assert rating_for(failed=0, hints=0, took=601, last_took=1200) == GOOD
    assert rating_for(failed=3, hints=1, took=10, last_took=1200) == HARD  # speed never outweighs help


@pytest.fixture
def store(tmp_path):
    with ProgressStore.for_workspace(tmp_path) as s:
        yield s


def grade(store, status: str, at: datetime, exercise: str = "ex02", **kw):
    return store.record_grade(exercise, status, 1.0 if status == "pass" else 0.2, 1, 0.1, now=at, **kw)


def test_first_solve_is_rated_like_a_review_and_the_starter_is_no_failed_attempt(store):
    assert grade(store, "fail", T0, starter=True) is None  # the untouched starter graded: not an attempt
    first = grade(store, "pass", T0 + timedelta(minutes=5))
    assert (first.kind, first.rating) == ("solve", GOOD)
    assert first.due == fsrs_due([(GOOD, T0 + timedelta(minutes=5))]).timestamp()
    grade(store, "fail", T0, exercise="ex03")
    hard = grade(store, "pass", T0 + timedelta(minutes=9), exercise="ex03")
    assert (hard.rating, hard.failed) == (HARD, 1)
    assert hard.due == fsrs_due([(HARD, T0 + timedelta(minutes=9))]).timestamp() < first.due
    store.set_hint_level("ex04", 1)
    assert grade(store, "pass", T0, exercise="ex04").rating == HARD


def test_each_rating_moves_the_due_date_as_fsrs_says(store):
    history = [(GOOD, T0)]
    grade(store, "pass", T0)
    steps = [  # (how the review goes, expected rating): took minutes, failed grades, hints
        (dict(took=30), GOOD),
        (dict(took=10), EASY),  # at most half of the last review's 30 min
        (dict(took=10, failed=1), HARD),
        (dict(took=10, hints=True), HARD),
        (dict(give_up=True), AGAIN),
        (dict(took=20), GOOD),  # compared with the last passing review's 10 min: not much faster
    ]
    intervals = []
    for how, expected in steps:
        start = clock.utc(store.review_state("ex02").due) + timedelta(hours=1)
        assert store.start_review("ex02", start, None) == "started"
        assert store.review_state("ex02").in_progress and store.standing("ex02").solved  # a review never unsolves
        if how.get("hints"):
            store.set_hint_level("ex02", 2)
        for _ in range(how.get("failed", 0)):
            assert grade(store, "fail", start + timedelta(minutes=1)) is None
        assert store.standing("ex02").solved
        if how.get("give_up"):
            done = store.give_up("ex02", start + timedelta(minutes=40))
            when = start + timedelta(minutes=40)
        else:
            when = start + timedelta(minutes=how["took"])
            done = grade(store, "pass", when)
        history.append((expected, when))
        assert done.rating == expected, (how, done)
        assert done.due == fsrs_due(history).timestamp(), how
        assert not store.review_state("ex02").in_progress
        intervals.append(done.interval_days)
    good, easy, hard1, hard2, again, good2 = intervals
    assert easy > good > 2 and again < hard2 and good2 > again  # a give-up shortens it, a pass grows it again
    log = store.review_log("ex02")
    assert [row["kind"] for row in log] == ["solve", "review", "review", "review", "review", "give-up", "review"]
    assert [row["rating"] for row in log] == [r for r, _ in history]


def test_trials_and_passes_outside_a_review_leave_the_schedule_alone(store):
    grade(store, "pass", T0)
    due = store.review_state("ex02").due
    assert grade(store, "pass", T0 + timedelta(days=1)) is None  # solved, not under review
    assert store.start_review("ex02", T0 + timedelta(days=2), None) == "started"
    assert store.record_grade("ex02", "pass", 1.0, 1, 0.1, file="/tmp/other.py", now=T0 + timedelta(days=2)) is None
    assert store.review_state("ex02").in_progress and store.review_state("ex02").due == due
    assert store.start_review("ex02", T0 + timedelta(days=2), None) == "in-progress"
    # a grade that began before the review laid its starter graded the old solution: it ends nothing
    assert grade(store, "pass", T0 + timedelta(days=2) - timedelta(seconds=1)) is None
    assert store.review_state("ex02").in_progress
    assert store.start_review("ex05", T0, None) == "not-solved"
    assert store.give_up("ex05", T0) is None


def test_a_review_starts_the_hints_again(store):
    store.set_hint_level("ex02", 3)
    grade(store, "pass", T0)
    store.start_review("ex02", T0 + timedelta(days=2), None)
    assert store.hint_level("ex02") == 0
    assert store.review_counts("ex02") == (0, 0)
    grade(store, "fail", T0 + timedelta(days=2, minutes=3))
    grade(store, "fail", T0 + timedelta(days=2, minutes=4), starter=True)
    assert store.review_counts("ex02") == (1, 0)


def test_kept_attempts_are_never_overwritten_and_sort_in_time(tmp_path):
    early = T0
    first = attempts.keep(tmp_path, "ex02", b"one\n", early)
    second = attempts.keep(tmp_path, "ex02", b"two\n", early)  # the same second
    third = attempts.keep(tmp_path, "ex02", b"three\n", early - timedelta(days=1))
    assert first.read_bytes() == b"one\n" and second.read_bytes() == b"two\n" and first != second
    assert [a.path for a in attempts.listing(tmp_path, "ex02")] == [third, first, second]
    assert [a.number for a in attempts.listing(tmp_path, "ex02")] == [1, 2, 3]
    assert attempts.already_kept(tmp_path, "ex02", b"two\n").path == second
    assert attempts.already_kept(tmp_path, "ex02", b"four\n") is None
    assert not list((tmp_path / ".studykit" / "attempts" / "ex02").glob(".*"))  # no temporary file left


def test_the_clock_reads_STUDYKIT_NOW_in_utc_and_local_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        monkeypatch.setenv("STUDYKIT_NOW", "2024-05-01T09:30")  # local wall-clock time
        assert clock.now() == datetime(2024, 5, 1, 1, 30, tzinfo=timezone.utc)
        monkeypatch.setenv("STUDYKIT_NOW", "2024-05-01T20:00:00Z")
        assert clock.now() == datetime(2024, 5, 1, 20, 0, tzinfo=timezone.utc)
        assert clock.local_date(clock.now()).isoformat() == "2024-05-02"  # 04:00 the next morning in Shanghai
        assert clock.iso(clock.now()) == "2024-05-01T20:00:00Z" and clock.stamp(clock.now()) == "20240501T200000Z"
        monkeypatch.setenv("STUDYKIT_NOW", "2024-05-01 12:00-07:00")
        assert clock.now() == datetime(2024, 5, 1, 19, 0, tzinfo=timezone.utc)
        for bad in ("tomorrow", "2024-13-01", "1714557600"):
            monkeypatch.setenv("STUDYKIT_NOW", bad)
            with pytest.raises(clock.ClockError, match="STUDYKIT_NOW"):
                clock.now()
        monkeypatch.delenv("STUDYKIT_NOW")
        assert abs(clock.now().timestamp() - time.time()) < 3600  # the real clock (not a fixed STUDYKIT_NOW)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_stored_card_is_py_fsrs_own_format(store):
    grade(store, "pass", T0)
    card = json.loads(store._db.execute("SELECT card FROM schedule").fetchone()[0])
    restored = Card.from_dict(card)
    assert restored.due == fsrs_due([(GOOD, T0)]) and restored.last_review == T0
    assert os.path.basename(store.path) == "progress.db"
