"""Importing a built deck the way a user's Anki does: Anki's own library, a throwaway collection."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageOptions


@dataclass
class ImportedNote:
    guid: str
    notetype: str
    fields: dict[str, str]
    tags: list[str]
    decks: set[str]


def open_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_package(col: Collection, apkg: Path, options: ImportAnkiPackageOptions | None = None):
    """Import with the options a user's Anki starts its import dialog with: the collection's own presets.

    Those are: update notes and note types only if the incoming ones are newer, do not merge note types,
    no scheduling or deck options from the package.
    """
    if options is None:
        options = col._backend.get_import_anki_package_presets()
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options))


def notes_of(col: Collection) -> list[ImportedNote]:
    out = []
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        decks = {col.decks.name(card.did) for card in note.cards()}
        fields = dict(zip([f["name"] for f in note.note_type()["flds"]], note.fields, strict=False))
        out.append(ImportedNote(note.guid, note.note_type()["name"], fields, list(note.tags), decks))
    return out


def deck_names(col: Collection) -> set[str]:
    return {d.name for d in col.decks.all_names_and_ids()}
