"""The memory of the last build, kept beside its package: what lets a rebuild keep review history through edits
that change a card's identity (a reworded question, a renamed heading, a moved file) and report removed cards.

`decks/studykit.apkg` remembers its last build in `decks/studykit.memory.json` (JSON, safe to commit with the
deck, safe to delete — at the cost of this matching for the next build). It records, for every card of the package:
its GUID, kind, file and line, a few words of its front, and a hash of its back; the identity keys that kept an
older GUID (a match made once is kept by later builds; every other key's GUID is the hash of the key, so it needs no
entry); and the cards removed from the notes, with their fields, so that they can be shipped again, tagged, until
the learner says to forget them.

Matching, when a build has cards whose keys are new and the last build had cards that are gone:
- the same back (hash) on exactly one gone card and one new card → the new card keeps the gone card's GUID;
- otherwise a back at least 80 % similar (text, difflib ratio) to exactly one gone card, and that card is the
  closest for no other new card → the same;
- two or more equally good candidates → a new card, and a warning naming both places.
Cards of another note type (basic ↔ cloze) never match. Explicit `id:` in front matter is part of the key, so it
still wins.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from studykit.deck.leftovers import temp_prefix

FORMAT = 1
SIMILAR = 0.8  # the least difflib ratio between two backs for "the same answer, reworded question"
SIMILARITY_LIMIT = 400  # gone × new pairs compared by text at most (exact hashes are always compared)
REMOVED_TAG = "studykit::removed"
_TAG = re.compile(r"<[^>]*>")


def shareable(path: str) -> None:
    """A file made by mkstemp (mode 0600) gets the mode a new file would have (a deck and its memory are shared)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def memory_path(package: Path) -> Path:
    """`decks/studykit.apkg` → `decks/studykit.memory.json`."""
    return package.with_name(package.stem + ".memory.json")


def package_digest(package: Path) -> dict | None:
    """{size, mtime_ns, sha256} of a package file (None if it cannot be read): what its memory records of it."""
    try:
        digest = hashlib.sha256()
        with open(package, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
            st = os.fstat(stream.fileno())
        return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest.hexdigest()}
    except OSError:
        return None


def describes(recorded, package: Path) -> bool:
    """Whether a memory's record of its package fits the package file: the same size and mtime (not read again),
    or else the same size and SHA-256 (a copied or checked-out pair has a new mtime but the same bytes)."""
    if not isinstance(recorded, dict):
        return False
    try:
        st = package.stat()
    except OSError:
        return True  # no package to disagree with
    if recorded.get("size") != st.st_size:
        return False
    if recorded.get("mtime_ns") == st.st_mtime_ns:
        return True
    current = package_digest(package)
    return current is not None and current["sha256"] == recorded.get("sha256")


def back_hash(back: str) -> str:
    return hashlib.blake2b(back.encode("utf-8"), digest_size=8).hexdigest()


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


@dataclass
class Remembered:
    """A card of the last build, as the memory keeps it."""

    guid: str
    kind: str
    file: str
    line: int
    front: str  # a few words of the front, for messages
    back_hash: str
    cloze: bool


@dataclass
class Match:
    old: Remembered
    new_guid: str
    new_file: str
    new_line: int
    new_front: str
    how: str  # "same answer" | "similar answer"


class _Cards(dict):
    """guid → Remembered, made from the memory's rows only when asked for (a rebuild looks at a handful)."""

    def __missing__(self, guid):
        raise KeyError(guid)

    def get(self, guid, default=None):  # noqa: D102
        row = dict.get(self, guid)
        if row is None:
            return default
        return row if isinstance(row, Remembered) else self[guid]

    def __getitem__(self, guid):
        row = dict.__getitem__(self, guid)
        if not isinstance(row, Remembered):
            _, kind, file, line, front, digest, cloze = row
            row = Remembered(guid, kind, file, int(line), front, digest, bool(cloze))
            dict.__setitem__(self, guid, row)
        return row

    def items(self):  # noqa: D102
        return ((guid, self[guid]) for guid in self.keys())


