"""The shipped concept notes stay notes a teacher would sign (issues #14 and #24).

- they build strict-clean into at least 210 cards in at least 8 subdecks (imported with Anki's own library);
- every card is answerable in a few seconds: no back over 600 characters of visible text;
- every front is unambiguous: no two cards of one note share a bare front (the front without its heading path:
  two "公式" cards told apart only by their context);
- no fact is carded twice: no two cards with the same front, no cloze or definition repeated inside another
  card's answer, no cloze whose gap is spelled out in the rest of its sentence;
- Chinese typography: full-width punctuation and quotes, no visible spaces around `**` and `==`;
- the topics the exercises need are cards (the headings other exercises link to exist, word for word), the
  statements that once misled stay corrected;
- every exercise README links to a section of a note that exists, and that note is tagged with the exercise.
"""

from __future__ import annotations

import json
import re
import unicodedata
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import REPO, run_studykit

from studykit.catalog import all_exercises
from studykit.notes.frontmatter import as_list, parse_front_matter

CONTENT = REPO / "content"
NOTES = sorted(CONTENT.glob("*.md"))
MAX_BACK = 600  # characters of visible text on a card's back (HTML stripped)
MIN_CARDS, MIN_SUBDECKS = 210, 8


def visible(fragment: str) -> str:
    """A card field as the learner reads it: tags stripped, entities decoded, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", fragment)).split())


def without_gaps(cloze: str) -> str:
    return re.sub(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", r"\1", cloze)


@pytest.fixture(scope="module")
def notes():
    from studykit.notes.batch import parse_paths

    return parse_paths([CONTENT])


@pytest.fixture(scope="module")
def cards(notes):
    return [(note, card) for note in notes for card in note.cards]


def where(note, card) -> str:
    return f"{note.relpath}:{card.line}"


# --- builds clean, big enough --------------------------------------------------------------------------------

def test_the_notes_check_strict_clean():
    proc = run_studykit("check", "--strict", "--json", str(CONTENT))
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["warnings"] == [], report["warnings"]
    assert report["cards"] >= MIN_CARDS


def test_real_anki_imports_the_deck_with_enough_cards_and_subdecks(tmp_path):
    from anki_import import deck_names, import_package, open_collection

    out = tmp_path / "content.apkg"
    proc = run_studykit("build", "--strict", str(CONTENT), "-o", str(out))
    assert proc.returncode == 0 and "0 warnings" in proc.stdout, proc.stdout + proc.stderr
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, out)
        subdecks = [d for d in deck_names(col) if d.startswith("studykit::")]
        assert col.card_count() >= MIN_CARDS, col.card_count()
        assert len(subdecks) >= MIN_SUBDECKS, subdecks
    finally:
        col.close()


# --- every card answerable in a few seconds ------------------------------------------------------------------

def test_no_back_is_longer_than_the_limit(cards):
    too_long = []
    for note, card in cards:
        text = visible(without_gaps(card.front) if card.is_cloze else card.back)
        if len(text) > MAX_BACK:
            too_long.append(f"{where(note, card)}: {len(text)} characters — split it into sub-questions")
    assert not too_long, "\n".join(too_long)


# --- no fact carded twice ------------------------------------------------------------------------------------

def test_no_two_cards_have_the_same_front(cards):
    seen: dict[tuple, str] = {}
    repeated = []
    for note, card in cards:
        key = (note.deck, visible(card.context), visible(card.front))
        if key in seen:
            repeated.append(f"{where(note, card)} asks what {seen[key]} asks: {key[2][:60]!r}")
        seen.setdefault(key, where(note, card))
    assert not repeated, "\n".join(repeated)


def test_no_two_cards_of_one_note_share_a_bare_front(cards):
    """The heading path is shown small above the front; a learner reads the front itself, so within one note the
    fronts alone must tell the cards apart (issue #24: "公式", "导数", "∂L/∂b" under different headings)."""
    seen: dict[tuple, str] = {}
    repeated = []
    for note, card in cards:
        if card.is_cloze:
            continue  # a cloze's front is its whole sentence
        key = (note.relpath, visible(card.front))
        if key in seen:
            repeated.append(f"{where(note, card)} has the same bare front as {seen[key]}: {key[1][:60]!r}")
        seen.setdefault(key, where(note, card))
    assert not repeated, "\n".join(repeated)


def test_no_card_repeats_inside_another_cards_answer(cards):
    """A cloze or a definition inside a question's section is the same fact carded twice (the section is the
    question's answer): a question heading's section holds its answer only."""
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731 — a <mark> or a line break adds spaces
    backs = [(note, card, squeeze(visible(card.back))) for note, card in cards if not card.is_cloze]
    repeated = []
    for note, card in cards:
        own = visible(without_gaps(card.front)) if card.is_cloze else visible(card.back)
        if len(re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", "", own).strip(" ，。；")) < 8:
            continue  # a formula alone or a few words say nothing about repetition
        for other_note, other, back in backs:
            if other is not card and squeeze(own) in back:
                repeated.append(f"{where(note, card)} is repeated in the answer of {where(other_note, other)}")
    assert not repeated, "\n".join(repeated)


def test_no_cloze_gap_is_spelled_out_in_its_own_sentence(cards):
    given_away = []
    for note, card in cards:
        if not card.is_cloze:
            continue
        for gap in re.findall(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", card.front):
            hidden = visible(gap)
            rest = visible(card.front.replace("{{", "").replace(gap, " "))
            core = re.sub(r"\s*\([^)]*\)", "", hidden)  # the Chinese term without its English gloss
            if hidden in rest or (len(core) >= 2 and core in rest):
                given_away.append(f"{where(note, card)}: the gap {hidden!r} is written out in its sentence")
    assert not given_away, "\n".join(given_away)


# --- Chinese typography --------------------------------------------------------------------------------------

CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
FULL_WIDTH = "，。：；？！、"
TYPOGRAPHY = [
    ("an ASCII double quote in Chinese prose (use “…”)", re.compile(r'"')),
    ("a space between Chinese text and ** or == (it shows on the card)",
     re.compile(rf"(?:{CJK}|[{FULL_WIDTH}（）“”]) +(?:\*\*|==)|(?:\*\*|==) +(?:{CJK}|[（“])")),
    ("ASCII punctuation next to Chinese (use the full-width mark)", re.compile(rf"{CJK}[,;:?!]|[,;:?!]{CJK}")),
    ("ASCII parentheses around Chinese (use （…）)", re.compile(rf"\([^()\n]*{CJK}[^()\n]*\)")),
    ("a space next to full-width punctuation", re.compile(rf" [{FULL_WIDTH}]|[{FULL_WIDTH}] +(?=\S)")),
]


def prose_lines(text: str) -> list[str]:
    """The note's lines with front matter, code and maths blanked and link targets and HTML tags removed:
    what is left is prose (and table cells), where the typography rules apply."""
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731 — keeps line numbers
    text = re.sub(r"\A---\n.*?\n---\n", blank, text, flags=re.S)
    text = re.sub(r"```.*?```|\$\$.*?\$\$", blank, text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "‹code›", text)
    text = re.sub(r"(?<!\\)\$[^$\n]+?\$", "‹maths›", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>\n]+>", "", text)
    return text.splitlines()


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_chinese_typography(note):
    problems = []
    for number, line in enumerate(prose_lines(note.read_text(encoding="utf-8")), 1):
        for message, rule in TYPOGRAPHY:
            for found in rule.finditer(line):
                around = line[max(0, found.start() - 10):found.end() + 10]
                problems.append(f"{note.name}:{number}: {message}: …{around}…")
    assert not problems, "\n".join(problems)


# --- what the exercises need, and what once misled -----------------------------------------------------------

def card_texts(cards, note_name: str) -> list[str]:
    return [visible(card.context) + " | " + visible(card.front) + " | " + visible(card.back)
            for note, card in cards if note.relpath == note_name]


GAP_TOPICS = [  # (note, patterns that one card must all contain, what the card teaches)
    ("04-activations.md", [r"Softplus", r"softplus′", r"= \\sigma\(x\)"], "softplus′ = σ"),
    ("03-linear-softmax-mlp.md", [r"雅可比", r"\\mathrm\{diag\}\(p\) - p ?p\^\\top"], "the softmax Jacobian"),
    ("03-linear-softmax-mlp.md", [r"雅可比", r"= p - y"], "why softmax + CE collapses to p − y"),
    ("02-forward-backward.md", [r"w_2", r"\(p - y\) \\cdot p\(1 - p\)"], "a worked chain-rule example (ex05)"),
    ("02-forward-backward.md", [r"行形式", r"\(D, H\)", r"X\^\\top \\delta_1"], "row form: dW₁ = Xᵀδ₁ (ex06)"),
    ("05-cnn.md", [r"重叠", r"\+="], "overlapping pooling windows accumulate (ex10)"),
    ("06-batch-norm.md", [r"\(1, D\)", r"Y = \\beta"], "batch norm with a batch of one (ex11)"),
    ("07-resnet.md", [r"瓶颈块", r"1\\times1"], "the bottleneck block"),
    ("03-linear-softmax-mlp.md", [r"暂退法 \(dropout\)"], "the name 暂退法"),
    # issue #24: the gaps the exercises need
    ("08-optimization.md", [r"Xavier", r"fan\\_in\} \+ \\text\{fan\\_out\}"], "Xavier initialization"),
    ("08-optimization.md", [r"He 初始化", r"2/\\text\{fan\\_in\}|\\frac\{2\}\{\\text\{fan\\_in\}\}"],
     "He initialization"),
    ("08-optimization.md", [r"PyTorch", r"v \\leftarrow \\mu v \+ g"], "momentum, PyTorch's convention (ex14)"),
    ("08-optimization.md", [r"CS231n", r"v \\leftarrow \\mu v - \\eta g"], "momentum, CS231n's convention"),
    ("08-optimization.md", [r"两种约定", r"-\\eta"], "the two momentum conventions differ by scaling v by lr"),
    ("08-optimization.md", [r"偏差修正", r"1 - \\beta_1\^t", r"从 1 开始"], "Adam's bias correction, t from 1"),
    ("08-optimization.md", [r"AdamW", r"\\lambda\\theta"], "AdamW: decoupled weight decay"),
    ("08-optimization.md", [r"权重衰减", r"更新里"], "weight decay goes in the update, not in grads"),
    ("08-optimization.md", [r"方差", r"r\^L"], "variance through the layers"),
    ("08-optimization.md", [r"小批量", r"permutation"], "mini-batch mechanics"),
    ("08-optimization.md", [r"验证损失", r"过拟合"], "reading learning curves"),
    ("07-resnet.md", [r"分叉", r"之和"], "gradients at a fork add up"),
    ("07-resnet.md", [r"反向", r"dx_\{\\text\{主\}\} \+ dx_\{\\text\{捷\}\}"], "the residual block's backward"),
    ("07-resnet.md", [r"退化不是梯度消失", r"梯度传播"], "degradation vs gradient flow, reconciled"),
    ("05-cnn.md", [r"ex13", r"\(N, 16, 4, 4\)"], "a shape trace through ex13's CNN"),
    ("05-cnn.md", [r"全连接层", r"一样大"], "a kernel covering the whole map is a fully connected layer"),
    ("05-cnn.md", [r"感受野", r"5 \\times 5"], "receptive-field growth"),
    ("05-cnn.md", [r"乘加", r"C_\{in\}"], "conv FLOPs"),
    ("05-cnn.md", [r"完整 \(full\) 互相关", r"交换", r"S - 1"], "dX as one full correlation, done right"),
    ("02-forward-backward.md", [r"float64"], "gradient checking: float64"),
    ("02-forward-backward.md", [r"抽查"], "gradient checking: sampled entries"),
    ("02-forward-backward.md", [r"掩码"], "gradient checking: fixed masks"),
    ("02-forward-backward.md", [r"折点 \(kinks\)"], "gradient checking: kinks"),
    ("02-forward-backward.md", [r"自己的前向"], "gradient checking against your own forward"),
    ("06-batch-norm.md", [r"评估模式", r"切"], "the train/eval switch"),
    ("06-batch-norm.md", [r"合并 \(fold\)"], "folding BN into the convolution at inference"),
    ("06-batch-norm.md", [r"组规范化", r"Wu & He"], "group norm for small batches"),
    ("06-batch-norm.md", [r"LN", r"轴"], "LN/GN axes vs BN"),
    ("03-linear-softmax-mlp.md", [r"log-sum-exp", r"\\mathrm\{softmax\}\(z\)_j"], "log-sum-exp and its gradient"),
    ("04-activations.md", [r"BCE", r"p - y"], "sigmoid + BCE: p − y"),
    ("04-activations.md", [r"BCE", r"\\log\(1 \+ e\^\{-\|z\|\}\)"], "sigmoid + BCE: the stable form"),
    ("01-ml-vs-dl.md", [r"自监督学习"], "self-supervised learning"),
    ("01-ml-vs-dl.md", [r"双下降"], "over-parameterised networks and double descent"),
]


@pytest.mark.parametrize("note_name, patterns, topic", GAP_TOPICS, ids=[t[2] for t in GAP_TOPICS])
def test_the_topics_the_exercises_need_are_cards(cards, note_name, patterns, topic):
    assert any(all(re.search(p, text) for p in patterns) for text in card_texts(cards, note_name)), topic


CORRECTED = [  # (note, a phrase that must not come back, why)
    ("07-resnet.md", r"不只是梯度消失", "He et al. 2015: degradation is not caused by vanishing gradients"),
    ("07-resnet.md", r"移到主分支里", "pre-activation puts BN and ReLU before the convolutions (He et al. 2016)"),
    ("07-resnet.md", r"恒等映射 \(identity mapping\)：\*\*捷径", "identity mapping is f(x) = x, not the shortcut"),
    ("03-linear-softmax-mlp.md", r"预测 \(prediction\) 和分类",
     "regression vs classification (prediction covers both)"),
    ("03-linear-softmax-mlp.md", r"仿射变换、卷积、平均池化都是线性", "linear in the input; with a bias, affine"),
    # issue #24
    ("05-cnn.md", r"四周补 \$K - 1\$ 圈 0，与旋转 180° 的卷积核做完整",
     "padding dout and a full correlation pad twice"),
    ("02-forward-backward.md", r"ex06 和 ex11 的 dX", "ex06 checks no dX; its 1e-5 is for W1, b1, W2, b2"),
    ("01-ml-vs-dl.md", r"模型越大、数据越少越容易", "over-parameterised networks often generalise (double descent)"),
    ("01-ml-vs-dl.md", r"数百万到数十亿", "GPT-3 has 175 billion parameters, Switch Transformer 1.6 trillion"),
    ("01-ml-vs-dl.md", r"一两层变换跨不过去", "the universal approximation theorem: depth buys efficiency"),
    ("04-activations.md", r"参数再也不会更新", "weight decay and earlier layers still move a dead ReLU"),
    ("04-activations.md", r"两种写法都只对非正数取指数", "np.where evaluates both branches"),
    ("06-batch-norm.md", r"BN 把它固定下来", "BN fixes each feature's batch mean and variance only"),
    ("05-cnn.md", r"各得 1/窗口大小", "average pooling: 1/k² each, overlapping windows accumulate"),
    ("05-cnn.md", r"\*\*平移不变性 \(translation invariance\)：\*\*同一个卷积核",
     "convolution is equivariant; invariance is pooling's"),
    ("07-resnet.md", r"W_s \* x \+ b_s", "the paper's Eq. 2 has no bias; in practice a 1×1 conv + BN"),
]


@pytest.mark.parametrize("note_name, phrase, why", CORRECTED, ids=[c[2][:40] for c in CORRECTED])
def test_statements_that_misled_stay_corrected(note_name, phrase, why):
    assert not re.search(phrase, (CONTENT / note_name).read_text(encoding="utf-8")), why


REQUIRED_HEADINGS = [  # (note, heading): other exercises' READMEs link to these anchors (issue #24)
    ("08-optimization.md", "## 带动量的 SGD (SGD with momentum)"),
    ("08-optimization.md", "## Adam 与偏差修正 (bias correction)"),
    ("08-optimization.md", "## 权重衰减 (weight decay) 与 AdamW"),
    ("08-optimization.md", "## Xavier 初始化与 He 初始化"),
    ("08-optimization.md", "## 激活值与梯度的方差 (variance) 逐层传播"),
    ("07-resnet.md", "## 残差块的反向传播 (backward)"),
]


@pytest.mark.parametrize("note_name, heading", REQUIRED_HEADINGS, ids=[h for _, h in REQUIRED_HEADINGS])
def test_the_headings_other_exercises_link_to_exist(note_name, heading):
    lines = (CONTENT / note_name).read_text(encoding="utf-8").splitlines()
    assert heading in lines, f"{note_name}: no line {heading!r}"
    level, _, text = heading.partition(" ")
    assert github_slug(text) in anchors_of(CONTENT / note_name)


def test_the_gradient_check_card_names_both_thresholds_and_why(cards):
    texts = [t for t in card_texts(cards, "02-forward-backward.md") if "10^{-7}" in t and "10^{-5}" in t]
    assert any("折点" in t for t in texts), "say 1e-7 and the graders' 1e-5/1e-6, and why"


# --- exercise READMEs link to note sections ------------------------------------------------------------------

def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation and symbols dropped, spaces → '-'."""
    text = re.sub(r"\$([^$]*)\$", r"\1", heading)
    text = re.sub(r"[`*]|==", "", text)
    kept = [ch for ch in text.strip().lower() if ch in " -_" or unicodedata.category(ch)[0] in "LMN"]
    return "".join(kept).replace(" ", "-")


def anchors_of(note: Path) -> set[str]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(note.read_text(encoding="utf-8"))
    found: dict[str, int] = {}
    anchors = set()
    for k, token in enumerate(tokens):
        if token.type == "heading_open":
            slug = github_slug(tokens[k + 1].content)
            count = found.get(slug, 0)
            anchors.add(slug if count == 0 else f"{slug}-{count}")
            found[slug] = count + 1
    return anchors


def note_links(readme: str) -> list[str]:
    """Every link target in a README (inline, <…> or reference style) that points into the notes."""
    from markdown_it import MarkdownIt

    targets = []
    for token in MarkdownIt("commonmark").parse(readme):
        for child in token.children or []:
            if child.type == "link_open" and "content/" in child.attrs.get("href", ""):
                targets.append(unquote(child.attrs["href"]))
    return targets


def test_the_slugs_are_githubs():
    assert github_slug("汇聚层 (pooling)") == "汇聚层-pooling"
    assert github_slug("softmax + 交叉熵的梯度") == "softmax--交叉熵的梯度"
    assert github_slug("行形式：每行一个样本 (rows are examples)") == "行形式每行一个样本-rows-are-examples"
    assert github_slug("What is X?") == "what-is-x"


@pytest.mark.parametrize("ex", all_exercises(), ids=lambda ex: ex.id)
def test_every_exercise_readme_links_to_a_note_section_that_exists(ex):
    readme_path = ex.starter_dir / "README.md"
    sections = []
    for target in note_links(readme_path.read_text(encoding="utf-8")):
        path, _, anchor = target.partition("#")
        note = (readme_path.parent / path).resolve()
        assert note.is_file(), f"{ex.id}: {target} names a missing note"
        if not anchor:
            continue
        assert anchor in anchors_of(note), f"{ex.id}: {target}: no heading in {note.name} has this anchor"
        meta, _ = parse_front_matter(note.read_text(encoding="utf-8"))
        assert ex.id in as_list(meta.get("exercises", [])), \
            f"{ex.id} links to {note.name}, whose front matter does not list it: its cards are not tagged {ex.id}"
        sections.append(target)
    assert sections, (f"{ex.id}: the README links to no note section — link the sections whose cards the "
                      f"exercise needs: [name](<../../content/NOTE.md#anchor>)")
