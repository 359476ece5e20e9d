"""CJK-friendly emphasis and line breaks for markdown-it-py, as the markdown-cjk-friendly specification says.

CommonMark decides whether `**` can open or close emphasis from the characters beside it, and treats every
Unicode punctuation mark as punctuation — so in `**术语：**解释` the closing `**` sits between a full-width
colon and a letter and cannot close: the learner's bold shows as raw `**`. The CommonMark CJK-friendly
amendments (tats-u/markdown-cjk-friendly, specification.md) fix exactly this by letting a CJK character on
either side make a `*` run flanking. This module is a faithful port of the specification's own markdown-it
plugin (packages/markdown-it-cjk-friendly/src/index.ts): the same `scanDelims` override, with the
specification's Unicode 17 ranges (ranges.md) in place of JavaScript's Unicode property regexes. Its test
cases and snapshots pass unchanged (tests/test_notes_cjk.py), and CommonMark's own examples render exactly
as without it.

Why not `mdit-py-cjk-friendly` from PyPI: it requires markdown-it-py < 4 (mdit-py-plugins' current
releases require 4), patches `StateInline.scanDelims` for every parser in the process, and is a simplified
reimplementation: 28 of the specification's 112 snapshot lines differ (Hangul, pseudo-emoji such as 🈂 ㊗,
variation selectors, `_` next to CJK punctuation).

Line breaks: a soft line break between two CJK characters renders as nothing (a browser would show the
newline as a space inside a Chinese sentence) — the rule of CSS Text Level 3 (segment break transformation):
removed when both sides are East Asian Wide/Fullwidth/Halfwidth and neither is Hangul (Korean separates
words with spaces).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline.state_inline import Scanned, StateInline

# CJK characters (specification §2.1), Unicode 17, from the specification's ranges.md: East Asian Width
# W/F/H without default-emoji-presentation characters, plus Hangul; inclusive (first, last) code points.
_CJK_RANGES = (
    (0x1100, 0x11FF), (0x20A9, 0x20A9), (0x2329, 0x232A), (0x2630, 0x2637), (0x268A, 0x268F),
    (0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x2FF0, 0x303E), (0x3041, 0x3096),
    (0x3099, 0x30FF), (0x3105, 0x312F), (0x3131, 0x318E), (0x3190, 0x31E5), (0x31EF, 0x321E),
    (0x3220, 0x3247), (0x3250, 0xA48C), (0xA490, 0xA4C6), (0xA960, 0xA97C), (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6), (0xD7CB, 0xD7FB), (0xF900, 0xFAFF), (0xFE10, 0xFE19), (0xFE30, 0xFE52),
    (0xFE54, 0xFE66), (0xFE68, 0xFE6B), (0xFF01, 0xFFBE), (0xFFC2, 0xFFC7), (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC), (0xFFE0, 0xFFE6), (0xFFE8, 0xFFEE), (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF6), (0x17000, 0x18CD5), (0x18CFF, 0x18D1E), (0x18D80, 0x18DF2), (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB), (0x1AFFD, 0x1AFFE), (0x1B000, 0x1B122), (0x1B132, 0x1B132), (0x1B150, 0x1B152),
    (0x1B155, 0x1B155), (0x1B164, 0x1B167), (0x1B170, 0x1B2FB), (0x1D300, 0x1D356), (0x1D360, 0x1D376),
    (0x1F200, 0x1F200), (0x1F202, 0x1F202), (0x1F210, 0x1F219), (0x1F21B, 0x1F22E), (0x1F230, 0x1F231),
    (0x1F237, 0x1F237), (0x1F23B, 0x1F23B), (0x1F240, 0x1F248), (0x1F260, 0x1F265), (0x20000, 0x3FFFD),
)
_STARTS = [first for first, _ in _CJK_RANGES]
_ENDS = [last for _, last in _CJK_RANGES]
# Hangul inside the ranges above (Korean keeps the space at a line break)
_HANGUL = ((0x1100, 0x11FF), (0x3131, 0x318E), (0xA960, 0xA97C), (0xAC00, 0xD7FB), (0xFFA0, 0xFFDC))
_QUOTES = "\u2018\u2019\u201c\u201d"  # with U+FE01 after them: CJK ambiguous punctuation sequences


def is_cjk(char: str) -> bool:
    """Whether `char` (one code point) is a CJK character in the specification's sense."""
    code = ord(char)
    if code < 0x1100:
        return False
    k = bisect_right(_STARTS, code) - 1
    return k >= 0 and code <= _ENDS[k]


