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
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from studykit.notes.model import NoteFile

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


def _parse(paths: tuple[str, ...], use_cache: bool, each=None, background: bool = False, meanwhile=None):
    """(notes in file order, the cache used or None, warnings across notes). `each(index, note)` is called as notes
    become ready, while the rest are still being parsed (with `background`, in worker processes even when few)."""
    from studykit.notes.batch import parse_iter, separate_same_paths
    from studykit.notes.cache import NoteCache, default_dir
    from studykit.notes.lint import duplicate_fronts

    files = _collect(paths)
    cache = None
    if use_cache:
        try:
            cache = NoteCache(default_dir())
        except (RuntimeError, KeyError, OSError):
            cache = None  # no home folder to put a cache in: parse everything
    notes: list[NoteFile] = [None] * len(files)  # type: ignore[list-item]  # every slot is filled below
    ready = parse_iter(files, cache, background=background, meanwhile=meanwhile)
    with contextlib.ExitStack() as stack:
        if len(files) >= PROGRESS_FROM and sys.stderr.isatty():
            ready = stack.enter_context(click.progressbar(ready, length=len(files), label="reading notes",
                                                          file=sys.stderr))
        several_roots = len({root for _, root in files}) > 1  # same-named notes need every note first
        for index, note in ready:
            notes[index] = note
            if each is not None and not several_roots:
                each(index, note)
    if cache is not None:
        cache.prune()  # at most once a day: entries of notes not built for two months, and a size cap
    if several_roots:
        separate_same_paths(notes, files)
        if each is not None:
            for index, note in enumerate(notes):
                each(index, note)
    return notes, cache, duplicate_fronts(notes)


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)


def _count(counter: Counter) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _summary(notes, problems, cache, cards: Counter | None = None) -> str:
    """One line: files, cards by kind (`cards`: what the package holds; else what the notes give), media and
    warnings by kind."""
    kinds = cards if cards is not None else Counter(card.kind for note in notes for card in note.cards)
    media = {name for note in notes for name in note.media}
    unchanged = f" ({cache.hits} unchanged since the last run)" if cache is not None and cache.hits else ""
    by_kind = Counter(p.kind for p in problems)
    warnings = f"{len(problems)} warnings" + (f" ({_count(by_kind)})" if problems else "")
    return (f"{len(notes)} files{unchanged} · {sum(kinds.values())} cards ({_count(kinds) or 'none'}) · "
            f"{len(media)} media · {warnings}")


def deck_name_problem(deck: str) -> str | None:
    """Why `deck` cannot be the root deck's name (None if it can): it must be one plain, visible name."""
    if not deck.strip() or not deck.strip(": \t"):
        return "needs a name (it is empty or only spaces and colons)"
    if "::" in deck:
        return "needs a plain name, without '::' (subdecks come from folders and notes)"
    if any(ch < " " or ch == "\x7f" for ch in deck):
        return "needs a name without control characters"
    return None


no_cache_option = click.option(
    "--no-cache", is_flag=True,
    help="Parse every note afresh (by default unchanged notes are reused from studykit's cache folder).")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the package (default: decks/studykit.apkg).")
@click.option("--deck", "deck", default=DEFAULT_DECK, show_default=True, help="Name of the root deck.")
@click.option("--strict", is_flag=True, help="Exit non-zero when there are warnings.")
@click.option("--forget-removed", is_flag=True,
              help="Stop shipping the cards removed from the notes (tagged studykit::removed) in this package.")
@no_cache_option
def build(paths: tuple[str, ...], output: Path | None, deck: str, strict: bool, no_cache: bool,
          forget_removed: bool) -> None:
    """Build an Anki deck (.apkg) from Markdown notes (files or folders; default: content/)."""
    from studykit.workspace import notes_project

    out = output or (notes_project()[1] / "decks" / "studykit.apkg")
    if out.suffix.lower() != ".apkg":
        click.echo(f"error: {out}: the package name must end in .apkg (Anki's File → Import looks for that)", err=True)
        sys.exit(2)
    problem = deck_name_problem(deck)
    if problem:
        click.echo(f"error: --deck {problem} (got {deck!r})", err=True)
        sys.exit(2)
    import sqlite3

    from studykit.deck.package import PackageWriter

    writer = PackageWriter(deck.strip(), out, forget_removed)  # writes each note as soon as it is ready
    with _batch_allocations():
        try:
            notes, cache, across = _parse(paths, not no_cache, each=writer.add, background=True,
                                          meanwhile=writer.prepare)
            stats = writer.write(out)
        except (OSError, sqlite3.Error) as exc:  # a full disk, a folder that cannot be written
            writer.discard()
            reason = getattr(exc, "strerror", None) or exc
            click.echo(f"error: cannot write {out} (its database is written beside it): {reason}", err=True)
            sys.exit(2)
        except BaseException:
            writer.discard()  # Ctrl-C or a usage error while parsing: no half-written database left behind
            raise
    problems = _in_order(stats.problems + across)
    _print_problems(problems)
    click.echo(_summary(notes, problems, cache, cards=stats.cards))
    for line in _memory_lines(stats, forget_removed):
        click.echo(line)
    click.echo(f"wrote {out}  (Anki: File → Import; re-importing updates cards and keeps reviews)")
    if strict and problems:
        click.echo(f"--strict: {len(problems)} warnings", err=True)
        sys.exit(1)