@dataclass
class BuildMemory:
    path: Path
    cards: _Cards = field(default_factory=_Cards)  # guid → card of the last build
    pinned: dict[tuple, str] = field(default_factory=dict)  # key → GUID other than the key's own
    removed: dict[str, dict] = field(default_factory=dict)  # guid → removed card (fields, model, deck, …)
    found: bool = False  # a memory was read
    problem: str | None = None  # why it could not be read
    timestamp: float = 0.0  # the note time of the package it describes (Anki updates only newer notes)

    @classmethod
    def load(cls, package: Path) -> BuildMemory:
        path = memory_path(package)
        memory = cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            rows, pinned, removed, timestamp = _validated(data)
            described = data.get("package")
            if described is not None and package.is_file() and not describes(described, package):
                memory.problem = (f"{path.name} does not describe the {package.name} beside it (a build stopped "
                                  f"between writing the two, or one of them was replaced); this build starts a "
                                  f"fresh memory: edited cards are not matched to old ones this once")
                return memory
            memory.cards = _Cards((row[0], row) for row in rows)
            memory.pinned = pinned
            memory.removed = removed
            memory.timestamp = timestamp
            memory.found = True
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            memory.cards, memory.pinned, memory.removed = _Cards(), {}, {}
            memory.problem = (f"{path.name} (the memory of the last build) cannot be read ({exc.__class__.__name__}: "
                              f"{exc}); this build cannot match edited cards to old ones, and rewrites it")
        return memory

    def guid_for(self, key: tuple[str, ...], default: str) -> str:
        """The GUID a key keeps from an earlier match, else `default` (the key's own)."""
        return self.pinned.get(key, default) if self.pinned else default

    def match(self, current, new_cards: dict[str, Current], old_backs) -> tuple[list[Match], list[Remembered],
                                                                                 list[str]]:
        """(matches, gone cards without a match, ambiguity warnings). `current`: the GUIDs of this build;
        `new_cards`: guid → card, for the cards the last build did not have; `old_backs(guids)` → {guid: back HTML}
        of gone cards, read from the last package when text is needed."""
        gone = [self.cards[guid] for guid in self.cards.keys() if guid not in current]
        new = [card for guid, card in new_cards.items() if guid not in self.removed]
        if not gone or not new:
            return [], gone, []
        matches: list[Match] = []
        warnings: list[str] = []
        taken_old: set[str] = set()
        taken_new: set[str] = set()
        undecided: set[str] = set()
        by_hash: dict[tuple, list] = {}
        for card in gone:
            by_hash.setdefault((card.back_hash, card.cloze), []).append(card)
        new_by_hash: dict[tuple, list] = {}
        for card in new:
            new_by_hash.setdefault((card.back_hash, card.cloze), []).append(card)
        for digest, olds in by_hash.items():
            news = new_by_hash.get(digest, [])
            if len(olds) == 1 and len(news) == 1:
                matches.append(Match(olds[0], news[0].guid, news[0].file, news[0].line, news[0].front, "same answer"))
                taken_old.add(olds[0].guid)
                taken_new.add(news[0].guid)
            elif olds and news:
                warnings.append(_ambiguous(news[0], olds))
                undecided.update(o.guid for o in olds)  # not matched, and not tried again by similarity
                taken_new.update(n.guid for n in news)
        rest_old = [c for c in gone if c.guid not in taken_old and c.guid not in undecided]
        rest_new = [c for c in new if c.guid not in taken_new]
        if rest_old and rest_new and len(rest_old) * len(rest_new) <= SIMILARITY_LIMIT:
            import difflib

            texts = old_backs([c.guid for c in rest_old])
            scores = {}
            for n in rest_new:
                for o in rest_old:
                    if o.cloze == n.cloze and o.guid in texts:
                        ratio = difflib.SequenceMatcher(None, _text(texts[o.guid]), _text(n.back)).ratio()
                        if ratio >= SIMILAR:
                            scores[(n.guid, o.guid)] = ratio
            for n in rest_new:
                candidates = sorted(((r, o) for (g, o), r in scores.items() if g == n.guid), reverse=True)
                if not candidates:
                    continue
                best_ratio, best = candidates[0]
                rivals = [o for r, o in candidates if r >= best_ratio - 0.02]
                claimed = [g for (g, o), r in scores.items() if o == best and g != n.guid and r >= best_ratio - 0.02]
                old = self.cards[best]
                if len(rivals) > 1 or claimed:
                    warnings.append(_ambiguous(n, [self.cards[o] for o in rivals]))
                    continue
                matches.append(Match(old, n.guid, n.file, n.line, n.front, "similar answer"))
                taken_old.add(best)
        unmatched = [c for c in gone if c.guid not in taken_old]
        return matches, unmatched, warnings

    def save(self, order, new_cards: dict[str, Current], pinned: dict[tuple, str],
             removed: dict[str, dict], timestamp: float, package: dict | None = None) -> str | None:
        """Write the memory of this build (cards in `order`: known ones as remembered, new ones from `new_cards`)
        atomically; returns a warning when it cannot be written."""
        cards = []
        for guid in order:
            known = dict.get(self.cards, guid)
            if isinstance(known, list):
                cards.append(known)
            elif known is not None:
                cards.append([guid, known.kind, known.file, known.line, known.front, known.back_hash, int(known.cloze)])
            else:
                c = new_cards[guid]
                cards.append([guid, c.kind, c.file, c.line, c.front, c.back_hash, int(c.cloze)])
        data = {
            "format": FORMAT,
            "about": "studykit's memory of the last build of the package beside it: lets a rebuild keep review "
                     "history when a card's question, headings or file change. Safe to commit; safe to delete.",
            "timestamp": timestamp,
            "package": package,
            "cards": cards,
            "pinned": {json.dumps(list(k), ensure_ascii=False): g for k, g in pinned.items()},
            "removed": list(removed.values()),
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=temp_prefix(self.path), suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as stream:
                    stream.write(text)
                shareable(tmp)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            return f"cannot write {self.path}: {exc.strerror or exc}; the next build cannot match edited cards"
        return None


_GUID = re.compile(r"[!-~]{1,64}")  # Anki's GUIDs: printable ASCII, no spaces (ours: `sk:` + 16 base32 digits)
_HASH = re.compile(r"[0-9a-f]{16}")
_GUIDS = re.compile(r"(?:[!-~]{1,64}\n)*+")
_HASHES = re.compile(r"(?:[0-9a-f]{16}\n)*+")
MAX_TIMESTAMP = 1e11  # seconds: a date in the year 5138; anything later is not a build's time


def _guid(value) -> str:
    if not isinstance(value, str) or not _GUID.fullmatch(value):
        raise ValueError(f"GUID {value!r} is not a GUID string")
    return value


def _line(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**9:
        raise ValueError(f"line {value!r} is not a line number")
    return value


def _string(value, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} {value!r} is not a string")
    return value


def _strings(value, what: str) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"{what} is not a list")
    return [_string(item, what) for item in value]


def _validated(data) -> tuple[list[list], dict[tuple, str], dict[str, dict], float]:
    """The memory file's contents checked in full (it is input: shared beside the package, editable by anyone):
    (card rows, pinned, removed, timestamp). Raises ValueError naming the first thing that is wrong."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    if data.get("format") != FORMAT or isinstance(data.get("format"), bool):
        raise ValueError(f"format {data.get('format')!r}")
    timestamp = data.get("timestamp", 0)
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"timestamp {timestamp!r} is not a time")  # NaN and infinities fail the range too
    rows = data.get("cards")
    if not isinstance(rows, list):
        raise ValueError("cards is not a list")
    plain = all(type(row) is list and len(row) == 7 and type(row[0]) is str and type(row[1]) is str
                and type(row[2]) is str and type(row[3]) is int and type(row[4]) is str and type(row[5]) is str
                and type(row[6]) is int and 0 <= row[3] < 10**9 and row[6] in (0, 1) for row in rows)
    if not plain or not _GUIDS.fullmatch("".join(row[0] + "\n" for row in rows)) or not _HASHES.fullmatch(
            "".join(row[5] + "\n" for row in rows)):  # one pass for ten thousand cards; the slow one says what
        for row in rows:
            if not isinstance(row, list) or len(row) != 7:
                raise ValueError("a card is not a list of 7")
            _guid(row[0])
            for k, what in ((1, "kind"), (2, "file"), (4, "front")):
                _string(row[k], what)
            _line(row[3])
            if not isinstance(row[5], str) or not _HASH.fullmatch(row[5]):
                raise ValueError(f"back hash {row[5]!r} is not a hash")
            if row[6] not in (0, 1) or isinstance(row[6], float):
                raise ValueError(f"cloze {row[6]!r} is not 0 or 1")
    pinned_data = data.get("pinned", {})
    if not isinstance(pinned_data, dict):
        raise ValueError("pinned is not an object")
    pinned = {}
    for key, guid in pinned_data.items():
        parts = json.loads(key)
        pinned[tuple(_strings(parts, "a pinned key"))] = _guid(guid)
    removed_data = data.get("removed", [])
    if not isinstance(removed_data, list):
        raise ValueError("removed is not a list")
    removed = {}
    for record in removed_data:
        if not isinstance(record, dict):
            raise ValueError("a removed card is not an object")
        guid = _guid(record.get("guid"))
        for name in ("file", "front", "kind"):
            _string(record.get(name, ""), name)
        _line(record.get("line", 0))
        if "fields" in record:
            _strings(record["fields"], "a field")
            model = record.get("model")
            if isinstance(model, bool) or not isinstance(model, int):
                raise ValueError(f"model {model!r} is not a note type id")
            _strings(record.get("tags", []), "a tag")
            _string(record.get("deck", ""), "deck")
        removed[guid] = record
    return rows, pinned, removed, float(timestamp)


@dataclass
class Current:
    """A card of this build, as matching needs it."""

    guid: str
    key: tuple[str, ...]
    kind: str
    file: str
    line: int
    front: str
    back: str
    back_hash: str
    cloze: bool


def _ambiguous(card: Current | Remembered, olds: list[Remembered]) -> str:
    places = ", ".join(f"{o.file}:{o.line} ({o.front!r})" for o in olds[:3])
    return (f"{card.file}:{card.line}: {card.front!r} is new, and as much like several removed cards ({places}) — "
            f"made a new card; the old ones are reported as removed")


def short(fragment: str, width: int = 60) -> str:
    """A few words of an HTML fragment, for messages (looks only at its beginning: it is made for every card)."""
    text = _text(fragment[:width * 4])
    return text if len(text) <= width else text[:width - 1] + "…"
