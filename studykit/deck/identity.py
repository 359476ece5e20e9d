"""Identity in one place: card GUIDs and deck ids, derived from names and keys only.

A card's GUID depends on its `key` (note id, kind, heading path, term/question/row name) and never on
its answer, so editing an answer updates the card on re-import and keeps its reviews. GUIDs are
collection-wide in Anki, so they carry a `sk:` namespace that no other tool's GUIDs use.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring

GUID_PREFIX = "sk:"


def card_guid(key: tuple[str, ...]) -> str:
    """`sk:` + base32 (lower case) of the first 10 bytes of SHA-256(json.dumps(["studykit", *key],
    ensure_ascii=False)). The JSON list keeps key parts apart: ("a", "b") ≠ ("a b",)."""
    try:  # json.dumps spelled out for strings: 4× faster, and a build makes one GUID per card
        encoded = "[" + ", ".join(map(encode_basestring, ("studykit", *key))) + "]"
    except TypeError:
        encoded = json.dumps(["studykit", *key], ensure_ascii=False)
    digest = hashlib.sha256(encoded.encode("utf-8")).digest()
    high, low = int.from_bytes(digest[:5], "big"), int.from_bytes(digest[5:10], "big")
    return (GUID_PREFIX + _PAIRS[high >> 30] + _PAIRS[(high >> 20) & 0x3FF] + _PAIRS[(high >> 10) & 0x3FF]
            + _PAIRS[high & 0x3FF] + _PAIRS[low >> 30] + _PAIRS[(low >> 20) & 0x3FF] + _PAIRS[(low >> 10) & 0x3FF]
            + _PAIRS[low & 0x3FF])


_B32 = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648 base32, lower case
_PAIRS = [a + b for a in _B32 for b in _B32]  # every 10-bit value as two base32 digits


def deck_id(name: str) -> int:
    """A stable id for a deck name, in the range Anki and genanki use for ids."""
    digest = hashlib.sha256(("studykit-deck\x1f" + name).encode("utf-8")).digest()
    return (1 << 40) + int.from_bytes(digest[:5], "big")