def _same_prompt(old: str, new: str) -> bool:
    """The same front, or the same generic label under a renamed subject (`ReLU：优点` → `修正 (ReLU)：优点`)."""
    if old == new:
        return True
    return any(sep in old and sep in new and old.rsplit(sep, 1)[1] == new.rsplit(sep, 1)[1] for sep in ("：", ": "))


def _memory_lines(stats, forget_removed: bool) -> list[str]:
    """What the build memory did: cards that kept their reviews through an edit, and cards removed from the notes."""
    lines = []
    if stats.matched:
        kinds = Counter("in a moved or renamed file" if m.old.file != m.new_file else
                        "under a renamed heading" if _same_prompt(m.old.front, m.new_front) else "reworded"
                        for m in stats.matched)
        parts = ", ".join(f"{n} {what}" for what, n in sorted(kinds.items()))
        lines.append(f"{len(stats.matched)} cards kept their reviews through an edit ({parts})")
    if stats.removed_now:
        lines.append(f"{len(stats.removed_now)} cards removed from the notes since the last build:")
        for record in stats.removed_now[:20]:
            lines.append(f"  - {record['front']!r} ({record['file']}:{record['line']})")
        if len(stats.removed_now) > 20:
            lines.append(f"  … and {len(stats.removed_now) - 20} more")
        if not forget_removed and any("fields" not in r for r in stats.removed_now):
            lines.append("  (the last package is gone, so some cannot be tagged for you: "
                         "find them in Anki by their front)")
    if stats.removed and not forget_removed:
        lines.append(f"{stats.removed} removed cards are in the package tagged studykit::removed: in Anki's browser, "
                     f"search tag:studykit::removed to delete them; "
                     f"`studykit build --forget-removed` stops shipping them")
    elif forget_removed:
        lines.append("removed cards are no longer shipped (--forget-removed)")
    return lines


def _in_order(problems):
    return sorted(problems, key=lambda p: (p.file, p.line))


def _shorten(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _card_rows(notes):
    """What became a card, one row each: where, kind, context and front as a learner will read them."""
    from studykit.notes.lint import text_of

    for note in notes:
        for card in note.cards:
            front = text_of(card.front.replace('<div class="columns">', " · "))
            yield {"file": note.relpath, "line": card.line, "kind": card.kind, "front": " ".join(front.split()),
                   "context": " ".join(text_of(card.context).split())}


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the warnings and counts as one JSON object.")
@click.option("--cards", "list_cards", is_flag=True,
              help="Also list every card: file:line, kind and front, as a learner will see it.")
@click.option("--strict", is_flag=True, help="Exit non-zero when there are warnings.")
@no_cache_option
def check(paths: tuple[str, ...], as_json: bool, list_cards: bool, strict: bool, no_cache: bool) -> None:
    """Lint notes: the same parse and warnings as build, with file:line, and no package written."""
    with _batch_allocations():
        notes, cache, across = _parse(paths, not no_cache)
    problems = _in_order([p for note in notes for p in note.problems] + across)
    if as_json:
        kinds = Counter(card.kind for note in notes for card in note.cards)
        result = {
            "files": len(notes),
            "cards": sum(kinds.values()),
            "cards_by_kind": dict(sorted(kinds.items())),
            "warnings_by_kind": dict(sorted(Counter(p.kind for p in problems).items())),
            "warnings": [{"file": p.file, "line": p.line, "kind": p.kind, "message": p.message} for p in problems],
        }
        if list_cards:  # "cards" is then the list itself; the count moves to "card_count"
            result["card_count"] = result["cards"]
            result["cards"] = list(_card_rows(notes))
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        if list_cards:
            for row in _card_rows(notes):
                where = f"{row['file']}:{row['line']}"
                click.echo(f"{where:<28} {row['kind']:<9} {_shorten(row['front'])}")
        _print_problems(problems)
        click.echo(_summary(notes, problems, cache))
    if strict and problems:
        sys.exit(1)
