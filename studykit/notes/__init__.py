"""Markdown study notes → card objects. Pure: markdown-it tokens in, plain `Card`s and `Problem`s out.

No genanki here and no I/O beyond reading the notes and checking that pictures exist.
"""

from studykit.notes.model import Card, NoteFile, Problem
from studykit.notes.cards import parse_files, parse_note, parse_paths

__all__ = ["Card", "NoteFile", "Problem", "parse_files", "parse_note", "parse_paths"]
