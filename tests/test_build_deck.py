"""`studykit build` end to end: build the fixture notes, import the deck with Anki's library, look at it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from anki_import import deck_names, import_package, notes_of, open_collection
from conftest import run_studykit

FIXTURES = Path(__file__).parent / "fixtures" / "notes"


@pytest.fixture
def notes(tmp_path) -> Path:
    root = tmp_path / "notes"
    shutil.copytree(FIXTURES, root)
    return root


def build(notes: Path, out: Path, *extra: str):
    proc = run_studykit("build", str(notes), "-o", str(out), *extra)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture
def imported(notes, tmp_path):
    out = tmp_path / "deck.apkg"
    proc = build(notes, out)
    assert proc.returncode == 0, proc.stderr
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    yield col, notes_of(col), proc
    col.close()


def by_front(notes, text):
    found = [n for n in notes if text in (n.fields.get("Front") or n.fields.get("Text") or "")]
    assert found, f"no card whose front contains {text!r}"
    return found


def test_every_note_has_a_card_and_decks_follow_folders_and_titles(imported):
    col, notes, proc = imported
    assert col.card_count() >= col.note_count() > 0
    assert col.db.scalar("select count() from notes where id not in (select nid from cards)") == 0
    names = deck_names(col)
    assert "studykit::sub::04 激活函数" in names  # front matter deck:, under its folder
    assert "studykit::other::机器学习与深度学习" in names  # the note's title
    assert "studykit::other::数学边界情况" in names
    assert "cards" in proc.stdout and "warnings" in proc.stdout


def test_term_cards_carry_context_and_explanation(imported):
    _, notes, _ = imported
    good = [n for n in notes if "ReLU</div>" in n.fields.get("Front", "") and ">ReLU：优点</div>" in n.fields["Front"]]
    assert len(good) == 1  # a generic label carries its subject (issue #21)
    card = good[0]
    assert "激活函数 (Activation Functions) › ReLU" in card.fields["Front"]
    assert "计算简单" in card.fields["Back"] and "稀疏激活" in card.fields["Back"]  # nested bullet kept
    assert "\\(x &gt; 0\\)" in card.fields["Back"]
    assert card.fields["Source"] == "sub/activations.md › ReLU"
    # colon outside the bold, ASCII colon
    assert any(">ReLU：缺点</div>" in n.fields.get("Front", "") and "dying ReLU" in n.fields["Back"] for n in notes)
    assert any("formula</div>" in n.fields.get("Front", "") for n in notes)
    # three different 优点 are three notes
    assert len([n for n in notes if "：优点</div>" in n.fields.get("Front", "")]) == 3


def test_tags_from_front_matter_exercises_and_file(imported):
    _, notes, _ = imported
    relu = [n for n in notes if "› ReLU</div>" in n.fields.get("Front", "")][0]
    assert {"深度学习", "activation", "ex04", "note::activations"} <= set(relu.tags)
    compare = by_front(notes, "特征提取")[0]
    assert "note::compare" in compare.tags and "ex04" not in compare.tags


def test_question_heading_answer_is_its_section_with_wrapped_display_maths(imported):
    _, notes, _ = imported
    card = by_front(notes, "为什么需要非线性？")[0]
    back = card.fields["Back"]
    assert "多层线性变换仍是线性的" in back
    # MathJax 3 ignores a bare top-level \\: the block must be wrapped to show two lines
    assert "\\[\\begin{gathered}z = W_2 (W_1 x + b_1) + b_2 \\\\" in back
    assert back.count("\\[") == 1 and "$$" not in back


def test_table_rows_become_cards_with_column_headers(imported):
    _, notes, _ = imported
    rows = [n for n in notes if "维度：" in n.fields.get("Front", "")]
    assert len(rows) == 3
    data = by_front(notes, "数据依赖")[0]
    assert "<dt>机器学习 (ML)</dt><dd>小数据也可</dd>" in data.fields["Back"]
    assert "\\(N \\gg 10^4\\)" in data.fields["Back"]
    assert "机器学习与深度学习 › 对比" in data.fields["Front"]


def test_highlights_and_explicit_cloze_but_never_in_code(imported):
    col, notes, _ = imported
    clozes = [n for n in notes if n.notetype == "studykit Cloze"]
    texts = [n.fields["Text"] for n in clozes]
    assert any("{{c1::表示学习 (representation learning)}}" in t and "{{c2::多层非线性变换}}" in t for t in texts)
    assert any("{{c1::\\(w \\leftarrow w - \\eta \\nabla L\\)}}" in t for t in texts)
    assert not any("不是填空" in t for t in texts)
    # a paragraph with two highlights is one note with two cards
    two = [n for n in clozes if "{{c2::" in n.fields["Text"]][0]
    nid = col.db.scalar("select id from notes where guid = ?", two.guid)
    assert len(col.get_note(nid).cards()) == 2


def test_question_answer_pairs(imported):
    _, notes, _ = imported
    qa = by_front(notes, "softmax 为什么要减去最大值？")[0]
    assert "上溢" in qa.fields["Back"]
    zh = by_front(notes, "ReLU 的全称？")[0]
    assert "Rectified Linear Unit" in zh.fields["Back"]


def test_maths_edge_cases(imported):
    _, notes, _ = imported
    under = by_front(notes, "下划线")[0]
    assert "\\(a_1 + b_{ij} * c_2 * d\\)" in under.fields["Back"] and "<em>" not in under.fields["Back"]
    less = by_front(notes, "小于号")[0]
    assert "\\(a &lt; b\\)" in less.fields["Back"] and "\\(p \\&amp; q\\)" in less.fields["Back"]
    dollar = by_front(notes, "转义美元")[0]
    assert "$5" in dollar.fields["Back"] and "\\(" not in dollar.fields["Back"]
    code = by_front(notes, "代码里的美元")[0]
    assert "<code>echo $HOME</code>" in code.fields["Back"]
    aligned = by_front(notes, "对齐换行")
    assert aligned
    table = by_front(notes, "\\(\\tanh x\\)")[0]
    assert "\\(1 - \\tanh^2 x\\)" in table.fields["Back"]


def test_pictures_are_packed_by_content_and_missing_ones_warn(imported, notes):
    col, cards, proc = imported
    media = sorted(p.name for p in Path(col.media.dir()).iterdir())
    # sub/images/image.png and other/image.png share a base name but are different pictures: both packed
    assert len(media) == 2 and all(m.startswith("sk-") and m.endswith(".png") for m in media)
    relu = by_front(cards, "曲线 (plot)")[0]
    typora = by_front(cards, "Typora 截图")[0]
    other = by_front(cards, "示意图")[0]
    def src(card):
        return card.fields["Back"].split('src="')[1].split('"')[0]
    assert src(relu) == src(typora) != src(other)
    assert {src(relu), src(other)} == set(media)
    err = proc.stderr
    assert "other/compare.md:" in err
    assert "https://example.com/pic.png is on the web" in err
    assert "missing.png not found" in err
    assert "../../../secret.png is outside the notes' folder and is not packed" in err
    assert "/Users/someone/Pictures/x.png points at an absolute path" in err
    # Typora's path on another computer: the same file name was found next to the note and packed
    assert "C:\\Users\\student\\Documents\\Typora\\image.png points at another computer; used images/image.png" in err


def test_missing_picture_shows_a_visible_placeholder(tmp_path):
    root = tmp_path / "n"
    root.mkdir()
    (root / "a.md").write_text("# T\n\n- **图：** 看这里 ![ReLU 曲线](gone.png)\n", encoding="utf-8")
    out = tmp_path / "a.apkg"
    assert build(root, out).returncode == 0
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    (card,) = notes_of(col)
    assert '<span class="missing-picture">[图片 picture: ReLU 曲线 (gone.png)]</span>' in card.fields["Back"]
    assert "<img" not in card.fields["Back"]
    col.close()


def test_picture_in_a_card_is_packed_and_referenced(tmp_path):
    root = tmp_path / "n"
    (root / "assets").mkdir(parents=True)
    shutil.copy(FIXTURES / "sub/images/image.png", root / "assets/x.png")
    (root / "a.md").write_text('# T\n\n- **图：** <img src="assets/x.png" style="zoom:50%"> 和 ![b](assets/x.png)\n',
                               encoding="utf-8")
    out = tmp_path / "a.apkg"
    assert build(root, out).returncode == 0
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    (card,) = notes_of(col)
    names = [p.name for p in Path(col.media.dir()).iterdir()]
    assert len(names) == 1 and names[0].startswith("sk-")
    assert card.fields["Back"].count(f'src="{names[0]}"') == 2
    assert 'style="zoom:50%"' in card.fields["Back"]
    col.close()


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_strict_fails_on_warnings_and_default_passes(notes, tmp_path):
    assert build(notes, tmp_path / "a.apkg").returncode == 0
    strict = build(notes, tmp_path / "b.apkg", "--strict")
    assert strict.returncode == 1 and "--strict" in strict.stderr
