"""Rules that look ahead on a line remember what they found, so a long line costs linear time: the remembered search
gives what a fresh search gives, and wikilinks on and around such lines still read as Obsidian shows them."""

from __future__ import annotations

import random
from pathlib import Path

from studykit.notes.cards import parse_note
from studykit.notes.obsidian import _next


class _State:
    def __init__(self, src: str):
        self.src, self.env = src, {}


def test_the_remembered_search_is_str_find_from_any_start_in_any_order():
    rng = random.Random(7)
    for _ in range(200):
        src = "".join(rng.choice("[]]\nab") for _ in range(rng.randint(0, 40)))
        state = _State(src)
        starts = sorted(rng.randint(0, len(src) + 1) for _ in range(30))
        if rng.random() < 0.5:
            rng.shuffle(starts)  # a nested parse may go back
        for start in starts:
            for needle in ("]]", "[[", "\n"):
                assert _next(state, needle, start) == src.find(needle, start), (src, needle, start)
        other = _State(src + "]]")  # a different source never reuses the first one's answers
        other.env = state.env
        assert _next(other, "]]", 0) == other.src.find("]]", 0)


def test_wikilinks_beside_a_long_run_of_brackets_still_read_as_their_text(tmp_path: Path):
    note = tmp_path / "n.md"
    note.write_text("# 链接\n\n## 什么是链接？\n\n见 [[卷积#步幅|步幅]] 与 " + "[" * 3000 + " [[池化]] 和 [[a\nb]]\n",
                    encoding="utf-8")
    back = parse_note(note, tmp_path).cards[0].back
    assert "步幅" in back and "池化" in back
    assert "[[池化]]" not in back and "[[卷积" not in back
    assert "[[a" in back  # a wikilink never spans lines: Obsidian shows it as typed
