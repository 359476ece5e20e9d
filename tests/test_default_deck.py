"""The default deck (`studykit build` on content/): big enough, well formed, tied to the exercises.

The deck is built through the real CLI and imported with Anki's own library, so the assertions are
about what a learner sees after File → Import.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from anki_import import deck_names, import_package, notes_of, open_collection
from conftest import REPO, run_studykit

from studykit.catalog import all_exercises
from studykit.notes.frontmatter import as_list, parse_front_matter

CONTENT = REPO / "content"
NOTES = sorted(CONTENT.glob("*.md"))
PLOTS = ("relu.svg", "sigmoid.svg", "tanh.svg")


def text_of(html: str) -> str:
    """What a reader sees of a field: tags stripped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def div(html: str, cls: str) -> str:
    found = re.search(rf'<div class="{cls}">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def front_matter_exercises(note: Path) -> set[str]:
    meta, _ = parse_front_matter(note.read_text(encoding="utf-8"))
    return set(as_list(meta.get("exercises", [])))


def linked_exercises(note: Path) -> set[str]:
    return set(re.findall(r"studykit show (ex\d\d)", note.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("default")
    out = tmp / "studykit.apkg"
    proc = run_studykit("build", "--strict", "-o", str(out), cwd=REPO)  # no PATH: builds content/
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 warnings" in proc.stdout
    col = open_collection(tmp / "anki")
    import_package(col, out)
    yield col, notes_of(col)
    col.close()


@pytest.mark.slow  # the whole default corpus
def test_strict_check_of_the_notes_is_clean():
    proc = run_studykit("check", "--strict", "content", cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 warnings" in proc.stdout


@pytest.mark.slow  # the whole default corpus
def test_at_least_210_cards_in_one_subdeck_per_note(deck):
    col, notes = deck
    assert col.card_count() >= 210
    assert not col.find_cards("-deck:studykit::*")  # every card sits in a note's subdeck
    subdecks = {name for name in deck_names(col) if name.startswith("studykit::")}
    assert len(subdecks) >= 8 and len(subdecks) == len(NOTES)
    cards_per_deck = {d: sum(d in n.decks for n in notes) for d in subdecks}
    assert all(count >= 10 for count in cards_per_deck.values()), cards_per_deck


@pytest.mark.slow  # the whole default corpus
def test_every_card_has_a_front_with_context_and_a_back(deck):
    _, notes = deck
    for note in notes:
        if note.notetype == "studykit Cloze":
            assert re.search(r"\{\{c1::.+?\}\}", note.fields["Text"]), note.fields
            assert text_of(re.sub(r"\{\{c\d+::.*?\}\}", "", note.fields["Text"])), note.fields  # more than the gap
            assert text_of(note.fields["Context"]), note.fields
        else:
            front = note.fields["Front"]
            assert text_of(div(front, "ctx")), front  # the title / heading path that makes it stand alone
            assert text_of(div(front, "prompt")), front
            back = note.fields["Back"]
            assert text_of(back) or "<img" in back, note.fields
        assert note.fields["Source"].startswith(tuple(p.name for p in NOTES)), note.fields


@pytest.mark.slow  # the whole default corpus
def test_no_two_cards_ask_the_same_thing(deck):
    _, notes = deck
    asked = [text_of(n.fields.get("Front") or n.fields["Text"]) for n in notes]
    repeated = {q for q in asked if asked.count(q) > 1}
    assert not repeated


@pytest.mark.slow  # the whole default corpus
def test_cards_carry_their_exercise_tags(deck):
    _, notes = deck
    known = {ex.id for ex in all_exercises()}
    tagged = {tag for note in notes for tag in note.tags if re.fullmatch(r"ex\d\d", tag)}
    assert tagged == known  # every exercise has cards, and no tag names a missing exercise
    for ex in all_exercises():  # the note an exercise's meta.toml names carries its tag
        note_tag = "note::" + Path(ex.note).stem
        assert any(ex.id in n.tags and note_tag in n.tags for n in notes), (ex.id, ex.note)
    delta = [n for n in notes if "误差项" in n.fields.get("Front", "")]
    assert delta and all({"ex05", "ex06"} <= set(n.tags) for n in delta)


@pytest.mark.slow  # the whole default corpus
def test_activation_plots_are_in_the_deck(deck):
    col, notes = deck
    media = {p.name for p in Path(col.media.dir()).iterdir()}
    referenced = {src for n in notes for src in re.findall(r'<img src="([^"]+)"', n.fields.get("Back", ""))}
    assert len(referenced) == len(PLOTS)
    assert referenced <= media  # every picture a card shows was imported
    svgs = [Path(col.media.dir(), m).read_text(encoding="utf-8") for m in referenced]
    assert all(s.lstrip().startswith("<svg") and "<path" in s for s in svgs)


def test_every_exercise_link_in_the_notes_names_a_real_exercise():
    known = {ex.id for ex in all_exercises()}
    linked = set().union(*(linked_exercises(n) for n in NOTES))
    assert linked <= known, f"links to missing exercises: {sorted(linked - known)}"
    assert linked == known, f"exercises no note links: {sorted(known - linked)}"


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_each_note_tags_exactly_the_exercises_it_links(note):
    assert front_matter_exercises(note) == linked_exercises(note)


def test_each_exercise_readme_links_back_to_its_note():
    for ex in all_exercises():
        readme = (ex.starter_dir / "README.md").read_text(encoding="utf-8")
        assert f"../../{ex.note}" in readme, ex.id
        assert (REPO / ex.note).is_file(), ex.note


def test_the_plots_are_reproducible_from_the_script(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "plot_activations.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    committed = {p.name: p.read_bytes() for p in (CONTENT / "images").glob("*.svg")}
    regenerated = {p.name: p.read_bytes() for p in tmp_path.glob("*.svg")}
    assert sorted(committed) == sorted(PLOTS)
    assert regenerated == committed  # the committed pictures are exactly what the script draws
