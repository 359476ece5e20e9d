"""Parsed notes kept between runs, so `build` and `check` re-parse only the notes that changed.

An entry is one note's parse (cards, warnings, pictures) stored as JSON under the user's cache folder,
one file per note path: a first line with the key and the inputs, then the note. It is used only when
all of these still hold:
- the note's bytes are the same (SHA-256 of the content, not its mtime);
- the parser is the same: studykit's notes code, markdown-it-py, mdit-py-plugins and pygments versions;
- the note's Obsidian vault is the same: the same folder holds the nearest `.obsidian/` (or none does), with the
  same `.obsidian/app.json` bytes (`source.vault_settings`);
- every other file the parse looked at (each picture, each place a picture was searched for) has the
  same size, mtime and kind, or is still missing;
- the entry itself is intact: its header carries the SHA-256 of the note's JSON, so an entry changed by anything but
  studykit (a flipped letter that is still valid JSON) is a fresh parse, not "unchanged".
Anything else — a corrupt or unreadable entry, a cache folder that cannot be written — means the note is
parsed as if there were no cache; the cache never changes what a build produces, only how fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from studykit.notes.model import Card, NoteFile, Problem
from studykit.notes.source import stat_entry, vault_settings

FORMAT = 5  # an entry: a header line {key, inputs, body: SHA-256 of the rest}, then the note
ENV = "STUDYKIT_CACHE_DIR"
PRUNE_EVERY = 24 * 3600  # seconds between two prunings of the cache folder
MAX_AGE = 60 * 24 * 3600  # an entry not used for this long is removed (a note deleted, moved, or not built since)
MAX_BYTES = 256 * 1024 * 1024  # past this, the least recently used entries go first


def default_dir() -> Path:
    """$STUDYKIT_CACHE_DIR, else the platform's cache folder + studykit (~/.cache/studykit on Linux)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "studykit" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "studykit"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "studykit"


_FINGERPRINT: bytes | None = None


