"""The sync plan as a pure function: what differs between the built deck and the collection."""

from __future__ import annotations

import pytest

from studykit.sync.plan import OUR_MODELS, REMOVED_TAG, Existing, NoteType, Wanted, make_plan

BASIC = OUR_MODELS[0]


def want(guid, deck="studykit::A", fields=("f", "b", "s"), tags=("note::a",)):
    return Wanted(guid, BASIC, fields, tags, deck)


def have(nid, guid, deck="studykit::A", fields=("f", "b", "s"), tags=("note::a",), model=BASIC, cards=None):
    return Existing(nid, guid, model, fields, tags, tuple(cards or [(nid * 10, deck)]))


def test_the_same_state_is_an_empty_plan():
    plan = make_plan([want("sk:1"), want("sk:2")], [have(1, "sk:1"), have(2, "sk:2")], "studykit")
    assert plan.empty and plan.counts() == {}


def test_each_kind_of_change():
    wanted = [want("sk:new"), want("sk:edit", fields=("f", "B2", "s")), want("sk:moved", deck="studykit::sub::A"),
              want("sk:tags", tags=("note::a", "x")), want("sk:gone", tags=("note::a", REMOVED_TAG))]
    existing = [have(1, "sk:edit"), have(2, "sk:moved", cards=[(20, "studykit::A"), (21, "studykit::sub::A")]),
                have(3, "sk:tags"), have(4, "sk:gone"), have(5, "sk:old")]
    plan = make_plan(wanted, existing, "studykit")
    assert [w.guid for w in plan.add] == ["sk:new"]
    assert [(e.guid, w.fields[1]) for e, w in plan.update_fields] == [("sk:edit", "B2")]
    assert [(e.guid, deck, cards) for e, deck, cards in plan.move] == [("sk:moved", "studykit::sub::A", [20])]
    assert [(e.guid, tags) for e, tags in plan.update_tags] == [("sk:tags", ("note::a", "x"))]
    assert sorted(e.guid for e in plan.remove) == ["sk:gone", "sk:old"]  # tagged removed in the deck, or absent
    assert plan.counts() == {"added": 1, "updated": 1, "retagged": 1, "cards moved": 1, "removed": 2}


def test_notes_studykit_did_not_make_are_never_touched():
    existing = [have(1, "sk:x", model=1234),  # our GUID namespace, another note type
                have(2, "abcdef"),  # our note type, another tool's GUID
                have(3, "sk:other-root", deck="german::A"),  # a studykit deck under another root
                have(4, "sk:both", cards=[(40, "studykit::A"), (41, "mine")])]  # a card moved out by the learner
    plan = make_plan([], existing, "studykit")
    assert plan.empty


def test_keep_removed_tags_once():
    plan = make_plan([], [have(1, "sk:old")], "studykit", keep_removed=True)
    assert [e.guid for e in plan.remove] == ["sk:old"] and plan.counts() == {"tagged removed": 1}
    assert make_plan([], [have(1, "sk:old", tags=("note::a", REMOVED_TAG))], "studykit", keep_removed=True).empty


def test_tags_compare_as_anki_does_and_note_types_and_media():
    plan = make_plan([want("sk:1", tags=("Note::A",))], [have(1, "sk:1", tags=("note::a",))], "studykit")
    assert plan.empty  # Anki's tags are case-insensitive
    plan = make_plan([want("sk:1", tags=("note::a", "x"))], [have(1, "sk:1", tags=("note::a", "marked"))], "studykit")
    assert [tags for _, tags in plan.update_tags] == [("note::a", "x", "marked")]  # the learner's mark stays
    assert make_plan([want("sk:1")], [have(1, "sk:1", tags=("note::a", "leech"))], "studykit").empty
    ours = NoteType(BASIC, "studykit Basic", "css2", (("Card 1", "{{Front}}", "{{Back}}"),))
    old = NoteType(BASIC, "studykit Basic", "css1", (("Card 1", "{{Front}}", "{{Back}}"),))
    plan = make_plan([], [], "studykit", note_types=[ours], existing_types=[old], media=["sk-1.png", "sk-2.png"],
                     existing_media={"sk-1.png"})
    assert plan.note_types == [ours] and plan.media == ["sk-2.png"]
    assert plan.counts() == {"note types updated": 1, "media added": 1}


@pytest.mark.cli
def test_anki_is_imported_only_by_the_collection_backend_and_its_absence_is_a_message(tmp_path):
    import subprocess
    import sys

    from conftest import run_studykit
    from sync_helpers import make_project

    code = ("import sys, studykit.cli, studykit.commands.sync, studykit.sync.run, studykit.sync.ankiconnect; "
            "print('anki' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    fake = tmp_path / "no-anki" / "anki"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('anki is not installed')\n")
    project = make_project(tmp_path / "project")
    (tmp_path / "collection.anki2").write_bytes(b"")
    proc = run_studykit("sync", "--collection", str(tmp_path / "collection.anki2"), cwd=project,
                        env={"PYTHONPATH": str(fake.parent)})
    assert proc.returncode == 2 and "pip install 'studykit[sync]'" in proc.stderr and "Traceback" not in proc.stderr


def test_our_note_type_ids_are_the_decks():
    from studykit.deck.notetypes import BASIC_MODEL_ID, CLOZE_MODEL_ID

    assert OUR_MODELS == (BASIC_MODEL_ID, CLOZE_MODEL_ID)
