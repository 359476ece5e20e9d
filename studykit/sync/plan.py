"""What a sync must change, as a pure function of the built deck (`Wanted` notes) and the collection (`Existing`).

Only notes studykit made are looked at: a GUID in studykit's `sk:` namespace AND one of studykit's two note types.
A note of ours that the deck no longer has is removed only when all its cards are in the root deck or below it, so a
second studykit deck under another root (`--deck`) is never taken for removed cards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from studykit.deck.identity import GUID_PREFIX
from studykit.deck.memory import REMOVED_TAG  # the tag the build gives removed cards

OUR_MODELS = (1724019101, 1724019102)  # studykit/deck/notetypes.py's ids (that module imports genanki: not here)
LEARNER_TAGS = frozenset({"marked", "leech"})  # tags Anki's reviewer gives a note: the learner's, kept by a sync


@dataclass(frozen=True)
class Wanted:
    """A note as the built deck has it."""

    guid: str
    model: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str


@dataclass(frozen=True)
class Existing:
    """A note as the collection has it: its cards' (home) decks by card id."""

    note_id: int
    guid: str
    model: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    card_decks: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class NoteType:
    """What of a note type a sync keeps up to date: its CSS and each template's question and answer."""

    model: int
    name: str
    css: str
    templates: tuple[tuple[str, str, str], ...]  # (name, question format, answer format)


@dataclass
class Plan:
    add: list[Wanted] = field(default_factory=list)
    update_fields: list[tuple[Existing, Wanted]] = field(default_factory=list)
    update_tags: list[tuple[Existing, tuple[str, ...]]] = field(default_factory=list)  # (note, its new tags)
    move: list[tuple[Existing, str, list[int]]] = field(default_factory=list)  # (note, deck, card ids to move)
    remove: list[Existing] = field(default_factory=list)  # deleted, or tagged with keep_removed
    keep_removed: bool = False
    note_types: list[NoteType] = field(default_factory=list)  # to update in place
    media: list[str] = field(default_factory=list)  # media files the collection does not have

    @property
    def empty(self) -> bool:
        return not (self.add or self.update_fields or self.update_tags or self.move or self.remove
                    or self.note_types or self.media)

    def counts(self) -> dict[str, int]:
        """What changes, by kind, for the summary (zero counts left out)."""
        counts = {
            "added": len(self.add),
            "updated": len(self.update_fields),
            "retagged": len({e.note_id for e, _ in self.update_tags} - {e.note_id for e, _ in self.update_fields}),
            "cards moved": sum(len(cards) for _, _, cards in self.move),
            ("tagged removed" if self.keep_removed else "removed"): len(self.remove),
            "note types updated": len(self.note_types),
            "media added": len(self.media),
        }
        return {kind: n for kind, n in counts.items() if n}


def ours(guid: str, model: int) -> bool:
    return guid.startswith(GUID_PREFIX) and model in OUR_MODELS


def under(deck: str, root: str) -> bool:
    return deck == root or deck.startswith(root + "::")


def _deck_tags(tags: Iterable[str]) -> set[str]:
    return {t.lower() for t in tags} - LEARNER_TAGS  # Anki's tags are case-insensitive


def make_plan(wanted: list[Wanted], existing: list[Existing], root: str, keep_removed: bool = False,
              note_types: Iterable[NoteType] = (), existing_types: Iterable[NoteType] = (),
              media: Iterable[str] = (), existing_media: Iterable[str] = ()) -> Plan:
    """Everything that differs between the deck and the collection; an empty plan when they agree.

    A wanted note tagged `studykit::removed` (the build ships removed cards once more, tagged) counts as removed."""
    plan = Plan(keep_removed=keep_removed)
    mine = {e.guid: e for e in existing if ours(e.guid, e.model)}
    active = {w.guid: w for w in wanted if REMOVED_TAG not in w.tags}
    for guid, want in active.items():
        have = mine.get(guid)
        if have is None:
            plan.add.append(want)
            continue
        if have.fields != want.fields:
            plan.update_fields.append((have, want))
        if _deck_tags(have.tags) != _deck_tags(want.tags):
            kept = tuple(t for t in have.tags if t.lower() in LEARNER_TAGS)
            plan.update_tags.append((have, want.tags + kept))
        away = [card for card, deck in have.card_decks if deck != want.deck]
        if away:
            plan.move.append((have, want.deck, away))
    for guid, have in mine.items():
        if guid in active or not have.card_decks or not all(under(deck, root) for _, deck in have.card_decks):
            continue
        if keep_removed:
            if any(t.lower() == REMOVED_TAG for t in have.tags):
                continue  # tagged already: nothing to change
        plan.remove.append(have)
    have_types = {t.model: t for t in existing_types}
    for want_type in note_types:
        have_type = have_types.get(want_type.model)
        if have_type is not None and (have_type.css, have_type.templates) != (want_type.css, want_type.templates):
            plan.note_types.append(want_type)
    needed = {name for name in media}
    plan.media = sorted(needed - set(existing_media))
    return plan


def short_text(html_fragment: str, width: int = 60) -> str:
    """A card's front as one short line of text (for --dry-run and messages)."""
    import html
    import re

    text = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", html_fragment)).split())
    return text if len(text) <= width else text[:width - 1] + "…"
