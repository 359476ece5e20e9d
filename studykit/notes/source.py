"""Finding note files and reading them as text: UTF-8 (with or without BOM), else GB18030 with a warning."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotesPathError(Exception):
    """A PATH given on the command line does not exist or is not a Markdown file or folder."""


def collect(paths: list[Path]) -> list[tuple[Path, Path]]:
    """(file, root) pairs: every `.md` file under each PATH (recursively), with the root it belongs to."""
    found: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise NotesPathError(f"no such file or folder: {path}")
        if path.is_dir():
            root = path.resolve()
            files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".md", ".markdown")
                           and not any(part.startswith(".") for part in p.relative_to(root).parts))
        else:
            root = path.resolve().parent
            files = [path.resolve()]
        for f in files:
            if f not in seen:
                seen.add(f)
                found.append((f, root))
    return found


def decode(data: bytes) -> tuple[str | None, str | None]:
    """(text, warning). text is None for a binary file; warning says what was done."""
    if b"\x00" in data[:8192]:
        return None, "looks like a binary file, not Markdown; skipped"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, (f"not valid UTF-8 (byte {utf8_error.start}) nor GB18030; skipped. "
                      "Save the file as UTF-8 (Typora: File → Save with Encoding → UTF-8)")
    return text, ("not UTF-8: decoded as GB18030 (GBK), as Windows often saves Chinese notes. "
                  "Save it as UTF-8 to silence this (Typora: File → Save with Encoding → UTF-8)")


def stat_entry(path: Path) -> list[int] | None:
    """[size, mtime_ns, is_regular_file] of `path` (following links), or None when it does not exist."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return [st.st_size, st.st_mtime_ns, int(stat.S_ISREG(st.st_mode))]


def vault_of(note_dir: Path, root: Path) -> Path:
    """The Obsidian vault a note is in: the nearest folder from the note's up to the notes' root that holds
    `.obsidian/`; the root when none does (a vault opened as the notes' root, or a folder of plain notes)."""
    folder = note_dir
    while True:
        if (folder / ".obsidian").is_dir():
            return folder
        if folder == root or root not in folder.parents:
            return root
        folder = folder.parent


def vault_settings(note_path: Path, root: Path) -> bytes:
    """What a note's parse takes from its vault: which folder is the vault, whether it is one (has `.obsidian/`)
    and the bytes of its `.obsidian/app.json` — part of a cached parse's key, so making a folder a vault, or
    changing its settings, re-parses its notes (a stat would miss an edit within the same second and size)."""
    vault = vault_of(note_path.parent, root)
    config = vault / ".obsidian"
    if not config.is_dir():
        return b""
    try:
        settings = (config / "app.json").read_bytes()
    except OSError:
        settings = b"-"
    return os.fsencode(vault) + b"\0" + settings
