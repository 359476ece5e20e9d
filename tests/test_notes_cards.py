"""Card extraction on its own: Markdown in, plain `Card`s and `file:line` warnings out (no genanki, no Anki)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from studykit.notes import parse_note


def parse(tmp_path: Path, text: str, name: str = "note.md"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return parse_note(path, tmp_path)


def by_kind(note, kind: str):
    return [c for c in note.cards if c.kind == kind]


def test_all_four_bold_term_spellings_make_term_cards_with_context(tmp_path):
    note = parse(tmp_path, """
        # 激活函数

        ## ReLU

        - **优点：** 计算简单
        - **Cons:** dying ReLU
        - **稀疏**：一半输出为 0
        - **gradient**: 1 for x > 0
        - **只是强调** 没有冒号
    """)
    terms = by_kind(note, "term")
    assert [c.front for c in terms] == ["ReLU：优点", "ReLU: Cons", "稀疏", "gradient"]  # generic: + subject
    assert [c.back for c in terms] == ["<p>计算简单</p>", "<p>dying ReLU</p>", "<p>一半输出为 0</p>",
                                       "<p>1 for x &gt; 0</p>"]
    assert {c.context for c in terms} == {"激活函数 › ReLU"}
    assert terms[0].source == "note.md › ReLU" and terms[0].line == 5
    assert terms[0].line == 5


def test_term_back_keeps_nested_bullets_and_paragraph_terms_work(tmp_path):
    note = parse(tmp_path, """
        # N

        - **学习任务：** 三类
          - 回归
          - 分类

        **段落术语:** 一段解释
    """)
    first, second = by_kind(note, "term")
    assert first.back.startswith("<p>三类</p>") and "<li>回归</li>" in first.back and "<li>分类</li>" in first.back
    assert second.front == "段落术语" and second.back == "<p>一段解释</p>"


def test_question_heading_answer_is_its_section_up_to_the_next_heading_of_same_level(tmp_path):
    note = parse(tmp_path, """
        # 网络

        ## 为什么需要激活函数？

        没有它，多层网络仍是线性的。

        ### 细节

        复合线性仍是线性。

        ## Why deep?

        Features compose.

        ## 下一节

        无关内容
    """)
    q1, q2 = by_kind(note, "question")
    assert q1.front == "为什么需要激活函数？" and q1.context == "网络"
    assert "多层网络仍是线性的" in q1.back and "复合线性仍是线性" in q1.back and "无关内容" not in q1.back
    assert q2.front == "Why deep?" and "Features compose." in q2.back and "无关内容" not in q2.back


def test_table_rows_name_the_row_and_list_the_other_cells_under_their_headers(tmp_path):
    note = parse(tmp_path, """
        # 激活函数

        ## 对比

        | 函数 | 值域 | 导数 |
        |---|---|---|
        | sigmoid | $(0,1)$ | $\\sigma(1-\\sigma)$ |
        | tanh | $(-1,1)$ | |
    """)
    rows = by_kind(note, "table")
    assert [r.line for r in rows] == [7, 8]
    assert rows[0].front.startswith("函数：sigmoid") and "值域 · 导数" in rows[0].front
    assert rows[0].context == "激活函数 › 对比"
    assert rows[0].back == ('<dl class="row"><dt>值域</dt><dd>\\((0,1)\\)</dd>'
                            '<dt>导数</dt><dd>\\(\\sigma(1-\\sigma)\\)</dd></dl>')
    assert "导数" not in rows[1].back  # an empty cell is left out


def test_highlights_become_numbered_clozes_and_explicit_clozes_are_kept(tmp_path):
    note = parse(tmp_path, """
        # N

        ==ReLU== 在正半轴是 ==线性== 的。

        显式 {{c1::填空}} 与 {{c2::第二}}。

        普通段落 `{{c1::不是填空}}` 没有卡片。
    """)
    highlight, explicit = by_kind(note, "cloze")
    assert highlight.front == "{{c1::ReLU}} 在正半轴是 {{c2::线性}} 的。"
    assert explicit.front == "显式 {{c1::填空}} 与 {{c2::第二}}。"
    assert len(note.cards) == 2


def test_cloze_syntax_inside_code_or_maths_is_never_a_deletion(tmp_path):
    note = parse(tmp_path, """
        # N

        ==重点== 与 `{{c1::code}}` 与 $x^{{2}}$
    """)
    (card,) = by_kind(note, "cloze")
    assert card.front.count("{{c") == 1  # only the highlight; Anki would read any other {{c1:: in the field
    assert "<code>&#123;&#123;c1::code&#125;&#125;</code>" in card.front
    assert "\\(x^&#123;&#123;2&#125;&#125;\\)" in card.front


def test_question_answer_pairs_in_english_and_chinese(tmp_path):
    note = parse(tmp_path, """
        # N

        Q: What does ReLU return for x < 0?
        A: 0

        问：sigmoid 的值域？

        答：$(0, 1)$

        Q: 孤立的问题
    """)
    first, second = by_kind(note, "qa")
    assert (first.front, first.back) == ("What does ReLU return for x &lt; 0?", "0")
    assert (second.front, second.back) == ("sigmoid 的值域？", "\\((0, 1)\\)")
    assert [str(p) for p in note.problems] == ["note.md:10: a Q:/问： line with no A:/答： answer right after it: no card"]


def test_sections_make_cards_only_when_front_matter_asks(tmp_path):
    text = """
        ---
        {front}
        ---
        # 标题

        ## 普通小节

        一些内容。
    """
    plain = parse(tmp_path, text.replace("{front}", "title: 标题"), "a.md")
    assert plain.cards == [] and any("no cards" in p.message for p in plain.problems)
    opted = parse(tmp_path, text.replace("{front}", "cards: sections"), "b.md")
    (card,) = opted.cards
    assert card.kind == "section" and card.front == "普通小节" and card.back == "<p>一些内容。</p>"


def test_front_matter_title_deck_tags_and_exercises(tmp_path):
    note = parse(tmp_path, """
        ---
        title: 线性模型
        deck: 03 线性
        tags: [dl, softmax 回归]
        exercises: [ex03, ex07]
        ---
        # 另一个标题

        - **x:** y
    """, "part/03.md")
    assert note.title == "线性模型"
    assert note.deck == ("part", "03 线性")
    assert note.tags == ("dl", "softmax_回归", "ex03", "ex07", "note::03")
    assert note.cards[0].context == "线性模型 › 另一个标题"


def test_title_falls_back_to_first_heading_then_file_name(tmp_path):
    assert parse(tmp_path, "# 卷积\n\n- **核:** k\n", "a.md").title == "卷积"
    untitled = parse(tmp_path, "- **核:** k\n", "b-file.md")
    assert untitled.title == "b-file" and untitled.cards[0].context == "b-file"


def test_maths_is_mathjax_with_tex_kept_and_html_escaped(tmp_path):
    note = parse(tmp_path, r"""
        # N

        - **m:** $a_1 * b_2 < c_{*} \& d$ and $$x_i$$ costs \$5, `$not maths$`
    """)
    back = note.cards[0].back
    assert r"\(a_1 * b_2 &lt; c_{*} \&amp; d\)" in back  # no emphasis inside maths, < and & escaped
    assert r"\[x_i\]" in back
    assert "costs $5" in back and "<code>$not maths$</code>" in back


def test_display_maths_with_top_level_line_breaks_is_wrapped_unless_in_an_environment(tmp_path):
    note = parse(tmp_path, r"""
        # N

        ## 公式？

        $$
        a = b \\
        c = d
        $$

        $$
        x &= 1 \\ y &= 2
        $$

        $$
        \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}
        $$

        $$
        \frac{1}{2}
        $$
    """)
    back = note.cards[0].back
    assert "\\[\\begin{gathered}a = b \\\\\nc = d\\end{gathered}\\]" in back
    assert "\\[\\begin{aligned}x &amp;= 1 \\\\ y &amp;= 2\\end{aligned}\\]" in back
    assert "\\[\\begin{cases} 1 &amp; x &gt; 0 \\\\ 0 &amp; x \\le 0 \\end{cases}\\]" in back
    assert "\\[\\frac{1}{2}\\]" in back


def test_maths_in_tables_and_lists(tmp_path):
    note = parse(tmp_path, r"""
        # N

        | 名字 | 公式 |
        |---|---|
        | 绝对值 | $\lvert x \rvert$ |

        - **列表:** 前
          - $\sum_i x_i^2$
    """)
    table, term = note.cards
    assert r"\(\lvert x \rvert\)" in table.back
    assert r"<li>\(\sum_i x_i^2\)</li>" in term.back


def test_code_blocks_are_highlighted_and_dollars_in_code_stay(tmp_path):
    note = parse(tmp_path, """
        # N

        ## 代码？

        ```python
        price = "$5"  # ==not a highlight==
        ```
    """)
    (card,) = note.cards
    assert card.kind == "question"
    assert 'class="hl-' in card.back and "$5" in card.back and "\\(" not in card.back
    assert "==not a highlight==" in card.back


def test_same_term_under_different_headings_has_different_keys(tmp_path):
    note = parse(tmp_path, """
        # 激活

        ## ReLU
        - **优点：** a
        ## Sigmoid
        - **优点：** b
        ## Tanh
        - **优点：** c
        - **优点：** d
    """)
    keys = [c.key for c in note.cards]
    assert len(set(keys)) == 4
    assert keys[0] == ("note", "term", "ReLU", "优点")
    assert keys[3] == ("note", "term", "Tanh", "优点", "#2")


def test_a_key_does_not_depend_on_the_answer(tmp_path):
    a = parse(tmp_path, "# T\n\n## H\n\n- **t:** old answer\n", "x.md")
    b = parse(tmp_path, "# T\n\n## H\n\n- **t:** new answer\n\nsome prose\n", "x.md")
    assert a.cards[0].key == b.cards[0].key and a.cards[0].back != b.cards[0].back


def test_nested_terms_carry_their_parent_term_as_context(tmp_path):
    note = parse(tmp_path, """
        # 激活函数

        - **ReLU:** 分段线性
          - **优点：** 计算简单
          - **缺点：** dying ReLU
        - **Sigmoid:** S 形
          - **优点：** 输出像概率
        - **其它：** 无
    """)
    fronts = [(c.context, c.front) for c in note.cards]
    # a generic label carries the term it sits under on its front (issue #21); its key does not change
    assert fronts == [("激活函数", "ReLU"), ("激活函数 › ReLU", "ReLU：优点"), ("激活函数 › ReLU", "ReLU：缺点"),
                      ("激活函数", "Sigmoid"), ("激活函数 › Sigmoid", "Sigmoid：优点")]  # 其它: a marker word
    assert note.cards[1].key == ("note", "term", "ReLU", "优点")
    assert note.cards[4].key == ("note", "term", "Sigmoid", "优点")
    assert note.cards[4].source == "note.md › Sigmoid" and note.cards[4].line == 7
    assert "<li><strong>优点：</strong> 计算简单</li>" in note.cards[0].back  # the parent's back lists its children


def test_question_and_answer_as_two_bullets(tmp_path):
    note = parse(tmp_path, """
        # N

        - Q: 卷积核翻转吗？
        - A: 互相关 (cross-correlation) 不翻转
        - 问：步幅？
        - 答：每次移动的格数
    """)
    assert [(c.front, c.back) for c in note.cards] == [("卷积核翻转吗？", "互相关 (cross-correlation) 不翻转"),
                                                      ("步幅？", "每次移动的格数")]
    assert note.problems == []


def test_inline_display_maths_is_not_a_div_inside_a_paragraph(tmp_path):
    note = parse(tmp_path, "- **m:** 前 $$a \\\\ b$$ 后\n")
    assert note.cards[0].back == "<p>前 \\[\\begin{gathered}a \\\\ b\\end{gathered}\\] 后</p>"


def test_a_cloze_is_identified_by_its_hidden_text_not_the_prose_around_it(tmp_path):
    before = parse(tmp_path, "# T\n\n==ReLU== 很快。\n\n显式 {{c1::填空::提示}} 与 {{c2::第二}}。\n", "x.md")
    after = parse(tmp_path, "# T\n\n==ReLU== 非常快。\n\n改写后的 {{c1::填空}} 与 {{c2::第二}}！\n", "x.md")
    assert [c.key for c in before.cards] == [c.key for c in after.cards]
    assert before.cards[1].key[-1] == "填空|第二"
    changed = parse(tmp_path, "# T\n\n==Leaky ReLU== 很快。\n", "x.md")
    assert changed.cards[0].key != before.cards[0].key


def test_parse_files_falls_back_to_one_process_when_no_pool_can_start(tmp_path, monkeypatch):
    import concurrent.futures

    from studykit.notes import parse_files

    for k in range(6):
        (tmp_path / f"n{k}.md").write_text(f"- **t{k}:** x\n", encoding="utf-8")
    files = [(tmp_path / f"n{k}.md", tmp_path) for k in range(6)]

    class NoPool:
        def __init__(self, *args, **kwargs):
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
    done = []
    notes = parse_files(files, on_done=done.append)
    assert [n.cards[0].front for n in notes] == [f"t{k}" for k in range(6)] and len(done) == 6
