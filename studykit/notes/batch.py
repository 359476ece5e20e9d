"""Many notes at once: unchanged ones from the cache, the rest parsed in worker processes.

`parse_iter` yields `(index, note)` as each note becomes available — cached notes at once, parsed ones
as they finish — so a caller can do its own work (importing genanki, building the package's notes)
while the workers parse. markdown-it is imported only when some note actually has to be parsed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from studykit.notes.model import NoteFile, Problem
from studykit.notes.source import collect

Job = tuple[Path, Path, "bytes | None"]  # (file, root, its bytes if already read)


BUDGET_ENV = "STUDYKIT_PARSE_BUDGET"
DEFAULT_BUDGET = 20.0  # CPU seconds one note may take to parse; a real note takes milliseconds
BUDGET_KIND = "too-slow"


class _OverBudget(Exception):
    pass


def parse_budget() -> float:
    """The CPU time one note may take to parse ($STUDYKIT_PARSE_BUDGET seconds, else 20; 0 = no budget)."""
    try:
        value = float(os.environ.get(BUDGET_ENV, DEFAULT_BUDGET))
    except ValueError:
        return DEFAULT_BUDGET
    return value if value >= 0 and value == value else DEFAULT_BUDGET


@contextlib.contextmanager
def _cpu_budget(seconds: float):
    """Raise _OverBudget in the body once it has used `seconds` of CPU time (the process's user + system time, so
    a loaded machine does not count). A backstop: every rule is meant to be linear. Only where a CPU-time timer
    exists and this is the main thread; elsewhere no budget."""
    import signal
    import threading

    if (not seconds or not hasattr(signal, "setitimer") or not hasattr(signal, "ITIMER_PROF")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    def over(signum, frame):
        raise _OverBudget

    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _parse_job(job: Job) -> NoteFile:
    """A note parsed, with its cards' GUIDs (computed here, in the worker, and cached with the parse: a build
    then does not hash ten thousand keys again). A note that takes more than the parse budget is skipped with a
    warning (and not cached)."""
    from studykit.deck.identity import card_guid
    from studykit.notes.cards import markdown, parse_note

    markdown()  # the parser made before the clock starts: the budget is the note's own
    budget = parse_budget()
    try:
        with _cpu_budget(budget):
            note = parse_note(*job)
    except _OverBudget:
        path, root = job[0].resolve(), job[1].resolve()
        relpath = path.relative_to(root).as_posix()
        note = NoteFile(path=path, relpath=relpath, title=path.stem, deck=(), tags=(), note_id=relpath)
        note.problems.append(Problem(relpath, 1, f"took more than {budget:g} s of CPU time to parse; skipped (a very "
                                                 f"long line of unclosed brackets or markers?). "
                                                 f"${BUDGET_ENV} sets the budget", BUDGET_KIND))
        return note
    note.cards = [safe_card(card) for card in note.cards]  # as a browser would parse it: cached that way
    note.guids = [card_guid(card.key) for card in note.cards]
    return note


def safe_card(card):
    """A card whose every field is judged the way a browser parses it (studykit/notes/safe_html.py)."""
    from studykit.notes.safe_html import safe_field

    fields = (card.front, card.back, card.context, card.source)
    safe = tuple(safe_field(f) for f in fields)
    return card if safe == fields else card._replace(front=safe[0], back=safe[1], context=safe[2], source=safe[3])


def odd_file(path: Path, root: Path) -> NoteFile | None:
    """A note that is skipped before it is read, with a warning naming it (None for an ordinary file): a file name
    that is not valid UTF-8 (Anki and the package cannot store it), or a link to a note outside the notes folder
    (its place in the decks would be outside the folder tree)."""
    shown = os.fsencode(path).decode("utf-8", "replace")
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        name = Path(shown).name
        return _skipped(path, name, "the file name is not valid UTF-8; rename it (skipped)")
    resolved = path.resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        try:
            relpath = path.absolute().relative_to(root.absolute()).as_posix()
        except ValueError:
            relpath = path.name
        where = os.fsencode(resolved).decode("utf-8", "replace")
        return _skipped(path, relpath, f"a link to a note outside the notes folder ({where}); skipped — "
                                       f"build that folder too, or copy the note in")
    return None


def _skipped(path: Path, relpath: str, message: str) -> NoteFile:
    note = NoteFile(path=path, relpath=relpath, title=Path(relpath).stem, deck=(), tags=(), note_id=relpath)
    note.problems.append(Problem(relpath, 0, message, "file"))
    return note


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parse_iter(files: list[tuple[Path, Path]], cache=None, background: bool = False,
               meanwhile=None) -> Iterator[tuple[int, NoteFile]]:
    """(index into `files`, note) for every file, each exactly once, in no promised order.

    With a `NoteCache`, a note whose bytes, pictures and parser are unchanged since it was last parsed is
    taken from the cache, and every fresh parse is stored in it. The notes left to parse go to a pool of
    worker processes (one per core; markdown-it's tokenizer is most of a cold build's time and notes are
    independent) when there are several, or — with `background`, when the caller has its own work to do
    with the cached notes meanwhile — even when there is one. They are found (from each cache entry's
    first line) and started before any cached note is loaded; `meanwhile()`, if given, runs right after. Without a
    usable pool they are parsed in this process.
    """
    jobs: list[tuple[int, Job]] = []
    cached = []
    skipped = []
    for index, (path, root) in enumerate(files):  # first only which notes changed: they start at once
        odd = odd_file(path, root)
        if odd is not None:
            skipped.append((index, odd))
            continue
        path, root = path.resolve(), root.resolve()
        data = None
        if cache is not None:
            try:
                data = path.read_bytes()
            except OSError:
                data = None  # parse_note reports it
            handle = cache.lookup(path, root, data) if data is not None else None
            if handle is not None:
                cached.append((index, (path, root, data), handle))
                continue
        jobs.append((index, (path, root, data)))
    pool = _Pool.start(len(jobs)) if jobs and (background or len(jobs) >= 4) else None
    if pool is not None:
        for n, (_, job) in enumerate(jobs):
            pool.submit(n, job)
    if meanwhile is not None:
        meanwhile()  # the caller's own preparation, while the workers start and parse
    yield from skipped
    for index, job, handle in cached:
        note = cache.load(handle)
        if note is not None:
            yield index, note
        else:  # the entry went away or broke since the lookup
            jobs.append((index, job))
    for index, job, note in _finish(jobs, pool):
        if cache is not None and job[2] is not None and not any(p.kind == BUDGET_KIND for p in note.problems):
            cache.put(note, job[1], job[2])
        yield index, note


def _die_with_parent(parent: int, watch_read: int, watch_write: int) -> None:
    """A parse worker's first act: end when the build ends, however it ends (SIGKILL included). On Linux the kernel
    sends SIGKILL when the parent dies (PR_SET_PDEATHSIG); everywhere, a thread waits on a pipe whose only writer
    is the build, and ends the worker when the pipe reports end of file."""
    import threading

    try:
        os.close(watch_write)  # a worker holding the write end would keep its own pipe open
    except OSError:
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)

    def watch() -> None:
        try:
            while os.read(watch_read, 1):
                pass
        except OSError:
            pass
        os._exit(1)

    threading.Thread(target=watch, name="studykit-parent-watch", daemon=True).start()


class _Pool:
    """Worker processes parsing notes; `None` from `start` when there is no second core or no usable pool."""

    def __init__(self, executor):
        self.executor = executor
        self.futures: dict = {}
        self._watch: tuple[int, ...] = ()

    @classmethod
    def start(cls, jobs: int) -> _Pool | None:
        cpus = min(_cpus(), 8)
        if cpus < 2:
            return None
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        try:
            workers = min(cpus, jobs)
            watch_read, watch_write = os.pipe()  # the build holds the write end; a worker sees EOF when it dies
            os.set_inheritable(watch_read, True)
            pool = cls(ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                                           initializer=_die_with_parent, initargs=(os.getpid(), watch_read,
                                                                                   watch_write)))
            pool._watch = (watch_read, watch_write)
            return pool
        except (OSError, NotImplementedError, RuntimeError):
            return None  # no usable process pool here (sandbox, no /dev/shm)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        for fd in getattr(self, "_watch", ()):
            try:
                os.close(fd)
            except OSError:
                pass

    def submit(self, n: int, job: Job) -> None:
        try:
            self.futures[self.executor.submit(_parse_job, job)] = n
        except (OSError, RuntimeError):
            pass  # not submitted: _finish parses it here


def _finish(jobs: list[tuple[int, Job]], pool: _Pool | None) -> Iterator[tuple[int, Job, NoteFile]]:
    done: set[int] = set()
    if pool is not None:
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        try:
            for future in as_completed(pool.futures):
                n = pool.futures[future]
                note = future.result()
                done.add(n)
                yield jobs[n][0], jobs[n][1], note
        except (OSError, BrokenProcessPool):
            pass  # the pool broke (a worker killed, no semaphores): parse what is left in this process
        finally:
            pool.close()
    for n, (index, job) in enumerate(jobs):
        if n not in done:
            yield index, job, _parse_job(job)


def parse_files(files: list[tuple[Path, Path]], on_done=None, cache=None) -> list[NoteFile]:
    """parse_note for each (file, root), returned in file order (see `parse_iter`).

    `on_done(n)` is called as notes finish (for a progress bar).
    """
    notes: list[NoteFile | None] = [None] * len(files)
    for index, note in parse_iter(files, cache):
        notes[index] = note
        if on_done:
            on_done(1)
    return notes  # type: ignore[return-value]


def separate_same_paths(notes: list[NoteFile], files: list[tuple[Path, Path]]) -> None:
    """Give distinct identities to notes that have the same path below two different PATHs (`build a/ b/`, both with
    `x.md`): the first keeps its id, a later one is identified as `<its PATH's folder name>/x` (more of the PATH's
    own path when that is not enough). Notes with an explicit `id:` keep it. Changes the notes' card keys in place."""
    taken: dict[str, Path] = {}
    for note, (_, root) in zip(notes, files, strict=True):
        if note is None or note.explicit_id:
            continue
        owner = taken.setdefault(note.note_id, root.resolve())
        if owner == root.resolve():
            continue
        parts = root.resolve().parts
        for depth in range(1, len(parts) + 1):
            candidate = "/".join([*parts[len(parts) - depth:], note.note_id]).lstrip("/")
            if candidate not in taken:
                break
        old = note.note_id
        note.note_id = candidate
        taken[candidate] = root.resolve()
        note.cards = [c._replace(key=(candidate, *c.key[1:])) if c.key and c.key[0] == old else c for c in note.cards]
        note.guids = []  # the keys changed: the GUIDs are made again from them


def parse_paths(paths: Iterable[Path]) -> list[NoteFile]:
    """Every note under `paths` (files or folders, recursively). Raises NotesPathError for a missing path."""
    files = collect(list(paths))
    notes = parse_files(files)
    separate_same_paths(notes, files)
    return notes
