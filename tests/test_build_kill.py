"""What a killed build leaves: with real signals. Parse workers end with the build (SIGKILL or SIGTERM); the next
build removes the temporaries of the killed one (ours only: not a file another process holds, not a file that is
not ours); a package and memory that disagree are noticed, with a warning."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_studykit

HANG_GUARD = 120  # seconds: only so that a broken build cannot hang the suite
WORKER_NOTE = "[a](" * 2_000_000  # a minute or more of parsing for one worker, with no parse budget
GRACE = 30  # seconds the workers get to end after the build is killed: far less than their note takes


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return True
    return state in "ZX"  # a zombie has ended; only its parent's wait is missing


def _slow_notes(folder: Path, count: int = 2) -> None:
    """Notes that keep a worker busy for longer than GRACE: a worker still there after GRACE outlived the build."""
    folder.mkdir()
    for k in range(count):
        (folder / f"n{k}.md").write_text(f"# N{k}\n\n## 什么是 {k}？\n\n答 " + WORKER_NOTE + "\n", encoding="utf-8")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc to find the workers")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
@pytest.mark.cli
def test_workers_end_with_a_killed_build_and_the_next_build_clears_its_leftovers(tmp_path, how):
    notes, out, tmp = tmp_path / "notes", tmp_path / "out" / "deck.apkg", tmp_path / "tmp"
    _slow_notes(notes)
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "STUDYKIT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "utf-8",
           "STUDYKIT_PARSE_BUDGET": "0"}
    build = subprocess.Popen([sys.executable, "-m", "studykit", "build", str(notes), "-o", str(out), "--no-cache"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + HANG_GUARD
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
            workers = _children(build.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the build never started its parse workers"
        while not list(out.parent.glob(".*.tmp")) and time.monotonic() < deadline and build.poll() is None:
            time.sleep(0.05)  # the workers are parsing, and the package's database is open beside it
        assert build.poll() is None, "the build ended before it could be killed"
        build.send_signal(how)
        build.wait(timeout=HANG_GUARD)
        deadline = time.monotonic() + GRACE
        while not all(_gone(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [w for w in workers if not _gone(w)] == []
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()

    # leftovers of older versions in $TMPDIR: a dead build's database (removed), one a live process holds open
    # (kept), and a file that only shares the name pattern (kept: not ours)
    dead, held, other = tmp / "studykit-dead.anki2", tmp / "studykit-held.anki2", tmp / "studykit-notours.anki2"
    for path in (dead, held):
        path.write_bytes(b"SQLite format 3\0" + bytes(100))
    other.write_text("a user's own file", encoding="utf-8")
    for path in (dead, held, other):
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    old_style = out.parent / ".deck.apkg.k3x9_q.tmp"  # an older version's zip temporary, of a dead build
    old_style.write_bytes(b"PK")
    os.utime(old_style, (time.time() - 3600, time.time() - 3600))
    left = sorted(p.name for p in out.parent.iterdir() if p.name.endswith(".tmp"))
    assert left  # the killed build left its database (and perhaps more) beside the package
    for k in range(2):
        (notes / f"n{k}.md").write_text(f"# N{k}\n\n## 什么是 {k}？\n\n答 {k}\n", encoding="utf-8")
    with open(held, "rb"):
        proc = run_studykit("build", str(notes), "-o", str(out), env={"TMPDIR": str(tmp)})
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert sorted(p.name for p in tmp.iterdir()) == ["studykit-held.anki2", "studykit-notours.anki2"]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.cli
def test_a_package_and_memory_that_disagree_are_noticed(tmp_path):
    notes, out = tmp_path / "notes", tmp_path / "deck.apkg"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\n## 什么是一？\n\n一\n", encoding="utf-8")
    assert run_studykit("build", str(notes), "-o", str(out)).returncode == 0
    memory = tmp_path / "deck.memory.json"
    recorded = json.loads(memory.read_text(encoding="utf-8"))["package"]
    assert recorded["size"] == out.stat().st_size and len(recorded["sha256"]) == 64
    shutil.copy(memory, tmp_path / "first.json")
    (notes / "a.md").write_text("# A\n\n## 什么是一？\n\n一\n\n## 什么是二？\n\n二\n", encoding="utf-8")
    assert run_studykit("build", str(notes), "-o", str(out)).returncode == 0
    shutil.copy(tmp_path / "first.json", memory)  # as if killed after the package was renamed, before the memory
    proc = run_studykit("build", str(notes), "-o", str(out))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "deck.memory.json does not describe the deck.apkg beside it" in proc.stderr
    again = run_studykit("build", str(notes), "-o", str(out))  # repaired: the pair agrees again
    assert again.returncode == 0 and "does not describe" not in again.stderr
    os.utime(out, (time.time() + 5, time.time() + 5))  # a copied or checked-out pair: new mtime, same bytes
    copied = run_studykit("build", str(notes), "-o", str(out))
    assert copied.returncode == 0 and "does not describe" not in copied.stderr
