"""Typora's dialect on imported cards: HTML lines, angle brackets that are text, safe HTML, `|` in table maths,
ragged rows, `$$` right under text, `##标题`, `[toc]`, ~sub~ ^sup^, task lists, footnotes, emoji shortcodes."""

from __future__ import annotations

import pytest
from deck_helpers import answer, build_and_import, context, html_text, prompt

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

NOTES = {
    "img/relu.png": PNG,
    "html-lines.md": """
        # 卷积

        <center><img src="img/relu.png" style="zoom:50%;" /></center>
        ### 什么是卷积核？
        一个小的权重矩阵。
        <div align="center"><img src="img/relu.png"/></div>
        ## Why pooling?
        It makes the features **shift-invariant**.
        <div align="center">
          <img src="img/relu.png" alt="池化">
        </div>
        - **步幅：** 每次移动的格数
        <br>
        **填充：**在边缘补零
    """,
    "angles.md": """
        # Seq2seq

        ## What does the decoder output first?

        The token <EOS> ends a sentence; <unk> replaces rare words; <Title> is a placeholder; a<b always.

        <unk>

        <font color="red">红色重点</font> 和 <span style="color:blue" onclick="steal()">蓝色</span>
        <a href="javascript:alert(1)">link</a>

        <script>alert("x")</script>

        Inline <script>alert("y")</script> too, and <iframe src="https://example.com"></iframe> is gone.
    """,
    "tables.md": r"""
        # 范数

        | 名称 | 公式 | 说明 |
        |---|---|---|
        | L1 范数 | $\|w\|_1 = \sum_i |w_i|$ | 稀疏 |
        | 绝对值 | $|x|$ | 分段线性 |
        | 条件概率 | $P(y|x)$ |
        | 多余 | a | b | c |
    """,
    "maths.md": r"""
        # 损失

        ## 交叉熵是什么？
        交叉熵定义为
        $$
        H(p, q) = -\sum_i p_i \log q_i
        $$
        - $$\mathcal{L} = \frac{1}{N}\sum_n \ell_n$$
        - 平均
    """,
    "typora.md": """
        # Typora

        [toc]

        ##没有空格的标题？
        水的化学式是 H~2~O，面积是 x^2^ :smile:

        - [ ] 待办
        - [x] 完成

        ## 脚注是什么？
        正文引用脚注[^1]。

        #tag 不是标题

        [^1]: 脚注的内容。
    """,
    "plain-titles.md": """
        # **Adversarial Attack** <a name="adv"></a>

        ## **什么是对抗样本？**

        加了微小扰动的输入。

        #### 1) What is gradient descent? [[src](http://example.com/q)]

        An optimization algorithm.

        <center>图 3.1 网络结构
        **卷积层**
        - 提取局部特征

        ## 公式写法？

        $\\bm{x} \\in \\R^n$，准确率 $p = 50%$，$\\argmax_x f(x)$

        $$
        a &= b + c
        $$

        $$
        y = wx + b \\\\
        L = (y - t)^2 \\tag{3}
        $$
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("typora"), NOTES)


def test_an_html_line_ends_where_its_elements_close_so_the_next_line_is_markdown(built):
    cards = built.cards("html-lines.md")
    fronts = [prompt(c) for c in cards]
    assert fronts == ["什么是卷积核？", "Why pooling?", "步幅", "填充"]
    kernel, pooling = cards[0], cards[1]
    assert "一个小的权重矩阵" in answer(kernel) and '<img src="sk-' in answer(kernel)
    assert "<strong>shift-invariant</strong>" in answer(pooling) and 'alt="池化"' in answer(pooling)
    assert not any("**" in c.fields["Back"] or "###" in c.fields["Back"] for c in cards)
    assert built.warnings("html-lines.md") == []


def test_words_in_angle_brackets_that_are_not_html_stay_text(built):
    (card,) = built.cards("angles.md")
    back = answer(card)
    for word in ("&lt;EOS&gt;", "&lt;unk&gt;", "&lt;Title&gt;", "a&lt;b"):
        assert word in back
    assert '<font color="red">红色重点</font>' in back and '<span style="color:blue">蓝色</span>' in back


def test_scripts_event_handlers_and_embedded_pages_never_reach_the_deck(built):
    back = answer(built.cards("angles.md")[0]).lower()
    for banned in ("<script", "alert(", "onclick", "javascript:", "<iframe"):
        assert banned not in back
    assert "inline" in back and "too, and" in back  # the prose around them stays
    assert any("<script> removed" in w for w in built.warnings("angles.md"))
    assert any("<iframe> removed" in w for w in built.warnings("angles.md"))


def test_a_pipe_inside_table_maths_belongs_to_the_maths(built):
    rows = built.cards("tables.md")
    assert [prompt(r).split(" 公式")[0] for r in rows] == ["名称：L1 范数", "名称：绝对值", "名称：条件概率",
                                                         "名称：多余"]
    assert r"\(\|w\|_1 = \sum_i |w_i|\)" in answer(rows[0])  # TeX's norm bars stay TeX
    assert r"\(|x|\)" in answer(rows[1]) and "分段线性" in answer(rows[1])
    assert r"\(P(y|x)\)" in answer(rows[2])


def test_ragged_rows_are_kept_and_named(built):
    rows = built.cards("tables.md")
    assert "c" in html_text(answer(rows[3]))  # the extra cell is kept
    warnings = built.warnings("tables.md")
    assert any("tables.md:7:" in w and "2 of the header's 3 cells" in w for w in warnings)
    assert any("tables.md:8:" in w and "4 cells but the header 3" in w for w in warnings)


def test_display_maths_right_under_a_text_line_and_in_a_list_item(built):
    (card,) = built.cards("maths.md")
    back = answer(card)
    assert '<p>交叉熵定义为</p>\n<div class="math">\\[H(p, q) = -\\sum_i p_i \\log q_i\\]</div>' in back
    assert '<li>\n<div class="math">\\[\\mathcal{L} = \\frac{1}{N}\\sum_n \\ell_n\\]</div>\n</li>' in back
    assert "$$" not in back


def test_typora_extras(built):
    heading, footnote = built.cards("typora.md")
    assert prompt(heading) == "没有空格的标题？"
    back = answer(heading)
    assert "H<sub>2</sub>O" in back and "x<sup>2</sup>" in back and ":smile:" in back
    assert back.count('type="checkbox"') == 2 and "checked" in back and "[toc]" not in back.lower()
    assert prompt(footnote) == "脚注是什么？" and context(footnote) == "Typora"
    assert "[1]" in answer(footnote) and "脚注的内容。" in answer(footnote)
    assert "#tag 不是标题" in answer(footnote)  # `#tag` is not a heading
    assert not any("[^" in c.fields["Back"] for c in built.cards("typora.md"))


def test_titles_and_source_lines_are_plain_text_and_questions_may_end_in_a_citation(built):
    cards = {prompt(c): c for c in built.cards("plain-titles.md")}
    adversarial = cards["什么是对抗样本？"]
    assert context(adversarial) == "Adversarial Attack"
    assert html_text(adversarial.fields["Source"]) == "plain-titles.md"
    assert "1) What is gradient descent? [ src ]" in cards  # the citation after the "?" does not hide the question
    assert all("**" not in c.fields["Source"] + c.fields["Front"] for c in cards.values())


def test_an_unclosed_html_line_does_not_swallow_the_markdown_after_it(built):
    cards = {prompt(c): c for c in built.cards("plain-titles.md")}
    assert "<li>提取局部特征</li>" in answer(cards["卷积层"])


def test_tex_is_spelled_the_way_ankis_mathjax_reads_it(built):
    back = answer({prompt(c): c for c in built.cards("plain-titles.md")}["公式写法？"])
    assert r"\(\boldsymbol{x} \in \mathbb{R}^n\)" in back and r"\(p = 50\%\)" in back
    assert r"\operatorname*{arg\,max}_x" in back
    assert r"\[\begin{aligned}a &amp;= b + c\end{aligned}\]" in back  # a lone & needs an alignment
    assert r"L = (y - t)^2 \qquad\text{(3)}\end{gathered}" in back  # no \tag inside gathered
