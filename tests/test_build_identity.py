"""Card identity: stable GUIDs, and re-importing a rebuilt deck updates cards and keeps every review."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki_import import import_package, notes_of, open_collection
from conftest import run_studykit

NOTE = """---
title: 激活函数
---
# 激活函数

## ReLU

- **优点：** 计算简单
- **缺点：** dying ReLU

## Sigmoid

- **优点：** 输出可以当概率

## Tanh

- **优点：** 零中心 (zero-centred)

## 为什么需要激活函数？

没有它，多层网络仍是线性的。
"""


def build(folder: Path, out: Path) -> None:
    proc = run_studykit("build", str(folder), "-o", str(out))
    assert proc.returncode == 0, proc.stderr


def guids(apkg: Path, tmp: Path) -> dict[str, str]:
    col = open_collection(tmp)
    import_package(col, apkg)
    result = {n.guid: n.fields["Front"] for n in notes_of(col)}
    col.close()
    return result


def test_rebuilding_unchanged_notes_gives_the_same_guids(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "act.md").write_text(NOTE, encoding="utf-8")
    build(notes, tmp_path / "a.apkg")
    build(notes, tmp_path / "b.apkg")
    first, second = guids(tmp_path / "a.apkg", tmp_path / "c1"), guids(tmp_path / "b.apkg", tmp_path / "c2")
    assert first.keys() == second.keys()
    # the same front "优点" under three headings is three different notes
    assert sum("：优点</div>" in front for front in first.values()) == 3
    assert len(first) == 5


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_reimport_after_editing_an_answer_updates_in_place_and_keeps_reviews(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    source = notes / "act.md"
    source.write_text(NOTE, encoding="utf-8")
    apkg = tmp_path / "deck.apkg"
    build(notes, apkg)

    col = open_collection(tmp_path / "anki")
    import_package(col, apkg)
    assert col.note_count() == 5
    # review every card once, as a learner would
    col.decks.select(col.decks.id_for_name("studykit"))
    reviewed: set[int] = set()
    while (card := col.sched.getCard()) is not None and card.id not in reviewed:
        col.sched.answerCard(card, 3)
        reviewed.add(card.id)
    assert len(reviewed) == 5
    revlog_before = col.db.scalar("select count() from revlog")
    ivl_before = {cid: col.db.scalar("select type from cards where id = ?", cid) for cid in col.find_cards("")}

    # edit one answer and add a card; rebuild immediately (same second is fine) and import again
    source.write_text(NOTE.replace("计算简单", "计算简单，梯度为 1").replace("## Tanh",
                                                                 "## Tanh\n\n- **缺点：** 仍会饱和\n"),
                      encoding="utf-8")
    build(notes, apkg)
    log = import_package(col, apkg).log
    assert len(log.new) == 1 and len(log.duplicate) == 0
    # Anki lists every incoming newer note as updated; the edited answer is among them
    assert len(log.updated) == 5 and any("梯度为 1" in n.fields[1] for n in log.updated)
    assert col.note_count() == 6  # the 5 notes updated in place, one new
    edited = [n for n in notes_of(col) if "› ReLU</div>" in n.fields["Front"] and "：优点</div>" in n.fields["Front"]]
    assert len(edited) == 1 and "梯度为 1" in edited[0].fields["Back"]
    assert col.db.scalar("select count() from revlog") == revlog_before
    for cid, card_type in ivl_before.items():
        assert col.db.scalar("select type from cards where id = ?", cid) == card_type  # still learning/review
    col.close()


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_renaming_a_heading_makes_new_cards_for_it(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "act.md").write_text(NOTE, encoding="utf-8")
    build(notes, tmp_path / "a.apkg")
    (notes / "act.md").write_text(NOTE.replace("## Sigmoid", "## Logistic sigmoid"), encoding="utf-8")
    build(notes, tmp_path / "b.apkg")
    first, second = guids(tmp_path / "a.apkg", tmp_path / "c1"), guids(tmp_path / "b.apkg", tmp_path / "c2")
    assert len(first.keys() & second.keys()) == 4 and len(second) == 5


def test_an_edit_above_cards_leaves_them_unchanged(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "act.md").write_text(NOTE, encoding="utf-8")
    apkg = tmp_path / "deck.apkg"
    build(notes, apkg)
    col = open_collection(tmp_path / "anki")
    import_package(col, apkg)
    before = {n.guid: n.fields for n in notes_of(col)}
    # a new paragraph at the top shifts every line number below it
    (notes / "act.md").write_text(NOTE.replace("# 激活函数\n",
                                               "# 激活函数\n\n激活函数决定了网络的非线性。\n\n补充说明。\n"),
                                  encoding="utf-8")
    build(notes, apkg)
    import_package(col, apkg)
    assert {n.guid: n.fields for n in notes_of(col)} == before
    col.close()