def parser_fingerprint() -> bytes:
    """What a parse depends on besides the note and its pictures: this package's notes code (rules/ included), and the
    versions of markdown-it-py, mdit-py-plugins and pygments (read from their `__init__.py` files, which
    name the version, so that checking the cache never imports the parser)."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from importlib.util import find_spec

        import studykit

        digest = hashlib.sha256(f"{FORMAT}|{studykit.__version__}".encode())
        for package in ("markdown_it", "mdit_py_plugins", "pygments"):
            spec = find_spec(package)
            digest.update(package.encode() + b"\0")
            if spec is not None and spec.origin:
                digest.update(Path(spec.origin).read_bytes())
        top = Path(__file__).parent.parent
        for source in parser_sources():
            digest.update(source.relative_to(top).as_posix().encode() + b"\0" + source.read_bytes())
        _FINGERPRINT = digest.digest()
    return _FINGERPRINT


# studykit's modules outside studykit.notes that a parse job imports: the job computes the cards' GUIDs (identity
# has one owner, deck/identity.py) and the cache keeps them, so a change to the identity code must miss the cache.
# tests/test_notes_cache.py checks that every module a parse job imports is listed here or under notes/.
PARSE_IMPORTS = ("__init__.py", "deck/__init__.py", "deck/identity.py")


def parser_sources() -> list[Path]:
    """studykit's own files a parse job depends on: every module of studykit.notes (the card rules in rules/
    included) and the identity code that makes the GUIDs cached with each parse."""
    package = Path(__file__).parent.parent
    return sorted({*Path(__file__).parent.rglob("*.py"), *(package / name for name in PARSE_IMPORTS)})


class NoteCache:
    def __init__(self, folder: Path):
        self.folder = folder / f"notes-v{FORMAT}"
        self.hits = self.misses = 0

    def _entry(self, path: Path, root: Path) -> Path:
        name = hashlib.sha256(f"{path}\0{root}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return self.folder / f"{name}.json"

    @staticmethod
    def _key(data: bytes, path: Path, root: Path) -> str:
        return hashlib.sha256(parser_fingerprint() + vault_settings(path, root) + b"\0" + data).hexdigest()

    def lookup(self, path: Path, root: Path, data: bytes):
        """A handle on the cached parse of this note if it is still what parsing `data` would give, else None.

        Reads only the entry's first line (its key and the stat of every file the parse looked at), so
        the notes to parse are known, and can be started, before any cached note is loaded."""
        target = self._entry(path, root)
        try:
            with open(target, "rb") as handle:
                header = json.loads(handle.readline())
            if header.get("key") != self._key(data, path, root):
                raise LookupError
            if any(stat_entry(Path(p)) != st for p, st in header["inputs"].items()):
                raise LookupError
        except (OSError, ValueError, LookupError, TypeError, AttributeError):
            self.misses += 1
            return None
        return target, header

    def load(self, handle) -> NoteFile | None:
        """The note behind a `lookup` handle (None if the entry changed or broke since)."""
        target, header = handle
        try:
            with open(target, "rb") as stream:
                if json.loads(stream.readline()) != header:
                    raise LookupError
                body = stream.read()
                if hashlib.sha256(body).hexdigest() != header.get("body"):
                    raise LookupError  # the entry was changed after it was written
                note = _note_from_json(json.loads(body))
            note.inputs = dict(header["inputs"])
        except (OSError, ValueError, LookupError, TypeError, AttributeError):
            self.misses += 1
            return None
        self.hits += 1
        try:
            os.utime(target)  # used now: pruning goes by last use
        except OSError:
            pass
        return note

    def get(self, path: Path, root: Path, data: bytes) -> NoteFile | None:
        """The cached parse of this note if it is still what parsing `data` would give, else None."""
        handle = self.lookup(path, root, data)
        return self.load(handle) if handle is not None else None

    def put(self, note: NoteFile, root: Path, data: bytes) -> None:
        """Store a fresh parse (atomically: a reader never sees half an entry). Failing to write is not an error."""
        target = self._entry(note.path, root)
        body = json.dumps(_note_to_json(note), ensure_ascii=False)  # JSON text never holds a raw newline
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        key = self._key(data, note.path, root)
        header = json.dumps({"key": key, "inputs": note.inputs, "body": digest}, ensure_ascii=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    handle.write(header + "\n" + body)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass


    def prune(self, now: float | None = None, every: float = PRUNE_EVERY, max_age: float = MAX_AGE,
              max_bytes: int = MAX_BYTES) -> int:
        """Remove entries not used for `max_age` seconds, then the least recently used ones while the folder holds
        more than `max_bytes`; at most once every `every` seconds. Returns how many entries were removed; never
        raises (a cache that cannot be pruned is still a cache)."""
        import time

        now = time.time() if now is None else now
        marker = self.folder / ".pruned"
        try:
            if now - marker.stat().st_mtime < every:
                return 0
        except OSError:
            pass
        removed = 0
        try:
            entries = []
            for path in self.folder.glob("*.json"):
                st = path.stat()
                entries.append((st.st_mtime, st.st_size, path))
            entries.sort()
            total = sum(size for _, size, _ in entries)
            for mtime, size, path in entries:
                if now - mtime <= max_age and total <= max_bytes:
                    break
                path.unlink(missing_ok=True)
                total -= size
                removed += 1
            self.folder.mkdir(parents=True, exist_ok=True)
            marker.touch()
            os.utime(marker, (now, now))
        except OSError:
            pass
        return removed


def _note_to_json(note: NoteFile) -> dict:
    return {
        "path": str(note.path), "relpath": note.relpath, "title": note.title,
        "deck": list(note.deck), "tags": list(note.tags), "note_id": note.note_id, "explicit_id": note.explicit_id,
        "cards": [[c.kind, c.front, c.back, c.context, c.source, list(c.key), c.line] for c in note.cards],
        "problems": [[p.file, p.line, p.message, p.kind] for p in note.problems],
        "guids": note.guids,
        "media": {name: str(path) for name, path in note.media.items()},
    }


def _note_from_json(data: dict) -> NoteFile:
    return NoteFile(
        path=Path(data["path"]), relpath=data["relpath"], title=data["title"],
        deck=tuple(data["deck"]), tags=tuple(data["tags"]), note_id=data["note_id"], explicit_id=data["explicit_id"],
        cards=[Card(kind, front, back, context, source, tuple(key), line)
               for kind, front, back, context, source, key, line in data["cards"]],
        problems=[Problem(file, line, message, kind) for file, line, message, kind in data["problems"]],
        guids=list(data["guids"]) if len(data["guids"]) == len(data["cards"]) else [],
        media={name: Path(path) for name, path in data["media"].items()},
    )
