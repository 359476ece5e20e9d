"""Builds that scale: many notes (each its own subdeck) build with every deck in place; the timing is in bench/."""

from __future__ import annotations

import pytest
from anki_import import deck_names, import_package, notes_of, open_collection
from conftest import run_studykit


@pytest.mark.cli
def test_many_notes_each_its_own_subdeck_all_arrive(tmp_path):
    notes = tmp_path / "n"
    for i in range(60):
        folder = notes / f"topic{i % 6}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"note{i:02d}.md").write_text(f"# 笔记 {i}\n\n## 问题 {i} 是什么？\n\n回答 {i}。\n", encoding="utf-8")
    out = tmp_path / "deck.apkg"
    proc = run_studykit("build", str(notes), "-o", str(out), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    imported = notes_of(col)
    names = deck_names(col)
    col.close()
    assert len(imported) == 60
    for i in range(60):  # every note's card is in its own subdeck, named from its folder and title
        assert any(n.fields["Back"].find(f"回答 {i}。") >= 0 and any(f"topic{i % 6}" in d for d in n.decks)
                   for n in imported), i
    assert {f"studykit::topic{k}" for k in range(6)} <= names
