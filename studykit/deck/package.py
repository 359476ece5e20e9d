"""Writes the `.apkg`: decks from the folder tree, one genanki note per card, media, atomic rename.

The package timestamp is the build time, but always later than the notes in the package it replaces:
Anki updates an existing note on import only when the incoming one is newer, and its clock has
one-second resolution, so two builds within a second must still count as newer.

With a build memory (studykit/deck/memory.py) beside the package, a card whose key changed keeps its old GUID
when it is matched to a card of the last build, and cards that are gone are shipped once more, tagged
`studykit::removed`, with their fields unchanged.
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
from studykit.deck.leftovers import clean_stale, temp_prefix
from studykit.deck.memory import (
    REMOVED_TAG,
    BuildMemory,
    Current,
    Match,
    back_hash,
    memory_path,
    package_digest,
    shareable,
    short,
)
from studykit.notes.model import NoteFile, Problem


@dataclass
class BuildStats:
    files: int = 0
    cards: Counter = field(default_factory=Counter)
    media: int = 0
    problems: list[Problem] = field(default_factory=list)
    matched: list[Match] = field(default_factory=list)  # cards that kept an old GUID through an edit, this build
    removed_now: list[dict] = field(default_factory=list)  # cards gone since the last build
    removed: int = 0  # removed cards shipped again, tagged (this build's and earlier ones)


def front_field(context: str, front: str) -> str:
    return f'<div class="ctx">{context}</div>\n<div class="prompt">{front}</div>'


_ORDS: dict[int, list[tuple]] = {}  # model id → genanki's card requirements of its templates (model._req)


def card_ords(model, fields: list[str]) -> list[int]:
    """The ordinals of the cards genanki makes of a note with these `fields` (Note.cards: a front/back template makes
    its card when its required fields are filled; a cloze note makes one card per cloze number), computed the way
    genanki computes them but without a Note object per card (tests/test_deck_package.py compares the two)."""
    if model.model_type == model.CLOZE:
        import genanki

        return [c.ord for c in genanki.Note._cloze_cards(_Fields(model, fields))]
    req = _ORDS.get(model.model_id)
    if req is None:
        req = _ORDS[model.model_id] = [(o, any if how == "any" else all, ords) for o, how, ords in model._req]
    return [o for o, op, ords in req if op(fields[k] for k in ords)]


@dataclass
class _Fields:
    """What genanki's Note._cloze_cards reads of a note: its model and fields."""
    model: object
    fields: list[str]


def _read_package(path: Path, read, default):
    """`read(db)` on the collection inside an existing package at `path`; `default` when there is none or it is
    unreadable."""
    if not path.is_file():
        return default
    try:
        with zipfile.ZipFile(path) as archive:
            name = next((n for n in ("collection.anki21", "collection.anki2") if n in archive.namelist()), None)
            if name is None:
                return default
            if hasattr(sqlite3.Connection, "deserialize"):  # Python 3.11+: read in memory, no file in $TMPDIR
                db = sqlite3.connect(":memory:")
                try:
                    db.deserialize(archive.read(name))  # type: ignore[attr-defined,unused-ignore]
                    return read(db)
                finally:
                    db.close()
            with tempfile.TemporaryDirectory(dir=path.parent) as tmp:  # beside the package, not in $TMPDIR
                archive.extract(name, tmp)
                db = sqlite3.connect(os.path.join(tmp, name))
                try:
                    return read(db)
                finally:
                    db.close()
    except (zipfile.BadZipFile, sqlite3.Error, OSError, KeyError, ValueError, MemoryError):
        return default


def previous_timestamp(path: Path) -> int:
    """The newest note mtime inside an existing package at `path` (0 if there is none or it is unreadable)."""
    return _read_package(path, lambda db: int(db.execute("SELECT MAX(mod) FROM notes").fetchone()[0] or 0), 0)


def previous_notes(path: Path, guids: list[str]) -> dict[str, dict]:
    """The notes with these GUIDs in the package at `path`: {guid: {fields, model, tags, deck}}."""
    if not guids:
        return {}

    def read(db):
        decks = {int(k): v["name"] for k, v in json.loads(db.execute("SELECT decks FROM col").fetchone()[0]).items()}
        found = {}
        for start in range(0, len(guids), 500):
            chunk = guids[start:start + 500]
            rows = db.execute(
                f"SELECT n.guid, n.mid, n.flds, n.tags, (SELECT did FROM cards c WHERE c.nid = n.id LIMIT 1) "
                f"FROM notes n WHERE n.guid IN ({','.join('?' * len(chunk))})", chunk)
            for guid, mid, flds, tags, did in rows:
                found[guid] = {"fields": flds.split("\x1f"), "model": int(mid), "tags": tags.split(),
                               "deck": decks.get(int(did or 0), "")}
        return found

    return _read_package(path, read, {})


