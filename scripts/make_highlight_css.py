"""Writes studykit/deck/highlight.css: pygments' colours for highlighted code, light and night mode.

Run:  python scripts/make_highlight_css.py [OUT_FILE]   (default: studykit/deck/highlight.css)
The file is committed, so a build never imports pygments just for the note type's CSS, and the CSS
(part of the note types Anki stores) does not change when a newer pygments is installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pygments.formatters import HtmlFormatter

OUT = Path(__file__).resolve().parent.parent / "studykit" / "deck" / "highlight.css"


def highlight_css() -> str:
    return ("/* code highlighting (pygments default / monokai), made by scripts/make_highlight_css.py */\n"
            + HtmlFormatter(style="default", classprefix="hl-").get_style_defs(".card pre") + "\n"
            + HtmlFormatter(style="monokai", classprefix="hl-").get_style_defs(".nightMode pre") + "\n")


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.write_text(highlight_css(), encoding="utf-8")
    print(f"wrote {out}")
