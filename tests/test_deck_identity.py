"""Identity on its own: card GUIDs and deck ids depend on names and keys only, in a studykit namespace."""

from __future__ import annotations

from studykit.deck.identity import GUID_PREFIX, card_guid, deck_id


def test_guid_is_stable_and_namespaced():
    key = ("activations", "term", "ReLU", "优点")
    assert card_guid(key) == card_guid(("activations", "term", "ReLU", "优点"))
    assert card_guid(key).startswith(GUID_PREFIX) and GUID_PREFIX == "sk:"
    assert len(card_guid(key)) == len(GUID_PREFIX) + 16


def test_guid_pinned_value_never_changes():
    # changing how GUIDs are computed would turn every learner's cards into new ones and orphan their reviews
    assert card_guid(("note", "term", "H", "t")) == "sk:a7y4kdjkpzwmub3m"


def test_different_keys_never_share_a_guid():
    keys = [("a", "term", h, "优点") for h in ("ReLU", "Sigmoid", "Tanh")]
    keys += [("a", "term", "ReLU", "优点", "#2"), ("a", "qa", "ReLU", "优点"), ("b", "term", "ReLU", "优点")]
    assert len({card_guid(k) for k in keys}) == len(keys)


def test_key_parts_are_kept_apart():
    assert card_guid(("a", "b")) != card_guid(("a\x1fb",))
    assert card_guid(("a", "b")) != card_guid(("a b",))
    assert card_guid(("ab", "c")) != card_guid(("a", "bc"))


def test_deck_ids_are_derived_from_names_in_anki_id_range():
    assert deck_id("studykit::激活函数") == deck_id("studykit::激活函数")
    assert deck_id("studykit::a") != deck_id("studykit::b")
    assert 1 << 40 <= deck_id("studykit") < 1 << 41


def test_guid_is_the_documented_formula_for_any_text():
    # card_guid spells json.dumps out for speed; it must give exactly the GUIDs the formula gives
    import base64
    import hashlib
    import json
    import random

    def formula(key):
        encoded = json.dumps(["studykit", *key], ensure_ascii=False)
        return "sk:" + base64.b32encode(hashlib.sha256(encoded.encode("utf-8")).digest()[:10]).decode().lower()

    rng = random.Random(7)
    ranges = [(0, 0x7F), (0x80, 0x7FF), (0x800, 0xD7FF), (0xE000, 0xFFFF), (0x10000, 0x10FFFF)]
    keys = [("a", 'quote " backslash \\ newline \n tab \t', "\x00\x1f\x7f\u2028 中文 😀")]
    for _ in range(3000):
        keys.append(tuple("".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(rng.randint(0, 6)))
                          for _ in range(rng.randint(0, 5))))
    assert [card_guid(k) for k in keys] == [formula(k) for k in keys]
