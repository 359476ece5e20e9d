"""Writes the `.apkg`: decks from the folder tree, one genanki note per card, media, atomic rename.

The package timestamp is the build time, but always later than the notes in the package it replaces:
Anki updates an existing note on import only when the incoming one is newer, and its clock has
one-second resolution, so two builds within a second must still count as newer.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from studykit.deck.identity import card_guid, deck_id
from studykit.notes.model import NoteFile, Problem


@dataclass
class BuildStats:
    files: int = 0
    cards: Counter = field(default_factory=Counter)
    media: int = 0
    problems: list[Problem] = field(default_factory=list)


def front_field(context: str, front: str) -> str:
    return f'<div class="ctx">{context}</div>\n<div class="prompt">{front}</div>'


def previous_timestamp(path: Path) -> int:
    """The newest note mtime inside an existing package at `path` (0 if there is none or it is unreadable)."""
    if not path.is_file():
        return 0
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
            name = next((n for n in ("collection.anki21", "collection.anki2") if n in archive.namelist()), None)
            if name is None:
                return 0
            archive.extract(name, tmp)
            with sqlite3.connect(os.path.join(tmp, name)) as db:
                value = db.execute("SELECT MAX(mod) FROM notes").fetchone()[0]
            return int(value or 0)
    except (zipfile.BadZipFile, sqlite3.Error, OSError, KeyError):
        return 0


class PackageWriter:
    """Builds the package note by note (in any order; `add` takes each note's place in the build), then
    writes it. Adding is most of the work, so a build adds notes while others are still being parsed."""

    def __init__(self, root_deck: str):
        self.root_deck = root_deck
        self._genanki = None  # imported by the first `add`: a build starts its parse first
        self._prepared: dict[int, tuple[NoteFile, list]] = {}

    def _load(self):
        if self._genanki is None:
            import genanki

            from studykit.deck.models import basic_model, cloze_model

            class Note(genanki.Note):
                def _check_invalid_html_tags_in_fields(self):
                    pass  # genanki's lint for hand-written HTML; ours comes from markdown-it's renderer

            self.basic, self.cloze, self._note = basic_model(), cloze_model(), Note
            self._genanki = genanki
        return self._genanki

    def add(self, index: int, note: NoteFile) -> None:
        self._load()
        prepared = []
        tags = list(note.tags)
        for card in note.cards:
            if card.is_cloze:
                fields = [card.front, card.back, card.context, card.source]
                model = self.cloze
            else:
                fields = [front_field(card.context, card.front), card.back, card.source]
                model = self.basic
            guid = card_guid(card.key)
            prepared.append((card, guid, self._note(model=model, fields=fields, guid=guid, tags=tags)))
        self._prepared[index] = (note, prepared)

    def write(self, out: Path) -> BuildStats:
        """Assemble the notes in build order (decks, duplicate identities) and write `out` atomically."""
        genanki = self._load()
        stats = BuildStats(files=len(self._prepared))
        decks: dict[str, genanki.Deck] = {}
        media: dict[str, Path] = {}
        guids: dict[str, str] = {}
        for index in sorted(self._prepared):
            note, prepared = self._prepared[index]
            stats.problems.extend(note.problems)
            if not prepared:
                continue
            name = "::".join((self.root_deck, *note.deck))
            deck = decks.get(name)
            if deck is None:
                deck = decks[name] = genanki.Deck(deck_id(name), name)
            media.update(note.media)
            for card, guid, anki_note in prepared:
                if guid in guids:
                    stats.problems.append(Problem(note.relpath, card.line, f"same identity as the card at "
                                                  f"{guids[guid]} (two notes with the same `id:`?); skipped", "identity"))
                    continue
                guids[guid] = f"{note.relpath}:{card.line}"
                deck.add_note(anki_note)
                stats.cards[card.kind] += 1
        stats.media = len(media)
        _write_atomically(genanki, list(decks.values()), media, out)
        return stats


def write_package(notes: list[NoteFile], out: Path, root_deck: str) -> BuildStats:
    """All of `notes`, in order, as one package at `out`."""
    writer = PackageWriter(root_deck)
    for index, note in enumerate(notes):
        writer.add(index, note)
    return writer.write(out)


def _write_atomically(genanki, decks: list, media: dict[str, Path], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    timestamp = max(time.time(), previous_timestamp(out) + 1)
    with tempfile.TemporaryDirectory(prefix="studykit-media-") as media_dir:
        files = []
        for packed, source in sorted(media.items()):
            target = os.path.join(media_dir, packed)
            shutil.copyfile(source, target)
            files.append(target)
        package = genanki.Package(decks, media_files=files)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        os.close(fd)
        try:
            package.write_to_file(tmp, timestamp=timestamp)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
