"""Issue #15: solved exercises come back from a blank file on an FSRS schedule. Every command here runs as a learner
runs it (`python -m studykit …` in a workspace) with the clock set by STUDYKIT_NOW and the time zone by TZ."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import SOLUTIONS, invoke_studykit, mine
from fsrs import Card, Rating, Scheduler

from studykit.catalog import find

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sk(root: Path, now: datetime | str, *args: str, tz: str = "UTC"):
    """The CLI in `root` at the moment `now` (a datetime, or STUDYKIT_NOW as the learner would write it)."""
    return invoke_studykit(*args, cwd=root, env={"STUDYKIT_NOW": now if isinstance(now, str) else iso(now), "TZ": tz})


def sk_json(root: Path, now, *args: str, tz: str = "UTC"):
    proc = sk(root, now, *args, tz=tz)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, json.loads(proc.stdout)


def fsrs_due(ratings: list[tuple[Rating, datetime]]) -> datetime:
    """What py-fsrs itself says: the due time after these (rating, when) reviews, studykit's scheduler settings."""
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = Card(card_id=1, due=ratings[0][1])
    for rating, when in ratings:
        card, _ = scheduler.review_card(card, rating, when)
    return card.due


def starter(exercise: str) -> bytes:
    return (find(exercise).starter_dir / "solution.py").read_bytes()


def kept(root: Path, exercise: str) -> list[Path]:
    return sorted((root / ".studykit" / "attempts" / exercise).glob("*.py"))


def db(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / ".studykit" / "progress.db")


