"""Warnings about cards that a learner would otherwise discover in Anki: what a card shows, not how it was written.

`card_problems` looks at one card as it will be shown (its HTML): leftover Markdown such as `**` or `$$` that
would show as typed, a back too long to recall, a cloze that hides nearly its whole sentence.
`duplicate_fronts` looks across notes: two cards in one deck with the same front and different backs.
"""

from __future__ import annotations

import html
import re

from studykit.notes.model import Card, NoteFile, Problem

LONG_BACK = 1500  # characters of text on a card's back: past this, split it into sub-questions
CLOZE_HIDDEN = 0.9  # a cloze hiding this share of its sentence or more leaves nothing to recall it from

_TAG = re.compile(r"<[^>]*>")
_PROTECTED = re.compile(r"<(pre|code)\b.*?</\1>|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
# an explicit gap's hidden text (without its hint); possessive, so linear: a gap's text never runs past the next
# `{{cN::` (an unclosed opener repeated a thousand times on one line made a lazy `.*?` cubic)
GAP = re.compile(r"\{\{c\d+::((?:[^:{}]++|:(?!:)|\{(?!\{c\d+::)|\}(?!\}))*+)(?:::[^}]*+)?\}\}")
_GAP = GAP


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment (tags removed, entities decoded)."""
    return html.unescape(_TAG.sub("", fragment))


_SUSPECT = re.compile(r"\*\*|\$\$|__|%5[cC]|[\n>]#")


def _leftovers(fragment: str) -> list[str]:
    if not _SUSPECT.search(fragment):
        return []
    visible = text_of(_PROTECTED.sub(" ", fragment))
    found = []
    if "**" in visible:
        found.append("`**`")
    if re.search(r"(?<![\w\\])__\S", visible):
        found.append("`__`")
    if "$$" in visible:
        found.append("`$$`")
    if re.search(r"(?m)^\s*#{1,6}\s", visible):
        found.append("a `#` heading line")
    if re.search(r"%5[cC]", visible):
        found.append("a percent-encoded path")
    return found


def card_problems(card: Card) -> list[tuple[str, str]]:
    """(kind, message) for each thing about `card` that will look wrong in Anki."""
    problems = []
    for side, fragment in (("front", card.front), ("back", card.back)):
        left = _leftovers(fragment)
        if left:
            problems.append(("markdown", f"the card's {side} shows {' and '.join(left)} as typed (unmatched "
                                         f"emphasis or maths markers?); check the Markdown around it"))
    back_text = len(text_of(card.back).strip()) if len(card.back) > LONG_BACK else 0  # HTML ≥ its text
    if back_text > LONG_BACK and not card.is_cloze:
        problems.append(("long-back", f"the answer is {back_text} characters long — too long to recall in one go; "
                                      f"split it into sub-questions (headings ending in ?)"))
    if card.is_cloze:
        whole = len(text_of(_GAP.sub(r"\1", card.front)).strip())
        hidden = sum(len(text_of(m.group(1)).strip()) for m in _GAP.finditer(card.front))
        if whole and hidden / whole >= CLOZE_HIDDEN:
            problems.append(("cloze", f"the cloze hides {hidden} of its {whole} characters: nothing is left to "
                                      f"recall it from; highlight less, or ask a question instead"))
    return problems


def duplicate_fronts(notes: list[NoteFile]) -> list[Problem]:
    """A warning for every card whose deck already has a card with the same front (context line and prompt, as
    HTML) but a different back."""
    first: dict[tuple, tuple[NoteFile, Card]] = {}
    problems = []
    for note in notes:
        for card in note.cards:
            if card.is_cloze:
                continue
            key = (note.deck, card.context, card.front)
            other_note, other = first.setdefault(key, (note, card))
            if other is card or (other.key[1:] == card.key[1:] and other_note.note_id == note.note_id):
                continue  # the first of its front, or the same identity (the package keeps one and says so)
            if text_of(other.back).split() != text_of(card.back).split():
                front = " ".join(text_of(card.front).split())
                problems.append(Problem(note.relpath, card.line,
                                        f"same front as the card at {other_note.relpath}:{other.line} "
                                        f"({front[:60]!r}) but a different back: a learner sees two cards that "
                                        f"ask the same and expect different answers", "duplicate"))
    return problems
