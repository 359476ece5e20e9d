"""What the learner sees: cards rendered by Anki's own template engine after importing a built deck."""

from __future__ import annotations

from pathlib import Path

from anki_import import import_package, open_collection
from conftest import run_studykit

NOTE = r"""---
title: 激活函数
---
# 激活函数

## ReLU

- **优点：** 计算简单，$x > 0$ 时梯度为 1

==ReLU== 的输出是 ==非负== 的，代码里写作 `{{c3::np.maximum}}`，公式 $\max(0, x)$。

Q: 负半轴的梯度？
A: 0
"""


def imported_cards(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "act.md").write_text(NOTE, encoding="utf-8")
    out = tmp_path / "deck.apkg"
    proc = run_studykit("build", str(notes), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    return col, [col.get_card(cid) for cid in col.find_cards("")]


def test_cloze_cards_hide_each_highlight_and_never_code(tmp_path):
    col, cards = imported_cards(tmp_path)
    clozes = sorted((c for c in cards if c.note_type()["name"] == "studykit Cloze"), key=lambda c: c.ord)
    assert [c.ord for c in clozes] == [0, 1]  # c1 and c2 only: the {{c3::…}} in code made no card
    first_q, first_a = clozes[0].question(), clozes[0].answer()
    assert "[...]" in first_q and "ReLU</span>" not in first_q and "非负" in first_q
    assert '<span class="cloze" data-ordinal="1">ReLU</span>' in first_a
    assert "c3::np.maximum" in first_q.replace("&#123;", "{").replace("&#125;", "}")
    assert "激活函数 › ReLU" in first_q  # the context makes it make sense alone
    assert r"\(\max(0, x)\)" in first_q
    col.close()


def test_basic_cards_show_context_and_prompt_then_answer_and_source(tmp_path):
    col, cards = imported_cards(tmp_path)
    basics = [c for c in cards if c.note_type()["name"] == "studykit Basic"]
    term = next(c for c in basics if "优点" in c.question())
    q, a = term.question(), term.answer()
    assert '<div class="ctx">激活函数 › ReLU</div>' in q and '<div class="prompt">ReLU：优点</div>' in q
    assert "计算简单" not in q
    assert r"计算简单，\(x &gt; 0\) 时梯度为 1" in a
    assert '<div class="source">act.md › ReLU</div>' in a
    qa = next(c for c in basics if "负半轴的梯度？" in c.question())
    assert '<div class="back">0</div>' in qa.answer()
    assert {col.decks.name(c.did) for c in cards} == {"studykit::激活函数"}
    col.close()
