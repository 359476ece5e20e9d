"""The exercise catalogue: every exercise's starter folder, read from its `meta.toml`.

The starters have one source, the repository's top-level `exercises/`; the wheel carries it as the package
data `studykit/exercises/` (a package-dir mapping in pyproject.toml). `starters_dir` finds whichever is there.
Only the standard library is used here, so `studykit list` and `studykit --help` stay fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from studykit.errors import StudykitError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef, unused-ignore]



def starters_dir() -> Path:
    """The pristine starters: `studykit/exercises/` in an installed wheel, else the source checkout's `exercises/`
    (a source tree or an editable install, where the package folder has no copy)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "exercises", package.parent / "exercises"):
        if any(candidate.glob("ex[0-9][0-9]-*/meta.toml")):
            return candidate
    return package / "exercises"


STARTERS = starters_dir()
DEFAULT_TIMEOUT = 10.0


class UnknownExercise(StudykitError, LookupError):
    """The name given on the command line matches no exercise."""


@dataclass(frozen=True)
class Exercise:
    id: str  # "ex03"
    folder: str  # "ex03-softmax-cross-entropy"
    title: str
    topics: tuple[str, ...]
    note: str
    timeout: float
    functions: tuple[str, ...]
    hints: tuple[str, ...] = field(default=())
    refuse: tuple[str, ...] = field(default=())  # imports the learner's file may not make (see grading/refuse.py)
    answers_only: bool = False  # the file is a module of answers: it may call nothing that computes (refuse.py)

    @property
    def number(self) -> int:
        return int(self.id[2:])

    @property
    def starter_dir(self) -> Path:
        return STARTERS / self.folder

    @property
    def suite_module(self) -> str:
        return f"studykit.grading.suites.{self.id}"


def _load(folder: Path) -> Exercise:
    meta = tomllib.loads((folder / "meta.toml").read_text(encoding="utf-8"))
    return Exercise(
        id=meta["id"],
        folder=folder.name,
        title=meta["title"],
        topics=tuple(meta.get("topics", ())),
        note=meta.get("note", ""),
        timeout=float(meta.get("timeout", DEFAULT_TIMEOUT)),
        functions=tuple(meta.get("functions", ())),
        hints=tuple(meta.get("hints", ())),
        refuse=tuple(str(name) for name in meta.get("refuse", ())),
        answers_only=meta.get("answers_only") is True,
    )


@lru_cache(maxsize=1)
def all_exercises() -> tuple[Exercise, ...]:
    """Every shipped exercise, in order of its number."""
    folders = sorted(p for p in STARTERS.glob("ex[0-9][0-9]-*") if (p / "meta.toml").is_file())
    return tuple(_load(p) for p in folders)


def find(name: str) -> Exercise:
    """`ex03`, `3`, `03`, `EX03` or the folder name `ex03-softmax-cross-entropy` → the exercise."""
    key = name.strip().lower().rstrip("/")
    key = Path(key).name or key
    match = re.fullmatch(r"(?:ex)?0*(\d+)(?:-.*)?", key)
    exercises = all_exercises()
    if match:
        number = int(match.group(1))
        for ex in exercises:
            if ex.number == number and (key == ex.folder or "-" not in key):
                return ex
    known = ", ".join(ex.id for ex in exercises)
    raise UnknownExercise(f"no exercise named {name!r}; known exercises: {known}")
