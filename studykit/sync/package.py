"""The built package as a sync reads it (notes, note types, media), and the smaller package of changes it imports.

The package is the one `studykit build` writes (genanki's schema: one collection database and a media index in a
zip), so reading it needs only sqlite3 and zipfile.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from studykit.sync.plan import NoteType, Wanted

DATABASE = "collection.anki2"
DATABASES = ("collection.anki21", DATABASE)  # Anki's own exports carry both; the .anki21 one is the real one


class PackageError(Exception):
    """The built package cannot be read (it was just written, so this is rare: a full disk, a concurrent build)."""


@dataclass
class BuiltDeck:
    notes: list[Wanted]
    note_types: list[NoteType]
    media: dict[str, str]  # file name in Anki's media folder → member of the zip


def extract_database(archive: zipfile.ZipFile, folder: str) -> str:
    """Extract the package's collection database (schema 11, as genanki and Anki's legacy exporter write it)."""
    names = archive.namelist()
    name = next((n for n in DATABASES if n in names), None)
    if name is None:
        raise KeyError("no collection database in the package")
    archive.extract(name, folder)
    return os.path.join(folder, name)


def note_types(models_json: str) -> list[NoteType]:
    types = []
    for model in json.loads(models_json).values():
        templates = tuple((t["name"], t["qfmt"], t["afmt"]) for t in model.get("tmpls", []))
        types.append(NoteType(int(model["id"]), model["name"], model.get("css", ""), templates))
    return types


def read_built(path: Path) -> BuiltDeck:
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
            db = sqlite3.connect(extract_database(archive, tmp))
            media = {name: member for member, name in json.loads(archive.read("media")).items()}
            try:
                models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
                decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
                notes = [Wanted(guid, int(mid), tuple(flds.split("\x1f")), tuple(tags.split()),
                                decks.get(int(did or 0), ""))
                         for guid, mid, flds, tags, did in db.execute(
                             "SELECT n.guid, n.mid, n.flds, n.tags, (SELECT did FROM cards c WHERE c.nid = n.id "
                             "ORDER BY c.ord LIMIT 1) FROM notes n ORDER BY n.id")]
            finally:
                db.close()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, sqlite3.Error) as exc:
        raise PackageError(f"cannot read the built package {path}: {exc}") from exc
    return BuiltDeck(notes, note_types(models_json), media)


def write_changes(path: Path, guids: set[str], out: Path) -> None:
    """A copy of the package at `path` holding only the notes with these GUIDs (and all its media: Anki's importer
    adds a media file only when the collection does not have it), at `out`."""
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(tmp)
        db = sqlite3.connect(os.path.join(tmp, DATABASE))
        try:
            db.execute("CREATE TEMP TABLE keep (guid TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO keep VALUES (?)", [(g,) for g in guids])
            db.execute("DELETE FROM notes WHERE guid NOT IN (SELECT guid FROM keep)")
            db.execute("DELETE FROM cards WHERE nid NOT IN (SELECT id FROM notes)")
            db.commit()
        finally:
            db.close()
        with zipfile.ZipFile(out, "w") as archive:
            for name in sorted(os.listdir(tmp)):
                archive.write(os.path.join(tmp, name), name)


def media_bytes(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)

