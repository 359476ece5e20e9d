"""The collection backend: Anki closed, `collection.anki2` changed with Anki's own library (the `anki` package).

Anki opens its collection with SQLite's exclusive locking mode, so while Anki (or a media sync) has it open, the
library refuses a second open with "Anki already open, or media currently syncing." — we turn that into a clear
refusal instead of writing beside a running Anki. Before the first change the collection is backed up the way Anki
does it: the library's own `create_backup` into the profile's `backups/` folder (a `.colpkg`, rotated by the
collection's backup settings).
"""

from __future__ import annotations

from pathlib import Path

from studykit.sync.plan import OUR_MODELS, Existing, NoteType
from studykit.sync.run import SyncError


class CollectionBackend:
    name = "collection"

    def __init__(self, path: Path):
        try:
            from anki.collection import Collection
            from anki.errors import DBError
        except ImportError as exc:
            raise SyncError("syncing into a collection file needs Anki's library: pip install 'studykit[sync]' "
                            "(or pip install anki); with Anki running, use --anki-connect") from exc
        self.created = False
        if not path.exists():
            if path.suffix != ".anki2" or not path.parent.is_dir():
                raise SyncError(f"{path}: no such collection (a profile's collection.anki2; a new one is made only "
                                f"as a .anki2 file in an existing folder)")
            self.created = True  # Anki's library makes a new, empty collection
        elif not path.is_file():
            raise SyncError(f"{path} is not a collection file")
        self.path = path
        try:
            self.col = Collection(str(path))
        except DBError as exc:
            if "already open" in str(exc).lower():
                raise SyncError(f"{path} is open in a running Anki: close Anki first, or keep it running with "
                                f"AnkiConnect installed and use --anki-connect") from exc
            raise SyncError(f"cannot open {path}: {exc}") from exc
        except Exception as exc:  # not a collection: a damaged file, another database
            raise SyncError(f"cannot open {path} as an Anki collection: {exc}") from exc

    def close(self) -> None:
        self.col.close()

    def read(self) -> tuple[list[Existing], list[NoteType], set[str]]:
        col = self.col
        db = col.db
        assert db is not None  # open since __init__
        marks = ",".join(str(m) for m in OUR_MODELS)
        decks = {int(d.id): d.name for d in col.decks.all_names_and_ids()}
        cards: dict[int, list[tuple[int, str]]] = {}
        for cid, nid, did, odid in db.all(
                f"SELECT c.id, c.nid, c.did, c.odid FROM cards c JOIN notes n ON n.id = c.nid "
                f"WHERE n.mid IN ({marks}) ORDER BY c.ord"):
            cards.setdefault(nid, []).append((cid, decks.get(odid or did, "")))  # a filtered deck's card: its home
        notes = [Existing(nid, guid, int(mid), tuple(flds.split("\x1f")), tuple(tags.split()),
                          tuple(cards.get(nid, ())))
                 for nid, guid, mid, flds, tags in db.all(
                     f"SELECT id, guid, mid, flds, tags FROM notes WHERE mid IN ({marks})")]
        types = []
        for model_id in OUR_MODELS:
            model = col.models.get(model_id)  # type: ignore[arg-type]
            if model is not None:
                types.append(NoteType(model_id, model["name"], model["css"],
                                      tuple((t["name"], t["qfmt"], t["afmt"]) for t in model["tmpls"])))
        media_dir = Path(col.media.dir())
        media = {p.name for p in media_dir.iterdir()} if media_dir.is_dir() else set()
        return notes, types, media

    def backup(self) -> str | None:
        folder = self.path.parent / "backups"
        folder.mkdir(exist_ok=True)
        before = set(folder.iterdir())
        self.col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
        made = sorted(set(folder.iterdir()) - before)
        return str(made[-1]) if made else None

    def import_package(self, path: Path) -> None:
        from anki.import_export_pb2 import (
            ImportAnkiPackageOptions,
            ImportAnkiPackageRequest,
            ImportAnkiPackageUpdateCondition,
        )

        options = ImportAnkiPackageOptions(
            merge_notetypes=False, with_scheduling=False, with_deck_configs=False,
            update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS,
            update_notetypes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER)
        self.col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options))

    def update_fields(self, note: Existing, fields: tuple[str, ...]) -> None:
        anki_note = self.col.get_note(note.note_id)  # type: ignore[arg-type]
        anki_note.fields = list(fields)
        self.col.update_note(anki_note)

    def set_tags(self, note: Existing, tags: tuple[str, ...]) -> None:
        anki_note = self.col.get_note(note.note_id)  # type: ignore[arg-type]
        anki_note.tags = list(tags)
        self.col.update_note(anki_note)

    def move(self, card_ids: list[int], deck: str) -> None:
        deck_id = self.col.decks.id(deck, create=True)
        self.col.set_deck(card_ids, deck_id)  # type: ignore[arg-type]

    def delete(self, notes: list[Existing]) -> None:
        self.col.remove_notes([n.note_id for n in notes])  # type: ignore[misc]

    def add_tag(self, notes: list[Existing], tag: str) -> None:
        self.col.tags.bulk_add([n.note_id for n in notes], tag)  # type: ignore[misc]

    def update_note_type(self, note_type: NoteType) -> None:
        model = self.col.models.get(note_type.model)  # type: ignore[arg-type]
        if model is None:
            return
        model["css"] = note_type.css
        for template, (_, qfmt, afmt) in zip(model["tmpls"], note_type.templates, strict=False):
            template["qfmt"], template["afmt"] = qfmt, afmt
        self.col.models.update_dict(model)

    def add_media(self, name: str, data: bytes) -> None:
        self.col.media.write_data(name, data)
