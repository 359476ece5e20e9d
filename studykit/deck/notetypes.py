"""The two Anki note types (genanki "models") studykit writes, Basic and Cloze, with fixed ids and the shared CSS.

Ids never change: Anki matches an imported note type to the one already in the collection by id,
so a rebuilt deck updates notes instead of adding a second "studykit Basic".
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import genanki

BASIC_MODEL_ID = 1724019101
CLOZE_MODEL_ID = 1724019102


@lru_cache(maxsize=1)
def css() -> str:
    """style.css, then pygments' colours for code (highlight.css, made by scripts/make_highlight_css.py)."""
    here = Path(__file__).parent
    return "\n".join((here / name).read_text(encoding="utf-8") for name in ("style.css", "highlight.css"))


@lru_cache(maxsize=1)
def basic_model() -> genanki.Model:
    return genanki.Model(
        BASIC_MODEL_ID,
        "studykit Basic",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}\n<hr id="answer">\n<div class="back">{{Back}}</div>\n'
                    '<div class="source">{{Source}}</div>',
        }],
        css=css(),
    )


@lru_cache(maxsize=1)
def cloze_model() -> genanki.Model:
    return genanki.Model(
        CLOZE_MODEL_ID,
        "studykit Cloze",
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Context"}, {"name": "Source"}],
        templates=[{
            "name": "Cloze",
            "qfmt": '<div class="ctx">{{Context}}</div>\n<div class="cloze-text">{{cloze:Text}}</div>',
            "afmt": '<div class="ctx">{{Context}}</div>\n<div class="cloze-text">{{cloze:Text}}</div>\n'
                    '{{#Extra}}<div class="back">{{Extra}}</div>{{/Extra}}\n<div class="source">{{Source}}</div>',
        }],
        css=css(),
        model_type=genanki.Model.CLOZE,
    )
