"""Tables: one card per body row, named by its first column; the back lists the row's other cells under their
headers (empty cells left out)."""

from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml

from studykit.notes.rules.notcards import (
    grouping_column,
    index_column,
    table_is_data,
    table_is_example,
    table_is_navigation,
)


def table(w, i: int) -> int:
    """Cards for the table opening at `i`; returns the index of its closing token."""
    tokens = w.tokens
    end = w.closing(i)
    headers: list = []
    rows: list[tuple[int, list]] = []
    row: list | None = None
    row_line = 0
    for j in range(i, end):
        t = tokens[j]
        if t.type == "tr_open":
            row = []
            row_line = t.map[0] + 1 if t.map else 0
        elif t.type == "tr_close" and row is not None:
            if headers:
                rows.append((row_line, row))
            else:
                headers = row
            row = None
        elif t.type == "inline" and row is not None:
            row.append(t)
    if len(headers) < 2:
        return end
    body = [[w.inline(c.children or []) for c in cells] for _, cells in rows]
    index = index_column(w.inline(headers[0].children or []), body)
    if index == "numbering" and len(headers) > 2:  # `| 序号 | 名称 | 说明 |`: the name is the second column
        headers, rows = headers[1:], [(r_line, cells[1:]) for r_line, cells in rows]
        body = [row[1:] for row in body]
    if len(headers) == 2 and _opposites(headers[0].content, headers[1].content):
        return _two_lists(w, i, end, headers)
    paired = _pair_headers(headers[0].content, headers[1].content)
    if paired and len(headers) > 2 and not table_is_navigation(body):
        return _pairs(w, i, end, headers, rows)
    if index != "numbering" and not paired and grouping_column(body):
        def swap(cells: list) -> list:  # `| Numeric | INT | … |`: the second column names the row, the group is
            return [cells[1], cells[0], *cells[2:]]  # shown on the back
        headers, rows, body = swap(headers), [(r_line, swap(cells)) for r_line, cells in rows], [swap(r) for r in body]
    example = table_is_example([w.inline(h.children or []) for h in headers], body)
    if table_is_navigation(body) or table_is_data(body) or index == "steps" or example:
        line = tokens[i].map[0] + 1 if tokens[i].map else 0
        what = "of links (a table of contents)" if table_is_navigation(body) else \
            "of example data (mostly numbers)" if table_is_data(body) else \
            "whose rows are steps of an example or a plan (t=1, t=2, …)" if index == "steps" else example
        w.warn(line, f"table {what}: no cards", "not-a-card")
        return end
    head_html = [w.inline(h.children or []) for h in headers]
    columns = " · ".join(h for h in head_html[1:] if h)
    for r_line, cells in rows:
        name_source = cells[0].content.strip() if cells else ""
        if not name_source:
            w.warn(r_line, "table row with an empty first column makes no card", "table")
            continue
        if name_source.replace("\\$", "").count("$") % 2:  # `|$\frac{|B_m|}{n}$|`: the row was cut at a `|`
            w.warn(r_line, f"table row {name_source!r} has maths cut by a `|` (write it `\\|` inside `$…$`): no card",
                   "table")
            continue
        pairs = [(head_html[k] if k < len(head_html) else "", w.inline(c.children or []))
                 for k, c in enumerate(cells[1:], start=1)]
        pairs = [(h, v) for h, v in pairs if v]
        if not pairs:
            w.warn(r_line, f"table row {name_source!r} has no cells to ask about", "table")
            continue
        label = f"{head_html[0]}：" if head_html[0] else ""
        front = f'{label}{w.inline(cells[0].children or [])}<div class="columns">{columns}</div>'
        back = '<dl class="row">' + "".join(f"<dt>{h}</dt><dd>{v}</dd>" for h, v in pairs) + "</dl>"
        w.add("table", front, back, i, r_line, headers[0].content.strip(), name_source)
    return end


_PAIRED = re.compile(r"^(.*?)\s*([A-Za-z]|\d{1,2}|[甲乙一二])$")


def _pair_headers(first: str, second: str) -> bool:
    """`| Concept A | Concept B | Difference |`, `| 概念1 | 概念2 | 区别 |`: the first two columns are the two things
    each row compares."""
    a, b = _PAIRED.match(first.strip(" *")), _PAIRED.match(second.strip(" *"))
    stem = a.group(1) if a is not None else ""
    return a is not None and b is not None and stem.lower() == b.group(1).lower() and \
        a.group(2).lower() != b.group(2).lower() and \
        len(stem) >= (2 if any("\u4e00" <= ch <= "\u9fff" for ch in stem) else 3)  # not `A1 | A2`, `x | 1`


def _pairs(w, i: int, end: int, headers: list, rows: list) -> int:
    """One card per row of a table of confused pairs: front `K-Means vs GMM`, back the other columns."""
    head_html = [w.inline(h.children or []) for h in headers]
    columns = " · ".join(h for h in head_html[2:] if h)
    for r_line, cells in rows:
        if len(cells) < 3 or not cells[0].content.strip() or not cells[1].content.strip():
            w.warn(r_line, "table row without the two things it compares makes no card", "table")
            continue
        pairs = [(head_html[k] if k < len(head_html) else "", w.inline(c.children or []))
                 for k, c in enumerate(cells[2:], start=2)]
        pairs = [(h, v) for h, v in pairs if v]
        if not pairs:
            continue
        front = (f"{w.inline(cells[0].children or [])} vs {w.inline(cells[1].children or [])}"
                 f'<div class="columns">{columns}</div>')
        back = '<dl class="row">' + "".join(f"<dt>{h}</dt><dd>{v}</dd>" for h, v in pairs) + "</dl>"
        w.add("table", front, back, i, r_line, headers[0].content.strip(),
              f"{cells[0].content.strip()} vs {cells[1].content.strip()}")
    return end


# `| Pros | Cons |`, `| Functional | Non-Functional |`, `| 优点 | 缺点 |`: two lists side by side, not rows of things
_OPPOSITE = [frozenset(pair) for pair in (
    ("pros", "cons"), ("advantages", "disadvantages"), ("advantage", "disadvantage"), ("strengths", "weaknesses"),
    ("functional", "non-functional"), ("functional requirements", "non-functional requirements"), ("do", "don't"),
    ("dos", "don'ts"), ("do's", "don'ts"), ("good", "bad"), ("优点", "缺点"), ("优势", "劣势"), ("正确", "错误"),
    ("功能需求", "非功能需求"), ("应该", "不应该"))]
_HEADER_NOISE = re.compile(r"[^\w\s'’-]+")


def _opposites(first: str, second: str) -> bool:
    names = frozenset(" ".join(_HEADER_NOISE.sub(" ", h).replace("’", "'").lower().split()) for h in (first, second))
    return names in _OPPOSITE


def _two_lists(w, i: int, end: int, headers: list) -> int:
    """A table of two lists side by side (`| Pros | Cons |`): one card that asks for both, about the section."""
    subject = escapeHtml(w.subject(i))  # the heading that names something (not `Pros and Cons`)
    line = w.tokens[i].map[0] + 1 if w.tokens[i].map else 0
    names = " / ".join(w.inline(h.children or []) for h in headers)
    w.add("table", f"{subject}: {names}", w.blocks(i, end + 1), i, line, headers[0].content.strip(),
          headers[1].content.strip())
    return end
