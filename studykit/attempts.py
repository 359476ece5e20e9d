"""Kept attempts: `.studykit/attempts/exNN/<UTC timestamp>.py`, one file per solution a review or a restore replaced.

An attempt is written once and never overwritten or deleted by studykit: it is written to a temporary file in the
same folder and hard-linked to its name, which fails when the name exists (another process kept an attempt in
the same second: the next free `-2`, `-3` … name is used). The timestamp is UTC so names sort in time order across
time-zone and daylight-saving changes; `restore --list` shows them as local times.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

NAME = re.compile(r"(\d{8}T\d{6}Z)(?:-(\d+))?\.py")


@dataclass(frozen=True)
class Attempt:
    number: int  # 1 = the oldest
    path: Path
    kept_at: datetime  # UTC

    @property
    def name(self) -> str:
        return self.path.name


def folder(root: Path, exercise_id: str) -> Path:
    from studykit.workspace import state_dir

    return state_dir(root) / "attempts" / exercise_id


def listing(root: Path, exercise_id: str) -> list[Attempt]:
    """The kept attempts of an exercise, oldest first, numbered from 1."""
    where = root / ".studykit" / "attempts" / exercise_id
    found = []
    if where.is_dir():
        for path in where.iterdir():
            match = NAME.fullmatch(path.name)
            if match and path.is_file():
                kept = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
                found.append((kept, int(match.group(2) or 1), path))
    found.sort(key=lambda item: (item[0], item[1]))
    return [Attempt(number=k + 1, path=path, kept_at=kept) for k, (kept, _, path) in enumerate(found)]


def keep(root: Path, exercise_id: str, data: bytes, now: datetime) -> Path:
    """Write `data` as a new attempt kept at `now`; returns its path. Never replaces an existing file."""
    from studykit.clock import stamp

    where = folder(root, exercise_id)
    where.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=where, prefix=".attempt.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        base = stamp(now)
        n = 1
        while True:
            target = where / (f"{base}.py" if n == 1 else f"{base}-{n}.py")
            try:
                os.link(tmp, target)  # atomic, and refuses to replace an existing attempt
                return target
            except FileExistsError:
                n += 1
            except OSError:  # a file system without hard links: create the name exclusively, then write it
                try:
                    with open(target, "xb") as handle:
                        handle.write(data)
                        handle.flush()
                        os.fsync(handle.fileno())
                    return target
                except FileExistsError:
                    n += 1
    finally:
        Path(tmp).unlink(missing_ok=True)


def already_kept(root: Path, exercise_id: str, data: bytes) -> Attempt | None:
    """The kept attempt with exactly these bytes, if there is one."""
    for attempt in reversed(listing(root, exercise_id)):
        try:
            if attempt.path.stat().st_size == len(data) and attempt.path.read_bytes() == data:
                return attempt
        except OSError:
            continue
    return None
