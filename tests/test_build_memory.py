"""The build memory: rebuilds keep review history through rewording, heading renames and file moves, and report
removed cards (shipped again, tagged) — checked with Anki's own library, as a learner imports."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from anki_import import import_package, notes_of, open_collection
from conftest import run_studykit
from deck_helpers import write_notes

ACTIVATIONS = """
    # 激活函数

    ## ReLU

    - **优点：** 计算简单，梯度不饱和
    - **缺点：** 负半轴梯度为零（dying ReLU）
    - **导数：** x > 0 时为 1，否则为 0

    ## 为什么需要激活函数？

    没有它，多层网络仍是线性的。

    ## 什么是饱和？

    输入很大时梯度接近零。
"""
CNN = """
    # 卷积

    ## 什么是步幅？

    卷积核每次移动的格数。

    ## 什么是填充？

    在输入边缘补零，控制输出大小。
"""


def build(notes: Path, out: Path, *extra: str):
    cache = {"STUDYKIT_CACHE_DIR": str(out.parent / "cache")}  # each test's own notes cache, deleted at will
    proc = run_studykit("build", str(notes), "-o", str(out), *extra, env=cache)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc


def review_everything(col) -> None:
    col.decks.select(col.decks.id_for_name("studykit"))
    seen: set[int] = set()
    while (card := col.sched.getCard()) is not None and card.id not in seen:
        col.sched.answerCard(card, 3)
        seen.add(card.id)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_reword_rename_move_and_delete_keep_every_review_and_tag_the_removed_card(tmp_path, monkeypatch):
    notes = tmp_path / "notes"
    write_notes(notes, {"activations.md": ACTIVATIONS, "cnn.md": CNN})
    out = tmp_path / "decks" / "deck.apkg"
    build(notes, out)
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    review_everything(col)
    before = {n.guid: n for n in notes_of(col)}
    ids_before = dict(col.db.all("select guid, id from notes"))
    revlog_before = col.db.scalar("select count() from revlog")
    reps_before = dict(col.db.all("select nid, reps from cards"))
    assert len(before) == 7 and revlog_before == 7

    text = (notes / "activations.md").read_text(encoding="utf-8")
    text = text.replace("## 为什么需要激活函数？", "## 激活函数为什么必不可少？")  # reword a question
    text = text.replace("## ReLU", "## 修正线性单元 (ReLU)")  # rename the heading above three terms
    text = text.replace("## 什么是饱和？\n\n输入很大时梯度接近零。\n", "")  # delete a card
    (notes / "activations.md").write_text(text, encoding="utf-8")
    (notes / "part2").mkdir()
    shutil.move(notes / "cnn.md", notes / "part2" / "卷积基础.md")  # move and rename a file
    shutil.rmtree(out.parent / "cache")  # the notes cache is not the memory
    proc = build(notes, out)
    assert ("6 cards kept their reviews through an edit (2 in a moved or renamed file, 1 reworded, "
            "3 under a renamed heading)") in proc.stdout
    assert "1 cards removed from the notes since the last build:" in proc.stdout
    assert "'什么是饱和？' (activations.md:13)" in proc.stdout

    import_package(col, out)
    after = {n.guid: n for n in notes_of(col)}
    assert set(after) == set(before)  # no new note, none lost
    assert col.db.scalar("select count() from revlog") == revlog_before
    assert dict(col.db.all("select nid, reps from cards")) == reps_before  # every card keeps its reviews
    reworded = next(n for n in after.values() if "激活函数为什么必不可少？" in n.fields["Front"])
    assert dict(col.db.all("select guid, id from notes"))[reworded.guid] == ids_before[reworded.guid]  # in place
    assert "修正线性单元 (ReLU)" in next(n for n in after.values() if "：优点</div>" in n.fields["Front"]).fields["Front"]
    removed = [n for n in after.values() if "studykit::removed" in n.tags]
    assert len(removed) == 1 and "什么是饱和？" in removed[0].fields["Front"]
    assert removed[0].fields == before[removed[0].guid].fields  # shipped again with its fields unchanged
    assert len(col.find_notes("tag:studykit::removed")) == 1
    col.close()


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_matches_made_once_hold_in_later_builds_and_forget_removed_stops_shipping(tmp_path):
    notes = tmp_path / "notes"
    write_notes(notes, {"cnn.md": CNN})
    out = tmp_path / "deck.apkg"
    build(notes, out)
    first = json.loads((tmp_path / "deck.memory.json").read_text(encoding="utf-8"))
    text = (notes / "cnn.md").read_text(encoding="utf-8")
    (notes / "cnn.md").write_text(text.replace("什么是步幅？", "步幅 (stride) 是什么？").replace(
        "## 什么是填充？\n\n在输入边缘补零，控制输出大小。\n", ""), encoding="utf-8")
    build(notes, out)
    guids = {c[0] for c in json.loads((tmp_path / "deck.memory.json").read_text(encoding="utf-8"))["cards"]}
    assert guids <= {c[0] for c in first["cards"]}  # the reworded card kept its GUID
    (notes / "cnn.md").write_text((notes / "cnn.md").read_text(encoding="utf-8").replace("卷积核每次移动的格数。",
                                                                                      "每步移动几格。"),
                                  encoding="utf-8")
    third = build(notes, out)  # the answer changes too: the GUID kept by the earlier match still holds
    memory = json.loads((tmp_path / "deck.memory.json").read_text(encoding="utf-8"))
    assert {c[0] for c in memory["cards"]} == guids and len(memory["removed"]) == 1
    assert "1 removed cards are in the package tagged studykit::removed" in third.stdout
    fourth = build(notes, out, "--forget-removed")
    assert "no longer shipped" in fourth.stdout
    assert json.loads((tmp_path / "deck.memory.json").read_text(encoding="utf-8"))["removed"] == []


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_two_outputs_keep_separate_memories_and_a_damaged_memory_is_a_warning(tmp_path):
    notes = tmp_path / "notes"
    write_notes(notes, {"cnn.md": CNN})
    build(notes, tmp_path / "a.apkg")
    build(notes, tmp_path / "b.apkg")
    assert (tmp_path / "a.memory.json").is_file() and (tmp_path / "b.memory.json").is_file()
    umask = os.umask(0)
    os.umask(umask)
    for made in ("a.apkg", "a.memory.json"):  # files to share and commit: the mode a new file gets, not 0600
        assert stat.S_IMODE((tmp_path / made).stat().st_mode) == 0o666 & ~umask
    (tmp_path / "a.memory.json").write_text("{not json", encoding="utf-8")
    write_notes(notes, {"cnn.md": CNN.replace("什么是步幅？", "步幅是什么？")})
    damaged = build(notes, tmp_path / "a.apkg")
    assert "a.memory.json (the memory of the last build) cannot be read" in damaged.stderr
    assert "kept their reviews" not in damaged.stdout  # today's behaviour: a new card
    intact = build(notes, tmp_path / "b.apkg")
    assert "1 cards kept their reviews through an edit (1 reworded)" in intact.stdout
    assert json.loads((tmp_path / "a.memory.json").read_text(encoding="utf-8"))["format"] == 1  # rewritten


def test_two_equally_good_old_cards_make_a_new_card_and_a_warning_naming_both(tmp_path):
    notes = tmp_path / "notes"
    write_notes(notes, {"n.md": "# T\n\n## 甲是什么？\n\n同一个答案。\n\n## 乙是什么？\n\n同一个答案。\n"})
    out = tmp_path / "deck.apkg"
    build(notes, out)
    (notes / "n.md").write_text("# T\n\n## 丙是什么？\n\n同一个答案。\n", encoding="utf-8")
    proc = build(notes, out)
    assert "kept their reviews" not in proc.stdout
    warning = next(line for line in proc.stderr.splitlines() if "as much like several removed cards" in line)
    assert "n.md:3" in warning and "n.md:7" in warning
    assert "2 cards removed from the notes since the last build" in proc.stdout


def test_the_notes_cache_prunes_entries_not_used_for_long_and_keeps_under_its_size_cap(tmp_path):
    from studykit.notes.cache import NoteCache

    cache = NoteCache(tmp_path)
    cache.folder.mkdir(parents=True)
    now = 1_000_000_000.0
    for k, (age_days, size) in enumerate([(90, 10), (30, 4000), (20, 4000), (1, 4000)]):
        entry = cache.folder / f"{k}.json"
        entry.write_bytes(b"x" * size)
        stamp = now - age_days * 86400
        import os

        os.utime(entry, (stamp, stamp))
    assert cache.prune(now=now, max_bytes=9000) == 2  # the 90-day-old one, then the oldest while over the cap
    assert sorted(p.name for p in cache.folder.glob("*.json")) == ["2.json", "3.json"]
    assert cache.prune(now=now + 60, max_bytes=1) == 0  # at most once a day
