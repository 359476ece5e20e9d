"""The plain objects notes become: cards, the note file they came from, and problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

CARD_KINDS = ("question", "term", "table", "cloze", "qa", "section")


@dataclass(frozen=True)
class Problem:
    """A warning about the notes, always with the file and line it is about, and its kind (summaries count
    warnings by kind: picture, table, html, empty, long-back, duplicate, …)."""

    file: str
    line: int
    message: str
    kind: str = "note"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Card(NamedTuple):
    """One card. A named tuple: immutable, and cheap to make (a rebuild makes ten thousand from the cache)."""

    kind: str  # one of CARD_KINDS
    front: str  # HTML; for a cloze card, the text with {{cN::…}} deletions
    back: str  # HTML; for a cloze card, extra text shown with the answer (may be empty)
    context: str  # HTML-escaped "title › heading › heading": what makes the card make sense alone
    source: str  # "file.md › heading path", shown small on the back
    key: tuple[str, ...]  # identity: the GUID is derived from this and nothing else
    line: int

    @property
    def is_cloze(self) -> bool:
        return self.kind == "cloze"


@dataclass
class NoteFile:
    path: Path
    relpath: str  # path below the notes' root, POSIX style
    title: str
    deck: tuple[str, ...]  # subdeck path below the root deck
    tags: tuple[str, ...]
    note_id: str = ""  # the first part of every card key: front matter `id:`, else relpath without `.md`
    explicit_id: bool = False  # whether note_id came from front matter
    cards: list[Card] = field(default_factory=list)
    guids: list[str] = field(default_factory=list)  # each card's GUID when computed with the parse (else empty)
    problems: list[Problem] = field(default_factory=list)
    media: dict[str, Path] = field(default_factory=dict)  # packed name → file
    # every other file the parse looked at (pictures, places a picture was searched for) → its
    # [size, mtime_ns, is_file] or None: a cached parse is reused only while all of them are unchanged
    inputs: dict[str, list[int] | None] = field(default_factory=dict)
