"""Input that used to stall or crash a build: lines the parser finds hard, a note over the parse budget, a link to
a note outside the folder, a file name that is not UTF-8. Each is a warning naming the file; the rest is built.
(How long the hard lines take is measured in bench/, never asserted here.)"""

from __future__ import annotations

import os

import pytest
from anki_import import import_package, notes_of, open_collection
from conftest import run_studykit

from studykit.notes.cards import parse_note

GOOD = "# 好\n\n## 什么是好？\n\n好。\n"


def test_two_thousand_unclosed_cloze_openers_parse_and_the_real_gap_is_a_card(tmp_path):
    note = tmp_path / "c.md"
    note.write_text("# T\n\n前文 {{c1::真的}} 然后 " + "{{c1::a " * 2000 + "\n", encoding="utf-8")
    parsed = parse_note(note, tmp_path)
    clozes = [c for c in parsed.cards if c.is_cloze]
    assert len(clozes) == 1 and "{{c1::真的}}" in clozes[0].front


@pytest.mark.parametrize("opener", ["![", "[a](", "["])
def test_long_lines_of_link_openers_parse_to_text(tmp_path, opener):
    note = tmp_path / "l.md"
    note.write_text("# T\n\n## 什么是括号？\n\n答案 " + opener * 3000 + "\n", encoding="utf-8")
    parsed = parse_note(note, tmp_path)
    assert len(parsed.cards) == 1 and parsed.cards[0].back.count(opener) == 3000


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.cli
def test_odd_files_are_warnings_and_the_rest_is_built(tmp_path):
    notes, outside = tmp_path / "notes", tmp_path / "outside"
    notes.mkdir()
    outside.mkdir()
    (notes / "good.md").write_text(GOOD, encoding="utf-8")
    (outside / "o.md").write_text("# 外\n\n## 什么是外？\n\n外。\n", encoding="utf-8")
    os.symlink(outside / "o.md", notes / "link.md")
    with open(os.path.join(os.fsencode(notes), b"bad\xff\xfe.md"), "w", encoding="utf-8") as handle:
        handle.write("# 坏\n\n## 什么是坏？\n\n坏。\n")
    (notes / "slow.md").write_text("# 慢\n\n## 什么是慢？\n\n" + "![" * 100_000 + "\n", encoding="utf-8")
    out = tmp_path / "deck.apkg"
    # a budget no parse of 200,000 characters of brackets fits in on any machine; the small notes are not parsed
    # against it here (each is judged on its own, and only the slow one is asserted to be skipped)
    proc = run_studykit("build", str(notes), "-o", str(out), env={"STUDYKIT_PARSE_BUDGET": "0.001"})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "warning: link.md:0: a link to a note outside the notes folder" in proc.stderr
    assert "the file name is not valid UTF-8" in proc.stderr and "bad" in proc.stderr
    assert "warning: slow.md:1: took more than 0.001 s of CPU time to parse; skipped" in proc.stderr
    proc = run_studykit("build", str(notes), "-o", str(out))  # the default budget: every ordinary note is built
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    backs = sorted(n.fields["Back"] for n in notes_of(col))
    col.close()
    assert any("好。" in b for b in backs) and not any("外。" in b or "坏。" in b for b in backs)


def test_the_parse_budget_is_read_from_the_environment(monkeypatch):
    from studykit.notes.batch import DEFAULT_BUDGET, parse_budget

    for value, expected in (("5", 5.0), ("0", 0.0), ("nan", DEFAULT_BUDGET), ("x", DEFAULT_BUDGET),
                            ("-1", DEFAULT_BUDGET)):
        monkeypatch.setenv("STUDYKIT_PARSE_BUDGET", value)
        assert parse_budget() == expected


@pytest.mark.cli
def test_a_build_and_a_rebuild_write_nothing_in_tmpdir(tmp_path):
    """A full or tiny $TMPDIR cannot break a build: the package's database is written beside the package, and the
    last package is read in memory (the removed card's fields come from it)."""
    notes, tmp = tmp_path / "notes", tmp_path / "tmp"
    notes.mkdir()
    tmp.mkdir()
    (notes / "a.md").write_text("# A\n\n## 什么是一？\n\n一\n\n## 什么是二？\n\n二\n", encoding="utf-8")
    out = tmp_path / "out" / "deck.apkg"
    assert run_studykit("build", str(notes), "-o", str(out), env={"TMPDIR": str(tmp)}).returncode == 0
    (notes / "a.md").write_text("# A\n\n## 什么是一？\n\n一\n", encoding="utf-8")
    proc = run_studykit("build", str(notes), "-o", str(out), env={"TMPDIR": str(tmp)})
    assert proc.returncode == 0 and "1 removed cards are in the package" in proc.stdout, proc.stdout
    assert list(tmp.iterdir()) == []
    assert sorted(p.name for p in out.parent.iterdir()) == ["deck.apkg", "deck.memory.json"]
