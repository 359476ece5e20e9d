"""The learner's workspace: a folder with `exercises/exNN-slug/` and the `.studykit/` state folder.

Found from the current directory upwards; `init` creates one from the shipped starters and `reset`
restores a starter after keeping a timestamped backup of the learner's file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from studykit.errors import StudykitError

if TYPE_CHECKING:
    from studykit.catalog import Exercise

STATE_DIR = ".studykit"


class WorkspaceError(StudykitError):
    """A problem with the learner's workspace that the CLI reports as a message."""


def nearest_folder(has: Callable[[Path], bool], start: Path | None = None) -> Path | None:
    """The nearest folder, from `start` (default: cwd) upwards, for which `has(folder)` is true — like git."""
    here = (start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if has(folder)), None)


def _is_workspace(folder: Path) -> bool:
    from studykit.catalog import STARTERS  # here, not at the top: `build` imports this module for notes_project

    exercises = folder / "exercises"
    if exercises.resolve() == STARTERS.resolve():
        return False  # the starters' own source (a studykit checkout) is never practised in: init makes a workspace
    return (folder / STATE_DIR).is_dir() or (exercises.is_dir() and any(exercises.glob("ex[0-9][0-9]-*")))


def find_workspace(start: Path | None = None) -> Path | None:
    """The nearest folder upwards that has `.studykit/` or `exercises/exNN-*`."""
    return nearest_folder(_is_workspace, start)


def notes_project() -> tuple[Path, Path]:
    """(notes, project): the `content/` of the nearest folder upwards that has one, else the notes shipped with
    studykit; and the folder whose `decks/` receives the default deck (that folder, else the cwd)."""
    project = nearest_folder(lambda folder: (folder / "content").is_dir())
    if project is not None:
        return project / "content", project
    here = Path.cwd().resolve()
    return shipped_notes() or here / "content", here


def require_workspace(start: Path | None = None) -> Path:
    root = find_workspace(start)
    if root is None:
        raise WorkspaceError(
            "not inside a studykit workspace (no exercises/ folder here or above).\n"
            "Create one with:  studykit init my-practice  and cd into it, or pass --file PATH."
        )
    return root


def state_dir(root: Path) -> Path:
    """`<workspace>/.studykit/`, created with a .gitignore so progress never lands in a learner's repo."""
    path = root / STATE_DIR
    path.mkdir(exist_ok=True)
    ignore = path / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    return path


def solution_path(root: Path, exercise: Exercise) -> Path:
    return root / "exercises" / exercise.folder / "solution.py"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename over `path`: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def shipped_notes() -> Path | None:
    """The default concept notes: the installed package's copy, or the repository's content/ in a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "content", package.parent / "content"):
        if candidate.is_dir() and any(candidate.glob("*.md")):
            return candidate
    return None


def init_workspace(target: Path) -> list[Path]:
    """Copy every starter into `target/exercises/` and the default notes into `target/content/` (so the exercise
    READMEs' links to their notes work and `studykit build` builds the default deck); existing files are kept."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    notes = shipped_notes()
    if notes is not None and notes.resolve() != (target / "content").resolve():
        for src in sorted(notes.rglob("*")):
            out = target / "content" / src.relative_to(notes)
            if src.is_file() and src.suffix in (".md", ".svg", ".png") and not out.exists():
                atomic_write_bytes(out, src.read_bytes())
                written.append(out)
    from studykit.catalog import all_exercises

    for ex in all_exercises():
        dest = target / "exercises" / ex.folder
        for src in sorted(ex.starter_dir.iterdir()):
            if src.is_file() and not src.name.startswith("."):
                out = dest / src.name
                if not out.exists():
                    atomic_write_bytes(out, src.read_bytes())
                    written.append(out)
    state_dir(target)
    return written


def reset_solution(root: Path, exercise: Exercise, stamp: str | None = None) -> Path | None:
    """Restore the starter `solution.py`; returns the backup of the learner's file (None if there was none).
    `stamp` names the backup (the command's clock, local time); default: now."""
    current = solution_path(root, exercise)
    starter = (exercise.starter_dir / "solution.py").read_bytes()
    backup = None
    if current.exists():
        if current.read_bytes() == starter:
            return None
        stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
        backups = state_dir(root) / "backups"
        backups.mkdir(exist_ok=True)
        backup = backups / f"{exercise.folder}-solution-{stamp}.py"
        n = 1
        while backup.exists():
            n += 1
            backup = backups / f"{exercise.folder}-solution-{stamp}-{n}.py"
        shutil.copy2(current, backup)
    atomic_write_bytes(current, starter)
    return backup
