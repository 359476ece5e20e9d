"""`studykit sync`: build the deck as `build` does, then bring the learner's Anki collection to exactly that state.

Anki closed: the profile's `collection.anki2` (or `--collection FILE`) is changed with Anki's own library, imported
only here. Anki running: `--anki-connect [URL]` goes through the AnkiConnect add-on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from studykit.commands.notes import (
    DEFAULT_DECK,
    _batch_allocations,
    _in_order,
    _memory_lines,
    _parse,
    _print_problems,
    _summary,
    no_cache_option,
)

DEFAULT_ANKI_CONNECT = "http://127.0.0.1:8765"


def _build(paths: tuple[str, ...], deck: str, no_cache: bool) -> Path:
    """The same build as `studykit build` (parse, cache, identity and build memory) into decks/studykit.apkg."""
    from studykit.deck.package import PackageWriter
    from studykit.workspace import notes_project

    out = notes_project()[1] / "decks" / "studykit.apkg"
    writer = PackageWriter(deck, out, False)
    with _batch_allocations():
        try:
            notes, cache, across = _parse(paths, not no_cache, each=writer.add, background=True,
                                          meanwhile=writer.prepare)
            stats = writer.write(out)
        except OSError as exc:
            writer.discard()
            click.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
            sys.exit(2)
        except BaseException:
            writer.discard()
            raise
    problems = _in_order(stats.problems + across)
    _print_problems(problems)
    click.echo(_summary(notes, problems, cache, cards=stats.cards))
    for line in _memory_lines(stats, forget_removed=True)[:-1]:  # the last line is --forget-removed's
        click.echo(line)  # kept reviews, and removed cards by name; what happens to them is the sync's to say
    return out


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--deck", "deck", default=DEFAULT_DECK, show_default=True, help="Name of the root deck.")
@click.option("--collection", "collection", type=click.Path(dir_okay=False, path_type=Path),
              help="The collection.anki2 to change (Anki closed; default: the profile Anki would open).")
@click.option("--anki-connect", "anki_connect", is_flag=False, flag_value=DEFAULT_ANKI_CONNECT, default=None,
              metavar="[URL]", help=f"Anki running: go through AnkiConnect (default {DEFAULT_ANKI_CONNECT}).")
@click.option("--keep-removed", is_flag=True, help="Tag cards removed from the notes studykit::removed, not delete.")
@click.option("--dry-run", is_flag=True, help="List what would change and change nothing.")
@no_cache_option
def sync(paths: tuple[str, ...], deck: str, collection: Path | None, anki_connect: str | None, keep_removed: bool,
         dry_run: bool, no_cache: bool) -> None:
    """Build the deck and bring your Anki collection to exactly its state (Anki closed, or via AnkiConnect)."""
    if collection is not None and anki_connect is not None:
        click.echo("error: --collection (Anki closed) and --anki-connect (Anki running) exclude each other", err=True)
        sys.exit(2)
    deck = deck.strip()
    if not deck or "::" in deck.strip(":"):
        click.echo("error: --deck needs a plain name (subdecks come from folders and notes)", err=True)
        sys.exit(2)
    from studykit.sync.run import SyncError, describe, sync as run_sync

    try:
        backend = _backend(collection, anki_connect, deck)  # before the build: a refusal costs nothing
    except SyncError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    try:
        package = _build(paths, deck, no_cache)
        result = run_sync(backend, package, deck, keep_removed=keep_removed, dry_run=dry_run)
    except SyncError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        close = getattr(backend, "close", None)
        if close is not None:
            close()
    where = getattr(backend, "where", None) or str(getattr(backend, "path", ""))
    counts = result.plan.counts()
    changes = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    if dry_run:
        for line in describe(result.plan):
            click.echo(f"  {line}")
        click.echo(f"dry run: would change {where}: {changes}" if counts else f"dry run: {where} is up to date")
        return
    if not counts:
        click.echo(f"{where} is up to date: nothing changed")
        return
    if getattr(backend, "created", False):
        click.echo(f"new collection: {where}")
    if result.backup:
        click.echo(f"backup: {result.backup}")
    click.echo(f"synced {where}: {changes}")
    if result.left is not None:
        left = ", ".join(f"{n} {kind}" for kind, n in result.left.counts().items())
        click.echo(f"error: after the sync the collection still differs from the deck: {left}", err=True)
        sys.exit(1)


def _backend(collection: Path | None, anki_connect: str | None, root: str):
    if anki_connect is not None:
        from studykit.sync.ankiconnect import AnkiConnectBackend

        return AnkiConnectBackend(anki_connect, root)
    from studykit.sync.collection import CollectionBackend
    from studykit.sync.profile import ProfileError, find_collection
    from studykit.sync.run import SyncError

    if collection is None:
        try:
            collection = find_collection()
        except ProfileError as exc:
            raise SyncError(str(exc)) from exc
    return CollectionBackend(collection)
