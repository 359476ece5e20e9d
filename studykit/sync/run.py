"""The one sequence of a sync, whichever way it reaches the collection.

1. Plan: compare the built package with the collection (studykit/sync/plan.py). An empty plan writes nothing, so a
   sync with nothing changed leaves the collection (and its modification time) as it was.
2. Back up the collection, the way Anki does (the collection backend; a running Anki keeps its own backups).
3. Import a package of only the new and changed notes with Anki's importer (it adds notes, their cards and media,
   and updates changed notes in place, keeping their cards' reviews and scheduling).
4. Plan again and fix explicitly what the importer does not do: move cards whose note moved, delete (or tag)
   removed notes, set tags, update note types, and anything left over (a change the importer skipped).
5. Plan a third time: it must be empty, or the sync says what it could not do.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from studykit.sync.package import BuiltDeck, media_bytes, read_built, write_changes
from studykit.sync.plan import LEARNER_TAGS, REMOVED_TAG, Existing, NoteType, Plan, Wanted, make_plan


class SyncError(Exception):
    """A sync that cannot go on: the message says why and what to do."""


class Backend(Protocol):
    name: str

    def read(self) -> tuple[list[Existing], list[NoteType], set[str]]: ...
    def backup(self) -> str | None: ...
    def import_package(self, path: Path) -> None: ...
    def update_fields(self, note: Existing, fields: tuple[str, ...]) -> None: ...
    def set_tags(self, note: Existing, tags: tuple[str, ...]) -> None: ...
    def move(self, card_ids: list[int], deck: str) -> None: ...
    def delete(self, notes: list[Existing]) -> None: ...
    def add_tag(self, notes: list[Existing], tag: str) -> None: ...
    def update_note_type(self, note_type: NoteType) -> None: ...
    def add_media(self, name: str, data: bytes) -> None: ...


@dataclass
class SyncResult:
    plan: Plan  # what differed before the sync (what --dry-run lists)
    backup: str | None = None
    left: Plan | None = None  # what still differs after it (None: nothing)


def plan_for(backend: Backend, built: BuiltDeck, root: str, keep_removed: bool,
             state: tuple[list[Existing], list[NoteType], set[str]] | None = None) -> Plan:
    existing, types, media = state or backend.read()
    ours = {t.model for t in types}
    return make_plan(built.notes, existing, root, keep_removed,
                     note_types=[t for t in built.note_types if t.model in ours], existing_types=types,
                     media=built.media, existing_media=media)


def _fix(backend: Backend, plan: Plan, built: BuiltDeck, package: Path) -> None:
    for note, want in plan.update_fields:
        backend.update_fields(note, want.fields)
    for note, tags in plan.update_tags:
        backend.set_tags(note, tags)
    by_deck: dict[str, list[int]] = {}
    for _, deck, cards in plan.move:
        by_deck.setdefault(deck, []).extend(cards)
    for deck, cards in sorted(by_deck.items()):
        backend.move(cards, deck)
    if plan.remove:
        if plan.keep_removed:
            backend.add_tag(plan.remove, REMOVED_TAG)
        else:
            backend.delete(plan.remove)
    for note_type in plan.note_types:
        backend.update_note_type(note_type)
    for name in plan.media:
        backend.add_media(name, media_bytes(package, built.media[name]))


def _restore_learner_tags(backend: Backend, first: Plan) -> None:
    """Anki's importer replaces an updated note's tags with the package's: give back the reviewer's `marked` and
    `leech`, which are the learner's, not the deck's."""
    had = {have.note_id: [t for t in have.tags if t.lower() in LEARNER_TAGS] for have, _ in first.update_fields}
    if not any(had.values()):
        return
    for note in backend.read()[0]:
        missing = [t for t in had.get(note.note_id, []) if t.lower() not in {x.lower() for x in note.tags}]
        if missing:
            backend.set_tags(note, note.tags + tuple(missing))


def sync(backend: Backend, package: Path, root: str, keep_removed: bool = False, dry_run: bool = False) -> SyncResult:
    built = read_built(package)
    first = plan_for(backend, built, root, keep_removed)
    result = SyncResult(first)
    if dry_run or first.empty:
        return result
    result.backup = backend.backup()
    changed: list[Wanted] = first.add + [want for _, want in first.update_fields]
    if changed:
        with tempfile.TemporaryDirectory(prefix="studykit-sync-") as tmp:
            changes = Path(tmp) / "studykit-changes.apkg"
            write_changes(package, {w.guid for w in changed}, changes)
            backend.import_package(changes)
        _restore_learner_tags(backend, first)
    second = plan_for(backend, built, root, keep_removed)
    if second.add:
        guids = ", ".join(w.guid for w in second.add[:3]) + (" …" if len(second.add) > 3 else "")
        raise SyncError(f"Anki's importer did not add {len(second.add)} notes (GUIDs {guids}): the collection has "
                        f"notes with these GUIDs of another note type, or (through AnkiConnect, which shows only "
                        f"the {root!r} deck) outside that deck: move their cards back into it in Anki's browser")
    _fix(backend, second, built, package)
    third = plan_for(backend, built, root, keep_removed)
    result.left = None if third.empty else third
    return result


def describe(plan: Plan, limit: int = 20) -> list[str]:
    """One line per change, for --dry-run."""
    lines: list[str] = []

    def front(fields: tuple[str, ...]) -> str:
        from studykit.sync.plan import short_text

        return short_text(fields[0] if fields else "")

    for want in plan.add:
        lines.append(f"add      {want.deck}: {front(want.fields)}")
    for _, want in plan.update_fields:
        lines.append(f"update   {want.deck}: {front(want.fields)}")
    updated = {have.note_id for have, _ in plan.update_fields}
    for have, tags in plan.update_tags:
        if have.note_id not in updated:
            lines.append(f"retag    {front(have.fields)}: {' '.join(tags)}")
    for have, deck, cards in plan.move:
        lines.append(f"move     {front(have.fields)} → {deck} ({len(cards)} cards)")
    for have in plan.remove:
        verb = "tag      " if plan.keep_removed else "remove   "
        lines.append(f"{verb}{front(have.fields)}" + (f" ({REMOVED_TAG})" if plan.keep_removed else ""))
    for note_type in plan.note_types:
        lines.append(f"update   note type {note_type.name}")
    for name in plan.media:
        lines.append(f"add      media {name}")
    if len(lines) > limit:
        lines = lines[:limit] + [f"… and {len(lines) - limit} more"]
    return lines
