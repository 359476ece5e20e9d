"""What a killed build leaves behind, and how the next build clears it.

Every temporary file a build makes beside its package names the build's process: `.deck.apkg.<pid>.<random>.tmp`
(the zip being written, and the collection database, `….anki2.tmp`) and `.deck.memory.json.<pid>.<random>.tmp`.
A build first removes those of a process that is no longer alive (a kill during the zip, or during the parse). It also
removes `studykit-*.anki2` collection databases that older studykit versions made in $TMPDIR, when they are older
than this build and no live process holds them open (Linux: /proc/*/fd; elsewhere: older than a day). Nothing that
is not ours is touched: only those exact name patterns, only regular files.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
import time
from pathlib import Path

OLD_TMP_AGE = 24 * 3600  # without /proc, an old-style temporary this old is taken as abandoned


def temp_prefix(target: Path) -> str:
    """The prefix of this process's temporaries for `target` (a package or a memory file), in target's folder."""
    return f".{target.name}.{os.getpid()}."


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's live process
    return True


def _held_open() -> set[str] | None:
    """Every file some process holds open (Linux), or None where that cannot be known."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return None
    held = set()
    for fd_dir in glob.glob("/proc/[0-9]*/fd"):
        try:
            for fd in os.listdir(fd_dir):
                try:
                    held.add(os.readlink(os.path.join(fd_dir, fd)))
                except OSError:
                    continue
        except OSError:
            continue
    return held


def clean_stale(targets: list[Path], started: float | None = None) -> list[Path]:
    """Remove the temporaries of dead builds beside `targets` (the package, its memory) and old `studykit-*.anki2`
    in $TMPDIR; returns what was removed. Never raises: a leftover that cannot be removed stays."""
    started = time.time() if started is None else started
    removed = []
    held: list[set[str] | None] = []  # the open files, looked up once and only when needed

    def in_use(path: Path, st: os.stat_result) -> bool:
        """Whether a temporary without a live builder's pid may still be someone's: held open by a process, or
        young when the open files cannot be seen."""
        if not held:
            held.append(_held_open())
        if held[0] is None:
            return started - st.st_mtime < OLD_TMP_AGE
        return str(path.resolve()) in held[0]

    for target in targets:
        pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)\.)?[^/]*\.tmp")
        try:
            candidates = list(target.parent.glob(f".{glob.escape(target.name)}.*.tmp"))
        except OSError:
            continue
        for path in candidates:
            match = pattern.fullmatch(path.name)
            if match is None:
                continue
            try:
                st = path.lstat()
                if not path.is_file() or path.is_symlink() or st.st_mtime > started:
                    continue
                if match.group(1) is not None and len(match.group(1)) < 11:  # named by its build's process
                    if alive(int(match.group(1))):
                        continue
                elif in_use(path, st):  # an older studykit's temporary (no process in its name)
                    continue
                path.unlink()
                removed.append(path)
            except OSError:
                continue
    try:
        old = [Path(p) for p in glob.glob(os.path.join(glob.escape(tempfile.gettempdir()), "studykit-*.anki2"))]
    except OSError:
        old = []
    for path in old:
        try:
            st = path.lstat()
            if path.is_symlink() or not path.is_file() or st.st_mtime > started:
                continue
            with open(path, "rb") as handle:
                head = handle.read(16)
            if head and head != b"SQLite format 3\0":
                continue  # not a database: not ours
            if in_use(path, st):
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed
