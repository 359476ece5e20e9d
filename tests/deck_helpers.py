"""Build notes written in a test into a deck with the real CLI, import it with Anki's own library, and read the
cards the way a learner sees them."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from anki_import import ImportedNote, import_package, notes_of, open_collection
from conftest import run_studykit


@dataclass
class Built:
    proc: object  # the build's CompletedProcess
    notes: list[ImportedNote]  # every note in the collection after the import
    root: Path

    def cards(self, file: str) -> list[ImportedNote]:
        """The imported notes that came from `file` (by their Source field)."""
        return [n for n in self.notes if _source(n) == file or _source(n).startswith(file + " ›")]

    def warnings(self, file: str) -> list[str]:
        return [line for line in self.proc.stderr.splitlines() if line.startswith(f"warning: {file}:")]


def _source(note: ImportedNote) -> str:
    return html_text(note.fields["Source"])


def html_text(fragment: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", fragment)).split())


def prompt(note: ImportedNote) -> str:
    """What the card asks, as text: the prompt of a basic card (without its context line), a cloze's text."""
    if "Text" in note.fields:
        return html_text(note.fields["Text"])
    match = re.search(r'<div class="prompt">(.*)</div>', note.fields["Front"], re.S)
    return html_text(match.group(1) if match else note.fields["Front"])


def fronts(built: Built, file: str) -> dict[str, str]:
    """Each card of `file` in a built and imported deck: what it asks → its answer, both as text."""
    return {prompt(c): html_text(answer(c)) for c in built.cards(file)}


def context(note: ImportedNote) -> str:
    field = note.fields.get("Context") or note.fields["Front"]
    match = re.search(r'<div class="ctx">(.*?)</div>', field, re.S)
    return html_text(match.group(1) if match else field)


def answer(note: ImportedNote) -> str:
    return note.fields.get("Back", note.fields.get("Extra", ""))


def write_notes(root: Path, files: dict[str, str | bytes]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def build_and_import(folder: Path, files: dict[str, str | bytes], *extra: str,
                     paths: list[Path] | None = None) -> Built:
    """Write `files` under folder/notes, `studykit build` them, import the package into a fresh collection."""
    root = folder / "notes"
    write_notes(root, files)
    out = folder / "deck.apkg"
    proc = run_studykit("build", *[str(p) for p in (paths or [root])], "-o", str(out), *extra)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    col = open_collection(folder / "anki")
    try:
        import_package(col, out)
        notes = notes_of(col)
    finally:
        col.close()
    return Built(proc, notes, root)


def parsed_note(tmp_path: Path, name: str, text: str, vault: bool = False):
    """`text` written as the note `name` (in an Obsidian vault when `vault`), parsed as a build would."""
    from studykit.notes.cards import parse_note

    if vault:
        (tmp_path / ".obsidian").mkdir(exist_ok=True)
    note = tmp_path / name
    note.write_text(text, encoding="utf-8")
    return parse_note(note, tmp_path)
