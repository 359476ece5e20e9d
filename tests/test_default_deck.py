"""The default deck (`studykit build` on content/): big enough, well formed, tied to the exercises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from anki_import import deck_names, import_package, notes_of, open_collection
from conftest import REPO, run_studykit
from studykit.catalog import all_exercises

CONTENT = REPO / "content"


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("default")
    out = tmp / "studykit.apkg"
    proc = run_studykit("build", "--strict", "-o", str(out), cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 warnings" in proc.stdout
    col = open_collection(tmp / "anki")
    import_package(col, out)
    yield col, notes_of(col)
    col.close()


def test_at_least_150_cards_in_at_least_7_subdecks(deck):
    col, notes = deck
    assert col.card_count() >= 150
    subdecks = {name for name in deck_names(col) if name.startswith("studykit::")}
    assert len(subdecks) >= 7
    assert all(any(n.decks & {d} for n in notes) for d in subdecks)


def test_every_card_has_a_front_and_a_back(deck):
    _, notes = deck
    for note in notes:
        if note.notetype == "studykit Cloze":
            assert "{{c1::" in note.fields["Text"] and note.fields["Context"].strip()
        else:
            front = re.sub(r"<[^>]+>", "", note.fields["Front"]).strip()
            back = re.sub(r"<[^>]+>", "", note.fields["Back"]).strip()
            assert front and (back or "<img" in note.fields["Back"]), note.fields
            assert "›" in note.fields["Front"] or note.fields["Front"].count("ctx") == 1  # context is shown


def test_cards_carry_their_exercise_tags(deck):
    _, notes = deck
    tagged = {tag for note in notes for tag in note.tags if re.fullmatch(r"ex\d\d", tag)}
    assert tagged == {ex.id for ex in all_exercises()}  # every exercise has cards; no tag names a missing one
    delta = [n for n in notes if "误差项" in n.fields.get("Front", "")]
    assert delta and "ex06" in delta[0].tags


def test_activation_plots_are_in_the_deck(deck):
    col, notes = deck
    media = list(Path(col.media.dir()).iterdir())
    assert len([m for m in media if m.suffix == ".svg"]) == 3
    assert any("<img" in n.fields.get("Back", "") and ".svg" in n.fields["Back"] for n in notes)


def test_every_exercise_link_in_the_notes_names_a_real_exercise():
    known = {ex.id for ex in all_exercises()}
    linked = set()
    for note in CONTENT.glob("*.md"):
        linked |= set(re.findall(r"studykit show (ex\d\d)", note.read_text(encoding="utf-8")))
    assert linked == known


def test_the_plots_are_reproducible_from_the_script(tmp_path):
    import runpy

    before = {p.name: p.read_bytes() for p in (CONTENT / "images").glob("*.svg")}
    runpy.run_path(str(REPO / "scripts" / "plot_activations.py"), run_name="__main__")
    after = {p.name: p.read_bytes() for p in (CONTENT / "images").glob("*.svg")}
    assert before == after and len(before) == 3
