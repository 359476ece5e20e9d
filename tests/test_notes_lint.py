"""Answers of a readable size, and the warnings a reader would otherwise discover in Anki — each with file:line."""

from __future__ import annotations

import json

import pytest
from conftest import run_studykit
from deck_helpers import answer, build_and_import, prompt, write_notes

LONG = "很长的解释。" * 300  # 1,800 characters

NOTES = {
    "chapter.md": """
        # 第十四章

        ## 14.1 什么是超参数？

        模型训练前人为设定的参数。

        ### 14.1.1 学习率为什么重要？

        太大发散，太小收敛慢。

        ### 细节

        学习率的细节。

        ### 14.1.2 批量大小怎么选？

        看显存。

        ## 14.2 什么是网格搜索？

        ### 14.2.1 优点是什么？

        简单。
    """,
    "todo.md": """
        # 待办

        ## 什么是注意力？

        - [ ] TODO

        ## 深度学习如何提取特征？

        待补充

        ### 如何比较文本的相似度？

        - 余弦相似度
    """,
    "long.md": f"""
        # 长

        ## 这个回答太长了吗？

        {LONG}
    """,
    "dup-a.md": """
        ---
        deck: 共用
        ---
        # 重复

        ## 什么是卷积？

        一种运算。
    """,
    "dup-b.md": """
        ---
        deck: 共用
        ---
        # 重复

        ## 什么是卷积？

        输入与卷积核的互相关。
    """,
    "cloze.md": """
        # 填空

        ==ReLU 是最常用的激活函数==。

        ==ReLU== 是最常用的激活函数。
    """,
    "leftover.md": """
        # 残留

        ## 为什么会显示星号？

        这里的 **粗体 ** 有空格，那里的 **粗体没有结尾。
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("lint"), NOTES)


def test_a_question_heading_ends_at_its_first_sub_question(built):
    cards = {prompt(c): answer(c) for c in built.cards("chapter.md")}
    assert cards["14.1 什么是超参数？"] == "<p>模型训练前人为设定的参数。</p>"
    assert cards["14.1.1 学习率为什么重要？"] == "<p>太大发散，太小收敛慢。</p>"  # a sibling ### ends it, as before
    assert cards["14.1.2 批量大小怎么选？"] == "<p>看显存。</p>"
    assert cards["14.2 什么是网格搜索？"] == ('<p class="subquestions">分为这几个小问题 (sub-questions)：</p>\n'
                                         '<ul><li>14.2.1 优点是什么？</li></ul>')  # nothing of its own: an outline
    assert cards["14.2.1 优点是什么？"] == "<p>简单。</p>"
    assert built.warnings("chapter.md") == []  # a question made only of sub-questions is not "empty"


def test_a_long_back_is_a_warning_that_suggests_sub_questions(built):
    (warning,) = built.warnings("long.md")
    assert warning.startswith("warning: long.md:3:") and "1800 characters" in warning and "sub-questions" in warning


def test_equal_fronts_with_different_backs_in_one_deck_name_both_places(built):
    warnings = built.warnings("dup-b.md")
    assert any("dup-b.md:6:" in w and "dup-a.md:6" in w and "different back" in w for w in warnings)


def test_a_highlight_over_nearly_its_whole_sentence_is_no_cloze_and_a_warning(built):
    warnings = built.warnings("cloze.md")  # (it would leave nothing to recall from: emphasis, not a gap)
    assert any("cloze.md:3:" in w and "whole sentence" in w and "no cloze" in w for w in warnings)
    assert not any("cloze.md:5:" in w for w in warnings)
    assert [prompt(n) for n in built.cards("cloze.md")] == ["{{c1::ReLU}} 是最常用的激活函数。"]


def test_unmatched_stars_are_paired_within_a_line_and_a_lone_one_is_a_warning(built):
    (card,) = built.cards("leftover.md")
    assert "<strong>粗体 </strong> 有空格" in answer(card)  # `** ` after a space: CommonMark leaves it, we pair it
    assert "那里的 **粗体没有结尾" in answer(card)  # a lone `**` shows as typed…
    assert any("leftover.md:3:" in w and "`**`" in w for w in built.warnings("leftover.md"))  # …so we say so


def test_summaries_count_warnings_by_kind(built):
    summary = built.proc.stdout
    for part in ("1 long-back", "1 duplicate", "1 cloze", "1 markdown"):
        assert part in summary


def test_check_lists_every_card_with_file_line_kind_and_front(tmp_path):
    write_notes(tmp_path, {"n.md": """
        # 激活

        ## 为什么需要激活函数？

        否则仍是线性。

        - **ReLU：** $\\max(0, x)$
        - ==Sigmoid== 会饱和
    """})
    proc = run_studykit("check", str(tmp_path), "--cards")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["n.md:3", "question", "为什么需要激活函数？"]
    assert lines[1].split() == ["n.md:7", "term", "ReLU"]
    assert lines[2].split()[:2] == ["n.md:8", "cloze"] and "Sigmoid" in lines[2]
    assert lines[3].startswith("1 files · 3 cards")
    data = json.loads(run_studykit("check", str(tmp_path), "--cards", "--json").stdout)
    assert data["card_count"] == 3
    assert data["cards"][1] == {"file": "n.md", "line": 7, "kind": "term", "front": "ReLU",
                                "context": "激活 › 为什么需要激活函数？"}


def test_an_answer_that_is_only_a_placeholder_makes_no_card(built):
    cards = {prompt(c): answer(c) for c in built.cards("todo.md")}
    assert "什么是注意力？" not in cards
    assert "如何比较文本的相似度？" in cards[("深度学习如何提取特征？")]  # its sub-questions outline it instead
    (warning,) = built.warnings("todo.md")
    assert "todo.md:3:" in warning and "only a placeholder (TODO): no card" in warning
