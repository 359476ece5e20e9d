"""Markdown study notes → card objects. Pure: markdown-it tokens in, plain `Card`s and `Problem`s out.

No genanki here and no I/O beyond reading the notes and checking that pictures exist. The parser
(markdown-it) is imported only when a note is parsed: a build whose notes all come from the cache
never loads it.
"""

from studykit.notes.model import Card, NoteFile, Problem

__all__ = ["Card", "NoteFile", "Problem", "parse_files", "parse_note", "parse_paths"]


def __getattr__(name: str):
    if name == "parse_note":
        from studykit.notes.cards import parse_note

        return parse_note
    if name in ("parse_files", "parse_paths"):
        from studykit.notes import batch

        return getattr(batch, name)
    raise AttributeError(f"module 'studykit.notes' has no attribute {name!r}")
