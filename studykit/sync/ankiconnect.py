"""The AnkiConnect backend: Anki running, changed through the AnkiConnect add-on's HTTP API (version 6).

AnkiConnect's notes carry no GUID, and GUIDs are how studykit knows its notes, so the collection is read through
`exportPackage` (Anki's own exporter, which keeps note and card ids and GUIDs) of the root deck, into a temporary
folder; changes go in through `importPackage` (Anki's own importer) and explicit actions (`changeDeck`,
`deleteNotes`, `addTags`, `updateNoteFields`, `updateNoteTags`, `updateModelStyling`, `updateModelTemplates`,
`storeMediaFile`). Both package actions take a path on Anki's machine, so the URL must be this machine's loopback.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import sqlite3
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import replace
from pathlib import Path

from studykit.sync.package import extract_database, note_types
from studykit.sync.plan import LEARNER_TAGS, Existing, NoteType, ours
from studykit.sync.run import SyncError

API_VERSION = 6
TIMEOUT = 120.0  # seconds for one request: an import of a large deck takes a while; a dead server fails at once


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AnkiConnectBackend:
    name = "AnkiConnect"

    def __init__(self, url: str, root: str | None = None):
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise SyncError(f"--anki-connect {url}: not an http URL (AnkiConnect listens on http://127.0.0.1:8765; "
                            f"notes' PATHs go before --anki-connect, or write its URL)")
        if not _loopback(parsed.hostname):
            raise SyncError(f"--anki-connect {url}: AnkiConnect's importPackage and exportPackage read and write "
                            f"files on Anki's machine, so sync needs the Anki running on this machine "
                            f"(127.0.0.1 or localhost)")
        self.url = parsed.geturl()
        self.where = f"Anki at {self.url}"
        self.root = root
        self._fields: dict[int, list[str]] = {}  # note type id → field names (from the export)
        self._names: dict[int, str] = {}  # note type id → its name in the collection
        self._tmp = tempfile.TemporaryDirectory(prefix="studykit-sync-")
        try:
            version = self.call("version")
        except SyncError:
            self.close()
            raise
        if not isinstance(version, int) or version < API_VERSION:
            self.close()
            raise SyncError(f"{self.url} speaks AnkiConnect API version {version}; sync needs {API_VERSION} or later "
                            f"(update the AnkiConnect add-on)")

    def close(self) -> None:
        self._tmp.cleanup()

    def call(self, action: str, **params):
        body = json.dumps({"action": action, "version": API_VERSION, "params": params}).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                reply = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise SyncError(f"AnkiConnect at {self.url} answered {action} with HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SyncError(f"no AnkiConnect at {self.url} ({reason}): start Anki with the AnkiConnect add-on "
                            f"(add-on code 2055492159), or close Anki and sync without --anki-connect") from exc
        except ValueError as exc:
            raise SyncError(f"{self.url} is not AnkiConnect (its answer to {action} is not JSON)") from exc
        if not isinstance(reply, dict) or set(reply) != {"result", "error"}:
            raise SyncError(f"{self.url} is not AnkiConnect version {API_VERSION} (unexpected answer to {action})")
        if reply["error"] is not None:
            raise SyncError(f"AnkiConnect refused {action}: {reply['error']}")
        return reply["result"]

    def read(self) -> tuple[list[Existing], list[NoteType], set[str]]:
        if self.root is None:
            raise SyncError("internal: the root deck is needed to read the collection through AnkiConnect")
        media = set(self.call("getMediaFilesNames", pattern="sk-*") or [])
        if self.root not in (self.call("deckNames") or []):
            return [], [], media
        export = os.path.join(self._tmp.name, "current.apkg")
        Path(export).unlink(missing_ok=True)
        if not self.call("exportPackage", deck=self.root, path=export, includeSched=False):
            raise SyncError(f"AnkiConnect could not export the deck {self.root!r} to read it")
        try:
            notes, types = self._read_export(export)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, sqlite3.Error) as exc:
            raise SyncError(f"cannot read Anki's export of {self.root!r}: {exc}") from exc
        finally:
            Path(export).unlink(missing_ok=True)
        # Anki's exporter leaves out the reviewer's tags (marked, leech): ask for them
        learner: dict[int, list[str]] = {}
        for tag in sorted(LEARNER_TAGS):
            deck = self.root.replace('"', '\\"')
            for nid in self.call("findNotes", query=f'"deck:{deck}" tag:{tag}') or []:
                learner.setdefault(nid, []).append(tag)
        notes = [replace(n, tags=n.tags + tuple(learner[n.note_id])) if n.note_id in learner else n for n in notes]
        return notes, types, media

    def _read_export(self, path: str) -> tuple[list[Existing], list[NoteType]]:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
            db = sqlite3.connect(extract_database(archive, tmp))
            try:
                models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
                decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
                models = json.loads(models_json)
                cards: dict[int, list[tuple[int, str]]] = {}
                for cid, nid, did, odid in db.execute("SELECT id, nid, did, odid FROM cards ORDER BY ord"):
                    cards.setdefault(nid, []).append((cid, decks.get(odid or did, "")))
                notes = [Existing(nid, guid, int(mid), tuple(flds.split("\x1f")), tuple(tags.split()),
                                  tuple(cards.get(nid, ())))
                         for nid, guid, mid, flds, tags in db.execute("SELECT id, guid, mid, flds, tags FROM notes")]
            finally:
                db.close()
        notes = [n for n in notes if ours(n.guid, n.model)]
        types = [t for t in note_types(models_json) if any(n.model == t.model for n in notes)]
        for model in models.values():
            self._fields[int(model["id"])] = [f["name"] for f in sorted(model["flds"], key=lambda f: f["ord"])]
            self._names[int(model["id"])] = model["name"]
        return notes, types

    def backup(self) -> str | None:
        return None  # a running Anki makes its own backups; it has the collection open, so we cannot copy it

    def import_package(self, path: Path) -> None:
        # a copy the running Anki can read, whatever its user's umask made of ours
        target = Path(self._tmp.name) / "changes.apkg"
        target.write_bytes(path.read_bytes())
        if self.call("importPackage", path=str(target.resolve())) is False:
            raise SyncError("AnkiConnect's importPackage did not import the changes (no collection open in Anki?)")

    def update_fields(self, note: Existing, fields: tuple[str, ...]) -> None:
        names = self._fields.get(note.model)
        if names is None or len(names) != len(fields):
            raise SyncError(f"the note type of note {note.note_id} does not have studykit's fields any more")
        self.call("updateNoteFields", note={"id": note.note_id, "fields": dict(zip(names, fields, strict=True))})

    def set_tags(self, note: Existing, tags: tuple[str, ...]) -> None:
        self.call("updateNoteTags", note=note.note_id, tags=list(tags))

    def move(self, card_ids: list[int], deck: str) -> None:
        self.call("changeDeck", cards=card_ids, deck=deck)

    def delete(self, notes: list[Existing]) -> None:
        self.call("deleteNotes", notes=[n.note_id for n in notes])

    def add_tag(self, notes: list[Existing], tag: str) -> None:
        self.call("addTags", notes=[n.note_id for n in notes], tags=tag)

    def update_note_type(self, note_type: NoteType) -> None:
        name = self._names.get(note_type.model, note_type.name)
        self.call("updateModelStyling", model={"name": name, "css": note_type.css})
        self.call("updateModelTemplates", model={"name": name, "templates": {
            template: {"Front": qfmt, "Back": afmt} for template, qfmt, afmt in note_type.templates}})

    def add_media(self, name: str, data: bytes) -> None:
        self.call("storeMediaFile", filename=name, data=base64.b64encode(data).decode("ascii"))
