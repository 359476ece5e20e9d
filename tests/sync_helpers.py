"""Shared by the sync tests: a small notes project, the edits of the issue's check, and reading a collection."""

from __future__ import annotations

import base64
from pathlib import Path

# a 1×1 PNG
PICTURE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
                           "AAAABJRU5ErkJggg==")

NOTE_A = """# 激活函数

- **ReLU：** 计算简单，正半轴梯度为 1
- **Sigmoid：** 把输入压到 (0, 1)，两端饱和
- **Tanh：** 输出以 0 为中心
"""

NOTE_B = """# 优化器

- **SGD：** 沿负梯度方向走一步
- **Adam：** 一阶与二阶矩估计的自适应学习率 ![曲线](img/adam.png)
"""


def make_project(root: Path) -> Path:
    """`root/content/` with two notes (5 cards); returns root."""
    content = root / "content"
    content.mkdir(parents=True)
    (content / "a.md").write_text(NOTE_A, encoding="utf-8")
    (content / "b.md").write_text(NOTE_B, encoding="utf-8")
    (content / "img").mkdir()
    (content / "img" / "adam.png").write_bytes(PICTURE)
    return root


def edit_move_delete(root: Path) -> None:
    """The issue's second step: edit an answer (ReLU), move b.md into a subfolder, delete a card (Tanh)."""
    content = root / "content"
    text = NOTE_A.replace("正半轴梯度为 1", "正半轴梯度恒为 1，负半轴为 0")
    text = text.replace("- **Tanh：** 输出以 0 为中心\n", "")
    (content / "a.md").write_text(text, encoding="utf-8")
    (content / "sub").mkdir()
    (content / "b.md").rename(content / "sub" / "b.md")
    (content / "img").rename(content / "sub" / "img")  # its picture moves with it


def notes_by_term(col) -> dict[str, dict]:
    """{term: {id, fields, tags, decks, cards}} for every studykit note in an open collection."""
    found = {}
    for nid in col.find_notes("tag:note::*"):
        note = col.get_note(nid)
        front = note.fields[0]
        term = front.split('class="prompt">')[-1].split("<")[0]
        cards = [col.get_card(cid) for cid in note.card_ids()]
        found[term] = {"id": nid, "fields": list(note.fields), "tags": list(note.tags), "cards": cards,
                       "decks": {col.decks.name(c.did) for c in cards}}
    return found


def review_one(col, term: str) -> int:
    """Answer the card of `term` Good through Anki's scheduler; returns its card id."""
    target = notes_by_term(col)[term]["cards"][0].id
    col.decks.select(col.decks.id_for_name("studykit"))
    seen = set()
    while (card := col.sched.getCard()) is not None and card.id not in seen:
        seen.add(card.id)
        if card.id == target:
            col.sched.answerCard(card, 3)
            return target
        col.sched.buryCards([card.id])
    raise AssertionError(f"{term}'s card was not offered for review")