def test_the_scripted_session_of_the_issue(workspace):
    """Pass ex02 → a review is scheduled; on its due day `next` offers it; `review ex02` keeps the solution and lays
    the starter; a correct re-implementation graded once → the interval grows; a give-up shortens it; `restore`
    brings the kept file back byte for byte."""
    week1 = (SOLUTIONS / "ex02_correct.py").read_bytes() + "# 第一周写的\n".encode()
    mine(workspace, "ex02").write_bytes(week1)
    proc = sk(workspace, T0, "grade", "ex02")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first_due = fsrs_due([(Rating.Good, T0)])
    assert "ex02 solved. It comes back for review on 2024-05-03 (in 2 days)" in proc.stdout
    assert "rated Good: passed on the first grade with no hint" in proc.stdout
    _, listing = sk_json(workspace, T0, "review", "--json")
    assert [(r["exercise"], r["due"], r["state"]) for r in listing["later"]] == [("ex02", iso(first_due), "scheduled")]
    assert listing["due"] == [] and listing["in_progress"] == []

    # the evening before its due day: not offered yet; the morning of its due day (before 10:00): offered first
    _, nxt = sk_json(workspace, "2024-05-02T23:00:00Z", "next", "--json")
    assert nxt["action"] == "new" and nxt["exercise"] == "ex01"
    morning = datetime(2024, 5, 3, 7, 0, tzinfo=timezone.utc)
    proc = sk(workspace, morning, "next")
    assert proc.stdout.startswith("ex02 · ") and "due for review (2024-05-03, today)" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith("next: ex02 is due for review — `studykit review ex02`")
    assert "review due" in next(line for line in sk(workspace, morning, "list").stdout.splitlines() if " ex02 " in line)

    proc = sk(workspace, morning, "review", "ex02")
    assert proc.returncode == 0, proc.stderr
    (attempt1,) = kept(workspace, "ex02")
    assert attempt1.name == "20240503T070000Z.py" and attempt1.read_bytes() == week1
    assert mine(workspace, "ex02").read_bytes() == starter("ex02")
    assert f"kept as .studykit/attempts/ex02/{attempt1.name}" in proc.stdout
    # during the review ex02 stays solved; list, progress and next say it is being reviewed
    ex02_line = next(line for line in sk(workspace, morning, "list").stdout.splitlines() if " ex02 " in line)
    assert ex02_line.startswith("✓ ex02  100%") and "reviewing" in ex02_line
    progress = sk(workspace, morning, "progress").stdout
    assert "solved 1/" in progress and "review: in progress" in progress
    assert sk(workspace, morning, "next").stdout.startswith("ex02 · ")
    assert "--give-up" in sk(workspace, morning, "next").stdout

    # written again and graded once: Good, and the interval grows
    again = (SOLUTIONS / "ex02_correct.py").read_bytes()
    mine(workspace, "ex02").write_bytes(again)
    passed_at = morning + timedelta(minutes=25)
    proc, result = sk_json(workspace, passed_at, "grade", "ex02", "--json")
    schedule = result["schedule"]
    assert (schedule["event"], schedule["rating"], schedule["previous_interval_days"]) == ("review", "Good", 2)
    second_due = fsrs_due([(Rating.Good, T0), (Rating.Good, passed_at)])
    assert schedule["due"] == iso(second_due) and schedule["interval_days"] > 2
    assert schedule["seconds"] == 25 * 60

    # on that due day: review again, get stuck, give up → Again, a shorter interval
    day = second_due + timedelta(hours=2)
    assert sk(workspace, day, "review", "ex02").returncode == 0
    assert [p.read_bytes() for p in kept(workspace, "ex02")] == [week1, again]
    mine(workspace, "ex02").write_text("# 想不起来了\n", encoding="utf-8")
    _, gave = sk_json(workspace, day + timedelta(minutes=40), "review", "ex02", "--give-up", "--json")
    assert (gave["event"], gave["rating"]) == ("give-up", "Again")
    assert gave["interval_days"] < schedule["interval_days"] == gave["previous_interval_days"]
    assert gave["due"] == iso(fsrs_due([(Rating.Good, T0), (Rating.Good, passed_at),
                                        (Rating.Again, day + timedelta(minutes=40))]))
    assert mine(workspace, "ex02").read_text(encoding="utf-8") == "# 想不起来了\n"  # giving up touches no file

    # restore: the week-1 solution comes back byte for byte, and the file it replaces is kept as well
    _, attempts = sk_json(workspace, day, "restore", "ex02", "--list", "--json")
    assert [a["number"] for a in attempts["attempts"]] == [1, 2]
    proc = sk(workspace, day + timedelta(hours=1), "restore", "ex02", "1")
    assert proc.returncode == 0, proc.stderr
    assert mine(workspace, "ex02").read_bytes() == week1
    assert [p.read_bytes() for p in kept(workspace, "ex02")] == [week1, again, "# 想不起来了\n".encode()]
    assert sk(workspace, day, "restore", "ex02", "1").stdout.startswith("exercises/")  # already it: nothing changes
    assert len(kept(workspace, "ex02")) == 3


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_ratings_come_from_what_happened_on_the_command_line(workspace):
    """First solve after a failed grade → Hard (the untouched starter's grade does not count); a review with a
    hint → Hard; the next one on the first grade in under half that time → Easy."""
    target = mine(workspace, "ex01")
    assert sk(workspace, T0, "grade", "ex01").returncode == 1  # the starter as it came: not an attempt
    target.write_bytes((SOLUTIONS / "ex01_sign_flipped.py").read_bytes())
    assert sk(workspace, T0 + timedelta(minutes=10), "grade", "ex01").returncode == 1
    target.write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    solved_at = T0 + timedelta(minutes=20)
    _, result = sk_json(workspace, solved_at, "grade", "ex01", "--json")
    assert (result["schedule"]["rating"], result["schedule"]["failed_grades"]) == ("Hard", 1)
    history = [(Rating.Hard, solved_at)]
    assert result["schedule"]["due"] == iso(fsrs_due(history))

    start = fsrs_due(history) + timedelta(hours=1)
    assert sk(workspace, start, "review", "ex01").returncode == 0
    hint = sk(workspace, start, "hint", "ex01").stdout
    assert "hint 1/" in hint and "(reviewing ex01: with a hint seen, a pass rates Hard)" in hint
    target.write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    done = start + timedelta(minutes=30)
    proc = sk(workspace, done, "grade", "ex01")
    assert "review of ex01 done: Hard (a hint before the pass)." in proc.stdout
    history.append((Rating.Hard, done))

    start = fsrs_due(history) + timedelta(hours=1)
    sk(workspace, start, "review", "ex01")
    assert sk(workspace, start, "hint", "ex01").stdout.count("hint 1/") == 1  # hints start again in a review
    sk(workspace, start, "reset", "ex01", "--yes")
    target.write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    done = start + timedelta(minutes=10)
    assert "review of ex01 done: Hard" in sk(workspace, done, "grade", "ex01").stdout  # that hint counted
    history.append((Rating.Hard, done))

    start = fsrs_due(history) + timedelta(hours=1)
    sk(workspace, start, "review", "ex01")
    target.write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    done = start + timedelta(minutes=5)
    proc, result = sk_json(workspace, done, "grade", "ex01", "--json")
    assert result["schedule"]["rating"] == "Easy", result["schedule"]  # 5 min ≤ half of the last review's 10 min
    history.append((Rating.Easy, done))
    assert result["schedule"]["due"] == iso(fsrs_due(history))
    text = sk(workspace, start, "progress").stdout
    assert "✓ ex01" in text and "review: " in text


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_two_terminals_grading_at_once_keep_the_schedule_consistent(workspace):
    mine(workspace, "ex01").write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "STUDYKIT_NOW": iso(T0), "TZ": "UTC"}

    def at_once(n: int) -> list[str]:
        procs = [subprocess.Popen([sys.executable, "-m", "studykit", "grade", "ex01"], cwd=workspace, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(n)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), outs
        return [out for out, _ in outs]

    outs = at_once(3)
    assert sum("ex01 solved. It comes back" in out for out in outs) == 1
    with db(workspace) as con:
        assert con.execute("select count(*) from grades").fetchone()[0] == 3
        assert con.execute("select kind, count(*) from review_log group by kind").fetchall() == [("solve", 1)]
    due = fsrs_due([(Rating.Good, T0)])
    env["STUDYKIT_NOW"] = iso(due)
    assert invoke_studykit("review", "ex01", cwd=workspace, env=env).returncode == 0
    mine(workspace, "ex01").write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    outs = at_once(3)
    assert sum("review of ex01 done: Good" in out for out in outs) == 1
    with db(workspace) as con:
        assert con.execute("select count(*) from grades").fetchone()[0] == 6
        assert con.execute("select kind, count(*) from review_log group by kind order by kind").fetchall() == [
            ("review", 1), ("solve", 1)]
        assert con.execute("select reviews from schedule").fetchall() == [(1,)]
        assert con.execute("select count(*) from review_sessions").fetchone()[0] == 0
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"


OLD_GRADES = "id INTEGER PRIMARY KEY AUTOINCREMENT, exercise TEXT NOT NULL, status TEXT NOT NULL, score REAL NOT NULL, " \
             "seed INTEGER, duration REAL, graded_at REAL NOT NULL"
OLD_STORES = {
    "before trials": f"CREATE TABLE grades ({OLD_GRADES});",
    "before reviews": f"CREATE TABLE grades ({OLD_GRADES}, source TEXT NOT NULL DEFAULT 'workspace', file TEXT);",
}


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("kind", OLD_STORES)
def test_an_old_store_is_migrated_without_losing_a_grade(workspace, kind):
    path = workspace / ".studykit" / "progress.db"
    now = datetime(2024, 6, 1, 9, 0, tzinfo=timezone.utc)
    ex01_pass = now - timedelta(days=10)
    ex05_pass = now - timedelta(hours=20)
    grades = [("ex01", "fail", 0.4, 1, 0.2, (ex01_pass - timedelta(hours=1)).timestamp()),
              ("ex01", "pass", 1.0, 2, 0.2, ex01_pass.timestamp()),
              ("ex03", "fail", 0.0, 3, 0.3, ex01_pass.timestamp() + 60),
              ("ex05", "pass", 1.0, 4, 0.5, ex05_pass.timestamp())]
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as con:
        con.executescript(OLD_STORES[kind] + "CREATE TABLE hints (exercise TEXT PRIMARY KEY, level INTEGER NOT NULL);"
                          "INSERT INTO hints VALUES ('ex03', 2);")
        con.executemany("INSERT INTO grades (exercise, status, score, seed, duration, graded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", grades)
    con.close()
    # two terminals open it at once: one migrates, neither fails, nothing is scheduled twice
    env = {**os.environ, "STUDYKIT_NOW": iso(now), "TZ": "UTC", "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "studykit", "list"], cwd=workspace, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0 and "Traceback" not in err, err
    with db(workspace) as con:
        assert con.execute("pragma user_version").fetchone()[0] == 2
        kept_rows = con.execute("SELECT exercise, status, score, seed, duration, graded_at FROM grades ORDER BY id")
        assert kept_rows.fetchall() == grades
        assert con.execute("SELECT DISTINCT source, starter FROM grades").fetchall() == [("workspace", 0)]
        assert con.execute("SELECT level FROM hints").fetchall() == [(2,)]
        log = con.execute("SELECT exercise, kind, rating, due_after FROM review_log ORDER BY exercise").fetchall()
    # what was solved before reviews existed gets its first review, dated from its first pass
    assert log == [("ex01", "solve", 2, fsrs_due([(Rating.Hard, ex01_pass)]).timestamp()),
                   ("ex05", "solve", 3, fsrs_due([(Rating.Good, ex05_pass)]).timestamp())]
    listing = sk(workspace, now, "list").stdout
    assert "✓ ex01  100%  latest ✓ 100%  review due" in listing and "✗ ex03" in listing
    assert "✓ ex05  100%  latest ✓ 100%  review 2024-06-02" in listing
    assert sk(workspace, now, "next").stdout.startswith("ex01 · ")


def _damage(workspace: Path, how: str) -> None:
    path = workspace / ".studykit" / "progress.db"
    if how == "not a database":
        path.write_bytes(os.urandom(8192))
    elif how == "cut short":
        with sqlite3.connect(path) as con:
            con.execute("PRAGMA journal_mode = DELETE")
            con.execute(f"CREATE TABLE grades ({OLD_GRADES})")
            con.executemany("INSERT INTO grades (exercise, status, score, graded_at) VALUES (?, 'fail', 0, ?)",
                            [(f"ex{k % 12 + 1:02d}" * 20, k) for k in range(3000)])
        con.close()
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "another program's":
        with sqlite3.connect(path) as con:
            con.execute("CREATE TABLE grades (student TEXT, mark INTEGER)")
            con.execute("INSERT INTO grades VALUES ('ada', 90)")
        con.close()
    elif how == "newer":
        with sqlite3.connect(path) as con:
            con.execute("PRAGMA user_version = 99")
        con.close()


@pytest.mark.parametrize("how", ["not a database", "cut short", "another program's", "newer"])
def test_a_damaged_store_is_a_clear_error_never_a_traceback(workspace, how):
    path = workspace / ".studykit" / "progress.db"
    path.unlink(missing_ok=True)
    _damage(workspace, how)
    for args in (["list"], ["next"], ["progress"], ["review"], ["review", "ex01"], ["grade", "ex01"],
                 ["hint", "ex01"]):
        proc = sk(workspace, T0, *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr and f"the progress store {path}" in proc.stderr, (args, proc.stderr)
        assert ("newer studykit" if how == "newer" else "mv ") in proc.stderr
    assert mine(workspace, "ex01").read_bytes() == starter("ex01")  # nothing was touched


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_an_unreadable_review_state_is_a_clear_error(workspace):
    mine(workspace, "ex01").write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    assert sk(workspace, T0, "grade", "ex01").returncode == 0
    assert sk(workspace, T0 + timedelta(days=3), "review", "ex01").returncode == 0
    with db(workspace) as con:
        con.execute("UPDATE schedule SET card = '{\"state\": 7'")
    con.close()
    proc = sk(workspace, T0 + timedelta(days=3), "review", "ex01", "--give-up")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "the review state of ex01 cannot be read" in proc.stderr
    assert sk(workspace, T0 + timedelta(days=3), "list").returncode == 0  # what needs no FSRS state still works


def test_a_bad_STUDYKIT_NOW_is_a_usage_error_and_grades_nothing(workspace):
    for args in (["next"], ["grade", "ex01"], ["progress"], ["review"], ["list"]):
        proc = sk(workspace, "next tuesday", *args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, (args, proc.stderr)
        assert "STUDYKIT_NOW='next tuesday' is not an ISO 8601 date and time" in proc.stderr
    with db(workspace) as con:
        assert con.execute("select count(*) from grades").fetchone()[0] == 0


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_times_are_stored_in_utc_and_shown_as_local_dates(workspace):
    mine(workspace, "ex01").write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    proc = sk(workspace, "2024-05-01T23:30", "grade", "ex01", tz="Asia/Shanghai")  # a local wall-clock time
    assert proc.returncode == 0
    solved = datetime(2024, 5, 1, 15, 30, tzinfo=timezone.utc)
    with db(workspace) as con:
        assert con.execute("select graded_at from grades").fetchone()[0] == solved.timestamp()
        assert con.execute("select due from schedule").fetchone()[0] == fsrs_due([(Rating.Good, solved)]).timestamp()
    # due 2024-05-03T15:30Z: 23:30 on 05-03 in Shanghai, 03:30 on 05-04 in Auckland
    assert "comes back for review on 2024-05-03 (in 2 days)" in proc.stdout
    assert "review: 2024-05-04" in sk(workspace, solved, "progress", tz="Pacific/Auckland").stdout
    # ten past midnight on 05-03 in Shanghai is still 05-02 in UTC: due there, not yet here
    moment = "2024-05-03T00:10:00+08:00"
    assert sk(workspace, moment, "next", tz="Asia/Shanghai").stdout.startswith("ex01 · ")
    assert sk(workspace, moment, "next", tz="UTC").stdout.startswith("ex02 · ")
    _, progress = sk_json(workspace, moment, "progress", "--json", tz="Asia/Shanghai")
    assert progress["today"] == "2024-05-03" and progress["calendar"][0] == {"date": "2024-05-03", "due": 1}
    assert len(progress["calendar"]) == 30 and sum(day["due"] for day in progress["calendar"]) == 1
    ex01 = progress["exercises"][0]
    assert ex01["review"]["due"] == "2024-05-03T15:30:00Z" and ex01["review"]["due_date"] == "2024-05-03"
    assert ex01["solved_at"] == "2024-05-01T15:30:00Z" and ex01["solved_on"] == "2024-05-01"


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_progress_shows_each_due_date_and_a_30_day_calendar(workspace):
    for k, exercise in enumerate(("ex01", "ex02")):
        mine(workspace, exercise).write_bytes((SOLUTIONS / f"{exercise}_correct.py").read_bytes())
        assert sk(workspace, T0 + timedelta(days=k), "grade", exercise).returncode == 0
    out = sk(workspace, T0 + timedelta(days=1), "progress").stdout  # Thursday 2024-05-02
    assert out.splitlines()[0].endswith("· 0 reviews due")
    lines = out.splitlines()
    assert any("✓ ex01" in line and "review: 2024-05-03 (tomorrow)" in line for line in lines)
    assert any("✓ ex02" in line and "review: 2024-05-04 (in 2 days)" in line for line in lines)
    start = lines.index(next(line for line in lines if line.startswith("reviews due in the next 30 days")))
    assert "today Thu 2024-05-02" in lines[start] and lines[start + 1].split() == "Mon Tue Wed Thu Fri Sat Sun".split()
    assert lines[start + 2].split() == ["04-29", "·", "1", "1", "·"]  # Thu 05-02 · , Fri 05-03 1, Sat 05-04 1, Sun ·
    assert lines[start + 6].split()[0] == "05-27"  # 30 days from 05-02 end on Fri 05-31
    assert lines[-1].startswith("next: ")


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_review_and_restore_refuse_what_makes_no_sense(workspace):
    proc = sk(workspace, T0, "review", "ex03")
    assert proc.returncode == 2 and "ex03 is not solved yet, so there is nothing to review" in proc.stderr
    proc = sk(workspace, T0, "review", "--give-up")
    assert proc.returncode == 2 and "none is in progress" in proc.stderr
    proc = sk(workspace, T0, "restore", "ex03")
    assert proc.returncode == 2 and "no kept attempts of ex03" in proc.stderr
    assert "nothing to review yet" in sk(workspace, T0, "review").stdout
    mine(workspace, "ex01").write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    sk(workspace, T0, "grade", "ex01")
    early = sk(workspace, T0 + timedelta(hours=3), "review", "ex01")  # before it is due: allowed, and said
    assert early.returncode == 0 and "early: it is due 2024-05-03 (in 2 days)" in early.stdout
    again = sk(workspace, T0 + timedelta(hours=4), "review", "ex01")
    assert again.returncode == 0 and "in progress since 2024-05-01 13:00: nothing was changed" in again.stdout
    assert len(kept(workspace, "ex01")) == 1 and mine(workspace, "ex01").read_bytes() == starter("ex01")
    proc = sk(workspace, T0, "restore", "ex01")  # mid-review: would grade the old solution instead
    assert proc.returncode == 2 and "--give-up" in proc.stderr and mine(workspace,
                                                                        "ex01").read_bytes() == starter("ex01")
    proc = sk(workspace, T0, "restore", "ex01", "7")
    assert proc.returncode == 2 and "has no attempt '7'" in proc.stderr
    for proc in (sk(workspace, T0, "review", "--give-up"), sk(workspace, T0, "restore", "ex01", "--list")):
        assert proc.returncode == 0 and proc.stdout.rstrip().splitlines()[-1].startswith("next: "), proc.stdout


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_json_everywhere_the_review_state_is_printed(workspace):
    mine(workspace, "ex01").write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    sk(workspace, T0, "grade", "ex01")
    due = iso(fsrs_due([(Rating.Good, T0)]))
    on_day = T0 + timedelta(days=2)
    _, listing = sk_json(workspace, on_day, "list", "--json")
    ex01 = listing["exercises"][0]
    assert ex01["solved"] and ex01["review"] == {"state": "due", "due": due, "due_date": "2024-05-03",
                                                   "interval_days": 2, "reviews": 0, "last_rating": "Good",
                                                   "started_at": None}
    _, nxt = sk_json(workspace, on_day, "next", "--json")
    assert (nxt["action"], nxt["exercise"], nxt["command"], nxt["reviews_due"]) == ("review", "ex01",
                                                                                    "studykit review ex01", 1)
    _, started = sk_json(workspace, on_day, "review", "ex01", "--json")
    assert started["event"] == "started" and Path(started["kept"]).read_bytes() == (SOLUTIONS / "ex01_correct.py").read_bytes()
    _, reviews = sk_json(workspace, on_day, "review", "--json")
    assert [r["exercise"] for r in reviews["in_progress"]] == ["ex01"] and reviews["in_progress"][0]["state"] == "in-progress"
    _, nxt = sk_json(workspace, on_day, "next", "--json")
    assert (nxt["action"], nxt["command"]) == ("reviewing", "studykit grade ex01")
    _, progress = sk_json(workspace, on_day, "progress", "--json")
    assert progress["solved"] == 1 and progress["exercises"][0]["review"]["state"] == "in-progress"
    assert progress["calendar"][0]["due"] == 1


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_listing_and_next_never_import_the_scheduler(workspace):
    """fsrs is imported to rate (grade, --give-up) and never to list, choose what is next, or start a review."""
    mine(workspace, "ex01").write_bytes((SOLUTIONS / "ex01_correct.py").read_bytes())
    sk(workspace, T0, "grade", "ex01")
    probe = ("import sys, runpy; sys.argv = ['studykit'] + sys.argv[1:]\n"
             "try:\n    runpy.run_module('studykit', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('HEAVY=' + ','.join(m for m in ('fsrs', 'numpy') if m in sys.modules))\n")
    env = {**os.environ, "STUDYKIT_NOW": iso(T0 + timedelta(days=3)), "TZ": "UTC"}
    for args in (["list"], ["next"], ["hint", "ex01"], ["review"], ["progress"], ["review", "ex01"]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], cwd=workspace, capture_output=True, text=True,
                              env=env)
        assert proc.stdout.rstrip().endswith("HEAVY="), (args, proc.stdout, proc.stderr)
