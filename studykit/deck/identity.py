"""Identity in one place: card GUIDs and deck ids, derived from names and keys only.

A card's GUID depends on its `key` (note id, kind, heading path, term/question/row name) and never on
its answer, so editing an answer updates the card on re-import and keeps its reviews. GUIDs are
collection-wide in Anki, so they carry a `sk:` namespace that no other tool's GUIDs use.
"""

from __future__ import annotations

import base64
import hashlib
import json

GUID_PREFIX = "sk:"


def card_guid(key: tuple[str, ...]) -> str:
    encoded = json.dumps(["studykit", *key], ensure_ascii=False)  # unambiguous: ("a", "b") ≠ ("a b",)
    digest = hashlib.sha256(encoded.encode("utf-8")).digest()
    return GUID_PREFIX + base64.b32encode(digest[:10]).decode("ascii").lower()


def deck_id(name: str) -> int:
    """A stable id for a deck name, in the range Anki and genanki use for ids."""
    digest = hashlib.sha256(("studykit-deck\x1f" + name).encode("utf-8")).digest()
    return (1 << 40) + int.from_bytes(digest[:5], "big")
