"""GFM tables as Typora shows them: `|` inside `$…$` belongs to the maths, and ragged rows are kept.

markdown-it splits a row at every unescaped `|`, so `$|x|$` in a cell cuts the row in three; Typora keeps the
maths whole, and Obsidian keeps `[[note|alias]]` whole. This rule wraps markdown-it's own table rule: before it
runs, every `|` inside a `$…$` span or a wikilink of the table's lines is swapped for a private-use character of
the same length (offsets stay valid), and swapped back in the cells afterwards. Inside maths `\\|` stays TeX's
`\\|` (‖, a norm: `$\\|w\\|_2$`); outside maths it keeps GFM's meaning, a literal `|`. A body row with fewer
cells than the header is padded (markdown-it does that); one with more keeps its extra cells — both with a
warning, as is a header whose cell count does not match the line below it (then it is no table at all).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import escapedSplit, table as gfm_table
from markdown_it.token import Token

PIPE = "\ue000"  # stands for a `|` inside maths while markdown-it splits the row


def _mask_maths(line: str) -> str:
    """`line` with every `|` inside a `$…$`/`$$…$$` span or an Obsidian `[[note|alias]]` replaced by PIPE (code
    spans and `\\$` respected); unchanged when a maths span is left open."""
    out = list(line)
    k, n = 0, len(line)
    inside = 0  # 0, or the number of dollars that opened the span
    changed = False
    while k < n:
        ch = line[k]
        if ch == "\\":
            if inside and line.startswith("\\|", k):  # TeX's \| (a norm's ‖) inside maths stays TeX
                out[k + 1] = PIPE
                changed = True
            k += 2
            continue
        if ch == "`" and not inside:
            run = len(line) - len(line[k:].lstrip("`"))
            close = line.find("`" * run, k + run)
            k = close + run if close >= 0 else k + run
            continue
        if ch == "$":
            run = 2 if line.startswith("$$", k) else 1
            if not inside:
                inside = run
            elif run >= inside:
                run = inside
                inside = 0
            k += run
            continue
        if ch == "[" and not inside and line.startswith("[[", k):  # `[[note|alias]]`: Obsidian's alias, not a cell
            close = line.find("]]", k + 2)
            if close > 0 and "[[" not in line[k + 2:close]:
                for m in range(k + 2, close):
                    if line[m] == "|" and line[m - 1] != "\\":
                        out[m] = PIPE
                        changed = True
                k = close + 2
                continue
        if ch == "|" and inside:
            out[k] = PIPE
            changed = True
        k += 1
    return "".join(out) if changed and not inside else line


def _delimiter_row(text: str) -> bool:
    text = text.strip()
    return bool(text) and text[0] in "|-:" and "-" in text and all(c in "|-: \t" for c in text)


def _cells(text: str) -> list[str]:
    cells = escapedSplit(text.strip())
    if cells and cells[0].strip() == "":
        cells.pop(0)
    if cells and cells[-1].strip() == "":
        cells.pop()
    return cells


def table(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    if startLine + 2 > endLine:
        return False
    below = state.bMarks[startLine + 1] + state.tShift[startLine + 1]
    if state.src[below:below + 1] not in ("|", "-", ":"):  # most lines: not a table (cheap test first)
        return False
    header = state.src[state.bMarks[startLine] + state.tShift[startLine]:state.eMarks[startLine]]
    if "|" not in header:
        return False
    line_text = [header, state.src[below:state.eMarks[startLine + 1]]]
    if not _delimiter_row(line_text[1]):
        return False
    original = state.src
    last = startLine
    while last < endLine and not state.isEmpty(last):
        last += 1
    masked = list(original)
    changed = False
    for k in range(startLine, last):
        begin, end = state.bMarks[k], state.eMarks[k]
        segment = original[begin:end]
        if ("$" in segment or "[[" in segment) and "|" in segment:
            replaced = _mask_maths(segment)
            if replaced is not segment:
                masked[begin:end] = replaced
                changed = True
    first_token = len(state.tokens)
    if changed:
        state.src = "".join(masked)
    try:
        found = gfm_table(state, startLine, endLine, silent)
        masked_src = state.src
    finally:
        state.src = original
    if silent:
        return found
    warnings = state.env.setdefault("warnings", [])
    if not found:
        header_cells = _cells(masked_src[state.bMarks[startLine]:state.eMarks[startLine]])
        delimiter = list(line_text[1].strip().strip("|").split("|"))
        if len(header_cells) >= 2 and len(header_cells) != len(delimiter):
            warnings.append((startLine + 1, "table", f"not a table: the header has {len(header_cells)} cells but "
                                                     f"the line below it {len(delimiter)}; it shows as text"))
        return False
    _finish(state, first_token, masked_src, warnings)
    return True


def _finish(state: StateBlock, first_token: int, masked_src: str, warnings: list) -> None:
    """Put the maths' `|` back and keep the cells of rows longer than the header (with a warning)."""
    tokens = state.tokens
    columns = sum(1 for t in tokens[first_token:] if t.type == "th_open")
    k = first_token
    body = False
    while k < len(tokens):
        token = tokens[k]
        body = body or token.type == "tbody_open"
        if token.type == "inline" and PIPE in token.content:
            token.content = token.content.replace(PIPE, "|")
        elif token.type == "tr_open" and body and token.map:
            line = token.map[0]
            cells = _cells(masked_src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]])
            if len(cells) < columns:
                warnings.append((line + 1, "table", f"table row has {len(cells)} of the header's {columns} cells; "
                                                    f"the missing ones are left empty"))
            elif len(cells) > columns:
                close = next(j for j in range(k, len(tokens)) if tokens[j].type == "tr_close")
                extra = []
                level = tokens[k + 1].level
                for cell in cells[columns:]:
                    opening = Token("td_open", "td", 1, level=level)
                    inline = Token("inline", "", 0, level=level + 1, content=cell.strip().replace(PIPE, "|"),
                                   map=[line, line + 1], children=[])
                    extra += [opening, inline, Token("td_close", "td", -1, level=level)]
                tokens[close:close] = extra
                warnings.append((line + 1, "table", f"table row has {len(cells)} cells but the header {columns}; "
                                                    f"the extra cells are kept without a header"))
        k += 1


def tables_plugin(md: MarkdownIt) -> None:
    md.block.ruler.at("table", table, {"alt": ["paragraph", "reference"]})
