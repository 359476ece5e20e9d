"""Several PATHs in one build: notes with the same path below two PATHs both become cards, with distinct identities,
and the summary counts exactly what the package holds."""

from __future__ import annotations

import re

from deck_helpers import build_and_import, prompt, write_notes

NOTE = "# 卷积\n\n## 什么是{what}？\n\n{answer}\n"


def test_same_relative_path_under_two_paths_gives_two_sets_of_cards(tmp_path):
    write_notes(tmp_path / "course-a", {"cnn.md": NOTE.format(what="卷积", answer="互相关。")})
    write_notes(tmp_path / "course-b", {"cnn.md": NOTE.format(what="池化", answer="下采样。")})
    built = build_and_import(tmp_path, {}, paths=[tmp_path / "course-a", tmp_path / "course-b"])
    assert {prompt(n) for n in built.notes} == {"什么是池化？", "什么是卷积？"}
    assert len({n.guid for n in built.notes}) == 2
    assert re.search(r"2 files · 2 cards \(2 question\)", built.proc.stdout)
    alone = build_and_import(tmp_path / "alone", {}, paths=[tmp_path / "course-a"])
    first = next(n for n in built.notes if prompt(n) == "什么是卷积？")
    assert alone.notes[0].guid == first.guid  # the first PATH keeps the identities it has when built alone


def test_the_summary_counts_what_the_package_holds_when_cards_are_skipped(tmp_path):
    built = build_and_import(tmp_path, {
        "a.md": "---\nid: shared\n---\n# T\n\n## 问题？\n\n甲。\n",
        "b.md": "---\nid: shared\n---\n# T\n\n## 问题？\n\n乙。\n",
    })
    assert len(built.notes) == 1
    assert "2 files · 1 cards (1 question)" in built.proc.stdout
    assert any("same identity as the card at a.md:6" in w for w in built.warnings("b.md"))
