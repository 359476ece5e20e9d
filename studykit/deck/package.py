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
import warnings
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


def write_package(notes: list[NoteFile], out: Path, root_deck: str) -> BuildStats:
    import genanki

    from studykit.deck.models import basic_model, cloze_model

    stats = BuildStats(files=len(notes))
    decks: dict[str, genanki.Deck] = {}
    media: dict[str, Path] = {}
    guids: dict[str, str] = {}
    basic, cloze = basic_model(), cloze_model()
    for note in notes:
        stats.problems.extend(note.problems)
        if not note.cards:
            continue
        name = "::".join((root_deck, *note.deck))
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(deck_id(name), name)
        media.update(note.media)
        for card in note.cards:
            guid = card_guid(card.key)
            where = f"{note.relpath}:{card.line}"
            if guid in guids:
                stats.problems.append(Problem(note.relpath, card.line, f"same identity as the card at {guids[guid]} "
                                              "(two notes with the same `id:`?); skipped"))
                continue
            guids[guid] = where
            if card.is_cloze:
                fields = [card.front, card.back, card.context, card.source]
                deck.add_note(genanki.Note(model=cloze, fields=fields, guid=guid, tags=list(note.tags)))
            else:
                fields = [front_field(card.context, card.front), card.back, card.source]
                deck.add_note(genanki.Note(model=basic, fields=fields, guid=guid, tags=list(note.tags)))
            stats.cards[card.kind] += 1
    stats.media = len(media)

    out.parent.mkdir(parents=True, exist_ok=True)
    timestamp = max(time.time(), previous_timestamp(out) + 1)
    with tempfile.TemporaryDirectory(prefix="studykit-media-") as media_dir:
        files = []
        for packed, source in sorted(media.items()):
            target = os.path.join(media_dir, packed)
            shutil.copyfile(source, target)
            files.append(target)
        package = genanki.Package(list(decks.values()), media_files=files)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        os.close(fd)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # genanki's HTML-tag lint: our HTML comes from markdown-it
                package.write_to_file(tmp, timestamp=timestamp)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return stats
