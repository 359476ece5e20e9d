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
