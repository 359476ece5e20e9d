"""`studykit build` and `studykit check`: notes → deck, and the same parse as a linter.

`check` never imports genanki. `build` packs each note as soon as it is ready (from the cache, or parsed
in a worker process), so building genanki's notes overlaps parsing the ones that changed.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
from collections import Counter
from pathlib import Path

import click

DEFAULT_DECK = "studykit"
PROGRESS_FROM = 8  # files: below this a progress bar is noise


def _collect(paths: tuple[str, ...]):
    from studykit.notes.source import NotesPathError, collect

    from studykit.workspace import notes_project

    targets = [Path(p) for p in paths] or [notes_project()[0]]
    try:
        files = collect(targets)
    except NotesPathError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not files:
        click.echo(f"error: no Markdown (.md) files in {', '.join(str(t) for t in targets)}", err=True)
        sys.exit(2)
    return files


@contextlib.contextmanager
def _batch_allocations():
    """No cyclic garbage collection while notes are parsed and packed: a build allocates hundreds of thousands of
    short-lived, acyclic objects (tokens, cards, genanki notes), and the collector's repeated passes over them cost
    about a tenth of a rebuild. Reference counting still frees them; the collector is back on afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(paths: tuple[str, ...], use_cache: bool, each=None, background: bool = False):
    """(notes in file order, the cache used or None). `each(index, note)` is called as notes become ready,
    while the rest are still being parsed (with `background`, in worker processes even when few)."""
    from studykit.notes.batch import parse_iter
    from studykit.notes.cache import NoteCache, default_dir

    files = _collect(paths)
    cache = None
    if use_cache:
        try:
            cache = NoteCache(default_dir())
        except (RuntimeError, KeyError, OSError):
            cache = None  # no home folder to put a cache in: parse everything
    notes = [None] * len(files)
    ready = parse_iter(files, cache, background=background)
    with contextlib.ExitStack() as stack:
        if len(files) >= PROGRESS_FROM and sys.stderr.isatty():
            ready = stack.enter_context(click.progressbar(ready, length=len(files), label="reading notes",
                                                          file=sys.stderr))
        for index, note in ready:
            notes[index] = note
            if each:
                each(index, note)
    return notes, cache


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)


def _summary(notes, problems, cache) -> str:
    kinds = Counter(card.kind for note in notes for card in note.cards)
    media = {name for note in notes for name in note.media}
    by_kind = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "none"
    unchanged = f" ({cache.hits} unchanged since the last run)" if cache is not None and cache.hits else ""
    return (f"{len(notes)} files{unchanged} · {sum(kinds.values())} cards ({by_kind}) · {len(media)} media · "
            f"{len(problems)} warnings")


no_cache_option = click.option(
    "--no-cache", is_flag=True,
    help="Parse every note afresh (by default unchanged notes are reused from studykit's cache folder).")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the package (default: decks/studykit.apkg).")
@click.option("--deck", "deck", default=DEFAULT_DECK, show_default=True, help="Name of the root deck.")
@click.option("--strict", is_flag=True, help="Exit non-zero when there are warnings.")
@no_cache_option
def build(paths: tuple[str, ...], output: Path | None, deck: str, strict: bool, no_cache: bool) -> None:
    """Build an Anki deck (.apkg) from Markdown notes (files or folders; default: content/)."""
    from studykit.workspace import notes_project

    out = output or (notes_project()[1] / "decks" / "studykit.apkg")
    if out.suffix.lower() != ".apkg":
        click.echo(f"error: {out}: the package name must end in .apkg (Anki's File → Import looks for that)", err=True)
        sys.exit(2)
    if not deck.strip() or "::" in deck.strip(":"):
        click.echo("error: --deck needs a plain name (subdecks come from folders and notes)", err=True)
        sys.exit(2)
    from studykit.deck.package import PackageWriter

    writer = PackageWriter(deck.strip())  # adds each note as soon as it is ready, while others are parsed
    with _batch_allocations():
        notes, cache = _parse(paths, not no_cache, each=writer.add, background=True)
        try:
            stats = writer.write(out)
        except OSError as exc:
            click.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
            sys.exit(2)
    _print_problems(stats.problems)
    click.echo(_summary(notes, stats.problems, cache))
    click.echo(f"wrote {out}  (Anki: File → Import; re-importing updates cards and keeps reviews)")
    if strict and stats.problems:
        click.echo(f"--strict: {len(stats.problems)} warnings", err=True)
        sys.exit(1)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the warnings and counts as one JSON object.")
@click.option("--strict", is_flag=True, help="Exit non-zero when there are warnings.")
@no_cache_option
def check(paths: tuple[str, ...], as_json: bool, strict: bool, no_cache: bool) -> None:
    """Lint notes: the same parse and warnings as build, with file:line, and no package written."""
    with _batch_allocations():
        notes, cache = _parse(paths, not no_cache)
    problems = [p for note in notes for p in note.problems]
    if as_json:
        kinds = Counter(card.kind for note in notes for card in note.cards)
        click.echo(json.dumps({
            "files": len(notes),
            "cards": sum(kinds.values()),
            "cards_by_kind": dict(sorted(kinds.items())),
            "warnings": [{"file": p.file, "line": p.line, "message": p.message} for p in problems],
        }, ensure_ascii=False, indent=2))
    else:
        _print_problems(problems)
        click.echo(_summary(notes, problems, cache))
    if strict and problems:
        sys.exit(1)