class PackageWriter:
    """Builds the package note by note, in any order (`add` takes each note's place in the build). Given the
    output path up front, it writes each note into the package's database as soon as it arrives, so writing
    overlaps parsing; `write` then adds the media and puts the package in place atomically.

    Identity clashes are settled in build order (the first card with a GUID wins), whatever the arrival order: a
    card written earlier that comes later in the build is taken out again."""

    def __init__(self, root_deck: str, out: Path | None = None, forget_removed: bool = False):
        self.root_deck = root_deck
        self.out = out
        self.forget_removed = forget_removed
        self.memory: BuildMemory | None = None  # read before the first card is given its GUID
        self._new: dict[str, Current] = {}  # the cards the last build did not have (what matching looks at)
        self._pinned: dict[tuple, str] = {}  # key → a GUID other than the key's own
        self._genanki = None  # imported by the first `add`: a build starts its parse first
        self._prepared: dict[int, tuple[NoteFile, list]] = {}
        self._db = None  # (path, connection, cursor, timestamp, id generator), opened by the first note written
        self.stats = BuildStats()
        self._media: dict[str, Path] = {}
        self._guids: dict[str, tuple[int, str, str]] = {}  # guid → (note's place in the build, file:line, kind)
        self._started = time.time()  # temporaries older than this and of no live process are a killed build's
        self._decks: dict[int, str] = {}  # deck id → name: written into the collection once, by `write`

    def _load(self):
        if self._genanki is None:
            import genanki

            from studykit.deck.notetypes import basic_model, cloze_model

            class Note(genanki.Note):
                def _check_invalid_html_tags_in_fields(self):
                    pass  # genanki's lint for hand-written HTML; ours comes from markdown-it's renderer

            self.basic, self.cloze, self._note = basic_model(), cloze_model(), Note
            self._genanki = genanki
        return self._genanki

    def prepare(self) -> None:
        """Import genanki, make the note types, read the build memory and open the package's database: work that can
        be done while the notes are still being parsed."""
        self._load()
        if self.out is not None:
            self._remember()
            self._open()

    def _remember(self) -> BuildMemory:
        if self.memory is None:
            self.memory = BuildMemory.load(self.out) if self.out is not None else BuildMemory(Path(os.devnull))
            if self.memory.problem:
                self.stats.problems.append(Problem(self.memory.path.name, 0, self.memory.problem, "memory"))
        return self.memory

    def add(self, index: int, note: NoteFile) -> None:
        self._load()
        memory = self._remember()
        prepared = []
        tags = list(note.tags)
        from genanki.note import _TagList

        guids = note.guids if len(note.guids) == len(note.cards) else [card_guid(card.key) for card in note.cards]
        for tag in tags:
            _TagList._validate_tag(tag)  # genanki's rule for a note's tags (no spaces), once per file
        for card, own in zip(note.cards, guids, strict=True):
            if card.is_cloze:
                fields = [card.front, card.back, card.context, card.source]
                model = self.cloze
            else:
                fields = [front_field(card.context, card.front), card.back, card.source]
                model = self.basic
            guid = memory.guid_for(card.key, own)
            prepared.append((card, guid, model, fields, guid != own))
        if self.out is not None:
            self._write_note(index, note, prepared)  # as soon as it arrives: a rebuild writes the unchanged notes
        else:                                        # while the changed ones are still being parsed
            self._prepared[index] = (note, prepared)

    def _open(self):
        if self._db is None:
            from genanki.apkg_col import APKG_COL
            from genanki.apkg_schema import APKG_SCHEMA

            memory = self._remember()
            last = memory.timestamp or previous_timestamp(self.out)  # the memory knows it: no need to unpack
            timestamp = max(time.time(), last + 1)
            if self.out is not None:  # the database beside the package (not $TMPDIR: that may be small or full)
                self.out.parent.mkdir(parents=True, exist_ok=True)
                clean_stale([self.out, memory_path(self.out)], self._started)  # what killed builds left
                fd, path = tempfile.mkstemp(dir=self.out.parent, prefix=temp_prefix(self.out), suffix=".anki2.tmp")
            else:
                fd, path = tempfile.mkstemp(prefix="studykit-", suffix=".anki2")
            os.close(fd)
            connection = sqlite3.connect(path)
            cursor = connection.cursor()
            # a scratch database (zipped, then removed; a failed build discards it): no journal file on disk, no
            # fsync at each commit — the schema script alone committed several times (≈ 30 ms a build)
            cursor.execute("PRAGMA journal_mode = MEMORY")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.executescript(APKG_SCHEMA)
            cursor.executescript(APKG_COL)
            self._db = (path, connection, cursor, timestamp, itertools.count(int(timestamp * 1000)))
        return self._db

    def _write_note(self, index: int, note: NoteFile, prepared: list) -> None:
        self._load()
        self.stats.files += 1
        self.stats.problems.extend(note.problems)
        _, _, cursor, timestamp, ids = self._open()
        if not prepared:
            return
        name = "::".join((self.root_deck, *note.deck))
        did = self._deck(name)
        self._media.update(note.media)
        known = self._remember().cards
        tags = " " + " ".join(note.tags) + " "  # genanki's format of a note's tags
        note_rows, card_rows = [], []
        mod = int(timestamp)
        for card, guid, model, fields, kept in prepared:
            place = f"{note.relpath}:{card.line}"
            if guid in self._guids:  # two cards, one identity: the first in build order wins, whatever arrived first
                other_index, other_place, other_kind = self._guids[guid]
                if other_index <= index:
                    self.stats.problems.append(Problem(note.relpath, card.line, f"same identity as the card at "
                                                       f"{other_place} (two notes with the same `id:`?); skipped",
                                                       "identity"))
                    continue
                cursor.execute("DELETE FROM cards WHERE nid IN (SELECT id FROM notes WHERE guid = ?)", (guid,))
                cursor.execute("DELETE FROM notes WHERE guid = ?", (guid,))
                self.stats.cards[other_kind] -= 1
                file, _, line = other_place.rpartition(":")
                self.stats.problems.append(Problem(file, int(line), f"same identity as the card at {place} (two notes "
                                                   f"with the same `id:`?); skipped", "identity"))
                del self._guids[guid]
                self._new.pop(guid, None)
            self._guids[guid] = (index, place, card.kind)
            # the rows genanki's Note.write_to_db writes, in its id order (the note, then its cards), but inserted
            # all at once below: one INSERT per row was a third of a rebuild's writing
            nid = next(ids)
            note_rows.append((nid, guid, model.model_id, mod, -1, tags, "\x1f".join(fields),
                              fields[model.sort_field_index], 0, 0, ""))
            for ord_ in card_ords(model, fields):
                card_rows.append((next(ids), nid, did, ord_, mod, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ""))
            self.stats.cards[card.kind] += 1
            if guid not in known:  # only cards the last build did not have are worth describing
                compared = card.front if card.is_cloze else card.back  # a cloze's answer is in its text
                self._new[guid] = Current(guid, card.key, card.kind, note.relpath, card.line, short(card.front),
                                          compared, back_hash(compared), card.is_cloze)
            if kept:  # a GUID this card's key kept from an earlier match
                self._pinned[card.key] = guid
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);", note_rows)
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);", card_rows)

    def _deck(self, name: str) -> int:
        did = deck_id(name)
        self._decks.setdefault(did, name)
        return did

    def _write_decks_and_models(self, cursor, timestamp: float) -> None:
        """The collection's decks and note types, once per build (genanki's Deck.write_to_db re-encodes the whole
        decks JSON for every deck it writes: with one subdeck per note that made a build quadratic in notes)."""
        genanki = self._load()
        decks = json.loads(cursor.execute("SELECT decks FROM col").fetchone()[0])
        for did, name in self._decks.items():
            decks[str(did)] = genanki.Deck(did, name).to_json()
        cursor.execute("UPDATE col SET decks = ?", (json.dumps(decks),))
        models = json.loads(cursor.execute("SELECT models FROM col").fetchone()[0])
        root = deck_id(self.root_deck)
        for model in (self.basic, self.cloze):
            models[str(model.model_id)] = model.to_json(timestamp, root)
        cursor.execute("UPDATE col SET models = ?", (json.dumps(models),))

    def write(self, out: Path | None = None) -> BuildStats:
        """Write every note not written yet (in build order), then the package at `out`, atomically."""
        self.out = out or self.out
        if self.out is None:
            raise ValueError("DeckPackage.write needs an output path")
        try:
            for index in sorted(self._prepared):
                note, prepared = self._prepared.pop(index)
                self._write_note(index, note, prepared)
            path, connection, cursor, timestamp, _ = self._open()
            pinned, removed = self._match_and_remove(cursor)
            self._write_decks_and_models(cursor, timestamp)
            connection.commit()
            connection.close()
            self.stats.media = len(self._media)
            _write_atomically(path, self._media, self.out)
        finally:
            self.discard()
        memory = self._remember()
        if self.out is not None:  # every build has a new timestamp, so the memory is always written
            # the memory names the package it describes (size, hash): a kill between the two renames is found
            problem = memory.save(self._guids, self._new, pinned, removed, timestamp, package_digest(self.out))
            if problem:
                self.stats.problems.append(Problem(self.out.name, 0, problem, "memory"))
        return self.stats

    def _match_and_remove(self, cursor) -> tuple[dict[tuple, str], dict[str, dict]]:
        """Give matched cards their old GUIDs, ship removed cards again (tagged), and say what the memory keeps."""
        memory = self._remember()
        out = self.out
        read: dict[str, dict] | None = None

        def old_notes(guids: list[str]) -> dict[str, dict]:
            """The last package's notes with these GUIDs, unpacked once: the first call reads every card that may be
            asked for (all the cards gone since the last build; matching asks for some, shipping removed ones for
            the rest)."""
            nonlocal read
            if read is None:
                gone_now = [g for g in memory.cards.keys() if g not in self._guids]
                read = previous_notes(out, gone_now) if out is not None else {}
            return {g: read[g] for g in guids if g in read}

        def old_backs(guids):
            notes = old_notes(guids)
            return {g: (n["fields"][0] if memory.cards[g].cloze else n["fields"][1]) for g, n in notes.items()
                    if len(n["fields"]) > 1}

        matches, gone, warnings = memory.match(self._guids, self._new, old_backs)
        for warning in warnings:
            where, _, message = warning.partition(": ")
            file, _, line = where.rpartition(":")
            self.stats.problems.append(Problem(file, int(line or 0), message, "identity"))
        renamed = {}
        for match in matches:
            cursor.execute("UPDATE notes SET guid = ? WHERE guid = ?", (match.old.guid, match.new_guid))
            card = self._new.pop(match.new_guid)
            card.guid = renamed[match.new_guid] = match.old.guid
            self._new[card.guid] = card
            memory.cards.pop(card.guid, None)  # described anew: its key, file and front are this build's
            self._pinned[tuple(card.key)] = card.guid
        if renamed:
            self._guids = {renamed.get(g, g): place for g, place in self._guids.items()}
        self.stats.matched = matches
        pinned = self._pinned
        removed = {} if self.forget_removed else {g: r for g, r in memory.removed.items() if g not in self._guids}
        fields = old_notes([c.guid for c in gone]) if gone else {}
        for old in gone:
            record = {"guid": old.guid, "file": old.file, "line": old.line, "front": old.front,
                      "kind": old.kind, **fields.get(old.guid, {})}
            self.stats.removed_now.append(record)
            if not self.forget_removed and "fields" in record:
                removed[old.guid] = record
        self._ship_removed(cursor, removed)
        self.stats.removed = len(removed)
        return pinned, removed

    def _ship_removed(self, cursor, removed: dict[str, dict]) -> None:
        """Removed cards once more, fields unchanged (but for what safe_field takes out) and tagged, so that Anki's
        browser finds them to delete."""
        if not removed:
            return
        from studykit.notes.safe_html import safe_field

        self._load()
        _, _, _, timestamp, ids = self._open()
        models = {self.basic.model_id: self.basic, self.cloze.model_id: self.cloze}
        for record in removed.values():
            model = models.get(record.get("model"))
            if model is None or len(record["fields"]) != len(model.fields):
                continue
            did = self._deck(record.get("deck") or self.root_deck)
            tags = [t for t in record.get("tags", []) if t != REMOVED_TAG] + [REMOVED_TAG]
            fields = [safe_field(f) for f in record["fields"]]  # the memory is input: judged as a browser would
            note = self._note(model=model, fields=fields, guid=record["guid"], tags=tags)
            note.write_to_db(cursor, timestamp, did, ids)

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
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=temp_prefix(out), suffix=".tmp")
    os.close(fd)
    try:
        _zip_package(database, media, tmp)
        shareable(tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
