"""Writes the `.apkg`: decks from the folder tree, one genanki note per card, media, atomic rename.

The package timestamp is the build time, but always later than the notes in the package it replaces:
Anki updates an existing note on import only when the incoming one is newer, and its clock has
one-second resolution, so two builds within a second must still count as newer.
"""

from __future__ import annotations

import itertools
import json
import os
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
    """Builds the package note by note, in any order (`add` takes each note's place in the build). Given the
    output path up front, it writes each note into the package's database as soon as every note before it has
    arrived, so writing overlaps parsing; `write` then adds the media and puts the package in place atomically.

    Identity clashes are settled in build order (the first card with a GUID wins), whatever the arrival order."""

    def __init__(self, root_deck: str, out: Path | None = None):
        self.root_deck = root_deck
        self.out = out
        self._genanki = None  # imported by the first `add`: a build starts its parse first
        self._prepared: dict[int, tuple[NoteFile, list]] = {}
        self._next = 0  # the index of the next note to write
        self._db = None  # (path, connection, cursor, timestamp, id generator), opened by the first note written
        self.stats = BuildStats()
        self._media: dict[str, Path] = {}
        self._guids: dict[str, str] = {}

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

    def prepare(self) -> None:
        """Import genanki, make the note types and open the package's database: work that can be done while the
        notes are still being parsed."""
        self._load()
        if self.out is not None:
            self._open()

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
        if self.out is not None:
            self._write_ready()

    def _write_ready(self) -> None:
        while self._next in self._prepared:
            note, prepared = self._prepared.pop(self._next)
            self._next += 1
            self._write_note(note, prepared)

    def _open(self):
        if self._db is None:
            from genanki.apkg_col import APKG_COL
            from genanki.apkg_schema import APKG_SCHEMA

            timestamp = max(time.time(), previous_timestamp(self.out) + 1)
            fd, path = tempfile.mkstemp(prefix="studykit-", suffix=".anki2")
            os.close(fd)
            connection = sqlite3.connect(path)
            cursor = connection.cursor()
            cursor.executescript(APKG_SCHEMA)
            cursor.executescript(APKG_COL)
            self._db = (path, connection, cursor, timestamp, itertools.count(int(timestamp * 1000)))
        return self._db

    def _write_note(self, note: NoteFile, prepared: list) -> None:
        genanki = self._load()
        self.stats.files += 1
        self.stats.problems.extend(note.problems)
        _, _, cursor, timestamp, ids = self._open()
        if not prepared:
            return
        name = "::".join((self.root_deck, *note.deck))
        deck = genanki.Deck(deck_id(name), name)
        self._media.update(note.media)
        for card, guid, anki_note in prepared:
            if guid in self._guids:
                self.stats.problems.append(Problem(note.relpath, card.line, f"same identity as the card at "
                                                   f"{self._guids[guid]} (two notes with the same `id:`?); skipped",
                                                   "identity"))
                continue
            self._guids[guid] = f"{note.relpath}:{card.line}"
            deck.add_note(anki_note)
            self.stats.cards[card.kind] += 1
        deck.write_to_db(cursor, timestamp, ids)  # genanki writes the deck, the note types and the notes

    def write(self, out: Path | None = None) -> BuildStats:
        """Write every note not written yet (in build order), then the package at `out`, atomically."""
        self.out = out or self.out
        try:
            for index in sorted(self._prepared):
                note, prepared = self._prepared.pop(index)
                self._write_note(note, prepared)
            path, connection, *_ = self._open()
            connection.commit()
            connection.close()
            self.stats.media = len(self._media)
            _write_atomically(path, self._media, self.out)
        finally:
            self.discard()
        return self.stats

    def discard(self) -> None:
        """Remove the half-written database (after `write`, or when the build stops early)."""
        if self._db is not None:
            path, connection = self._db[0], self._db[1]
            self._db = None
            try:
                connection.close()
            except sqlite3.Error:
                pass
            Path(path).unlink(missing_ok=True)


def write_package(notes: list[NoteFile], out: Path, root_deck: str) -> BuildStats:
    """All of `notes`, in order, as one package at `out`."""
    writer = PackageWriter(root_deck, out)
    try:
        for index, note in enumerate(notes):
            writer.add(index, note)
    except BaseException:
        writer.discard()
        raise
    return writer.write(out)


def _zip_package(database: str, media: dict[str, Path], target: str) -> None:
    """The .apkg format: the collection database, a `media` index and the media files named 0, 1, …"""
    ordered = sorted(media.items())
    with zipfile.ZipFile(target, "w") as archive:
        archive.write(database, "collection.anki2")
        archive.writestr("media", json.dumps({str(k): packed for k, (packed, _) in enumerate(ordered)}))
        for k, (_, source) in enumerate(ordered):
            archive.write(source, str(k))


def _write_atomically(database: str, media: dict[str, Path], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        _zip_package(database, media, tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