def _is_previous_cjk(char: str) -> bool:
    # an Ideographic Variation Selector (U+E0100–U+E01EF) follows a CJK ideograph
    return is_cjk(char) or 0xE0100 <= ord(char) <= 0xE01EF


def _is_two_previous_cjk(base: str, selector: str) -> bool:
    return is_cjk(base) or (selector == "\ufe01" and base in _QUOTES)


def is_cjk_break_side(char: str) -> bool:
    """Whether a line break next to `char` (one code point) should vanish: CJK, and not Hangul."""
    if not is_cjk(char):
        return False
    code = ord(char)
    return not any(first <= code <= last for first, last in _HANGUL)


def _punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


class CjkFriendlyStateInline(StateInline):
    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:  # noqa: N802 (markdown-it's name)
        src = self.src
        maximum = self.posMax
        marker = src[start]
        last = src[start - 1] if start > 0 else " "  # the beginning of the line counts as whitespace
        last_main, two_previous = last, None
        if "\ufe00" <= last <= "\ufe0e":  # a non-emoji general-use variation selector: look at its base
            two_previous = src[start - 2] if start > 1 else " "
            if unicodedata.category(two_previous) != "Zs":
                last_main = two_previous
        pos = start
        while pos < maximum and src[pos] == marker:
            pos += 1
        count = pos - start
        following = src[pos] if pos < maximum else " "  # the end of the line counts as whitespace

        last_space = isWhiteSpace(ord(last_main))
        next_space = isWhiteSpace(ord(following))
        if last_space or next_space:
            return Scanned(not next_space, not last_space, count)
        last_punct = _punct(last_main)
        next_punct = _punct(following)
        left_flanking = last_punct  # `_`: as CommonMark when neither side is whitespace
        right_flanking = next_punct
        if canSplitWord:  # `*` (and `~~`, `==`): a CJK character on either side makes the run flanking
            either_cjk = is_cjk(following) or (
                _is_two_previous_cjk(two_previous, last) if two_previous is not None else _is_previous_cjk(last))
            left_flanking = left_flanking or either_cjk or not next_punct
            right_flanking = right_flanking or either_cjk or not last_punct
        return Scanned(left_flanking, right_flanking, count)


class _CjkFriendlyParserInline(ParserInline):
    def parse(self, src, md, env, tokens):
        state = CjkFriendlyStateInline(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


def _edge_char(tokens, idx: int, step: int) -> str:
    """The visible character next to tokens[idx] going backwards (step -1) or forwards (+1), '' if none."""
    k = idx + step
    while 0 <= k < len(tokens):
        token = tokens[k]
        if token.type in ("text", "code_inline"):
            if token.content:
                return token.content[-1] if step < 0 else token.content[0]
        elif token.nesting == 0:
            return ""  # a picture, maths, a line break, raw HTML: not text to join
        k += step
    return ""


def _softbreak(self, tokens, idx, options, env) -> str:
    before, after = _edge_char(tokens, idx, -1), _edge_char(tokens, idx, 1)
    if before and after and is_cjk_break_side(before) and is_cjk_break_side(after):
        return ""
    return "<br>\n" if options.breaks else "\n"


def cjk_friendly_plugin(md: MarkdownIt) -> None:
    """CJK-friendly emphasis (for this parser only) and no space at a soft line break between CJK characters."""
    if type(md.inline) is ParserInline:  # keep the instance: its rules and terminator characters stay as they are
        md.inline.__class__ = _CjkFriendlyParserInline
    md.add_render_rule("softbreak", _softbreak)
