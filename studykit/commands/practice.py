"""The practice loop: grade, list, show, hint, next, progress, watch, reset, init (review and restore: review.py).

Thin click commands over catalog, workspace, progress and grading.runner. Nothing here imports numpy:
the learner's code and the checks run in the grading child. Every command that reads the clock reads it once,
from studykit.clock (STUDYKIT_NOW when set), and passes that moment down.
"""

from __future__ import annotations

import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from studykit import catalog
from studykit.grading import options as grading_options
from studykit.workspace import WorkspaceError

EXIT_USAGE = 2


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _color() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _exercise(name: str) -> catalog.Exercise:
    try:
        return catalog.find(name)
    except catalog.UnknownExercise as exc:
        _fail(str(exc))


def _workspace(required: bool = True) -> Path | None:
    from studykit.workspace import find_workspace, require_workspace

    if not required:
        return find_workspace()
    try:
        return require_workspace()
    except WorkspaceError as exc:
        _fail(str(exc))


def _store(root: Path | None):
    from studykit.progress import ProgressStore

    return ProgressStore.for_workspace(root) if root else None


def _now():
    """The moment this command runs (STUDYKIT_NOW when set), an aware UTC datetime."""
    from studykit.clock import now

    return now()


def _json(data) -> None:
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _shown(path: Path) -> str:
    """A path as the learner can type it from here: relative when it is below the current folder."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _mark(standing) -> str:
    """✓ solved (a grade of the workspace's own file passed), ✗ attempted, · not graded yet."""
    return "✓" if standing.solved else ("✗" if standing.attempts else "·")


def _latest(standing) -> str:
    """The latest grade of the workspace's own file, e.g. `latest ✗ 40%`; empty when there is none."""
    if not standing.attempts:
        return ""
    return f"latest {'✓' if standing.last_status == 'pass' else '✗'} {standing.last_score:>4.0%}"


def _regressions(store, reviews: dict) -> list[str]:
    """Solved exercises whose latest grade fails (the learner broke them again), reviews in progress aside."""
    return [ex.id for ex in catalog.all_exercises()
            if (s := store.standing(ex.id)).solved and s.last_status != "pass"
            and not (ex.id in reviews and reviews[ex.id].in_progress)]


# --- where the learner stands on reviews ----------------------------------------------------------------------

def _is_due(state, now) -> bool:
    """Due on its day: from the start of its due date, in local time, until it is reviewed."""
    from studykit.clock import local_date

    return not state.in_progress and local_date(state.due) <= local_date(now)


def _review_word(state, now) -> str:
    """`reviewing`, `review due`, `review 2024-05-10` — the short form list shows."""
    from studykit.clock import local_date

    if state.in_progress:
        return "reviewing"
    return "review due" if _is_due(state, now) else f"review {local_date(state.due).isoformat()}"


def _review_json(state, now) -> dict | None:
    """One exercise's review state for --json (UTC times; `due_date` is the local date it is due on)."""
    from studykit.clock import iso, local_date
    from studykit.progress import RATING_NAMES

    if state is None:
        return None
    return {
        "state": "in-progress" if state.in_progress else ("due" if _is_due(state, now) else "scheduled"),
        "due": iso(state.due),
        "due_date": local_date(state.due).isoformat(),
        "interval_days": state.interval_days,
        "reviews": state.reviews,
        "last_rating": RATING_NAMES.get(state.last_rating),
        "started_at": iso(state.started_at) if state.in_progress else None,
    }


@dataclass(frozen=True)
class Step:
    """What to do next: 'reviewing' (a review in progress), 'review' (one is due), 'fix' (an attempted
    exercise), 'new' (not started) or 'done' (every exercise solved, nothing due)."""

    kind: str
    exercise: catalog.Exercise | None = None


def _plan(store, now, after: str | None = None) -> Step:
    """The one order `next`, the end of every command and `watch` use: the exercise just graded when it still
    fails, then a review in progress, then a due review (before any new exercise), then the first unsolved one."""
    exercises = catalog.all_exercises()
    if store is None:
        return Step("new", exercises[0])
    by_id = {ex.id: ex for ex in exercises}
    reviews = {k: v for k, v in store.reviews().items() if k in by_id}
    if after in reviews and reviews[after].in_progress:
        return Step("reviewing", by_id[after])
    if after in by_id and not store.standing(after).solved:
        return Step("fix", by_id[after])
    started = sorted((r for r in reviews.values() if r.in_progress), key=lambda r: r.started_at)
    if started:
        return Step("reviewing", by_id[started[0].exercise])
    due = sorted((r for r in reviews.values() if _is_due(r, now)), key=lambda r: (r.due, r.exercise))
    if due:
        return Step("review", by_id[due[0].exercise])
    for ex in exercises:
        s = store.standing(ex.id)
        if not s.solved:
            return Step("fix" if s.attempts else "new", ex)
    return Step("done")


def _next_line(store, now, after: str | None = None) -> str:
    step = _plan(store, now, after)
    ex = step.exercise
    if step.kind == "reviewing":
        return (f"next: write {ex.id} again from the starter, then `studykit grade {ex.id}` (stuck? `studykit hint "
                f"{ex.id}`; `studykit review {ex.id} --give-up` ends the review)")
    if step.kind == "review":
        return (f"next: {ex.id} is due for review — `studykit review {ex.id}` keeps your solution and lays a fresh "
                f"starter to write it again")
    if step.kind == "fix":
        return f"next: fix {ex.id}, then `studykit grade {ex.id}` (stuck? `studykit hint {ex.id}`)"
    if step.kind == "new":
        return f"next: `studykit show {ex.id}` — {ex.title}"
    reviews = store.reviews()
    broken = _regressions(store, reviews)
    if broken:
        return (f"next: every exercise is solved; your latest grade of {', '.join(broken)} fails — "
                f"`studykit grade {broken[0]}` once it is fixed again.")
    upcoming = sorted(reviews.values(), key=lambda r: (r.due, r.exercise))
    if upcoming:
        from studykit.clock import days_from_today, local_date

        first = upcoming[0]
        day = local_date(first.due)
        return (f"next: every exercise is solved and no review is due; the next is {first.exercise} on "
                f"{day.isoformat()} ({days_from_today(day, local_date(now))}) — `studykit review` lists them.")
    return ("next: every exercise is solved — review your deck with `studykit build`, or try "
            "`studykit progress`.")


NO_WORKSPACE = ("no workspace here (a folder with exercises/ and .studykit/). Make one:\n"
                "  studykit init my-practice     # copies every exercise into my-practice/exercises/\n"
                "  cd my-practice")


def _say_next(store, now, after: str | None = None) -> None:
    click.echo(_next_line(store, now, after))


# --- what a rating did, in words --------------------------------------------------------------------------------

def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 90 else f"{minutes // 60} h {minutes % 60:02d} min"


def _why(s) -> str:
    """Why a rating is what it is, in the words of the README's mapping."""
    if s.kind == "give-up":
        return "you gave up"
    reasons = []
    if s.failed:
        reasons.append(f"{s.failed} failed grade{'s' if s.failed != 1 else ''}")
    if s.hints:
        reasons.append("a hint")
    if reasons:
        return " and ".join(reasons) + " before the pass"
    if s.rating == 4:
        return (f"passed on the first grade with no hint, in {_duration(s.took)} — at most half of your last "
                f"review's {_duration(s.last_took)}")
    if s.took is not None:
        return f"passed on the first grade with no hint, in {_duration(s.took)}"
    return "passed on the first grade with no hint"


def _days(n: int) -> str:
    return f"{n} day" + ("" if n == 1 else "s")


def _schedule_lines(s, now) -> list[str]:
    from studykit.clock import days_from_today, local_date

    day = local_date(s.due)
    when = f"{day.isoformat()} ({days_from_today(day, local_date(now))})"
    if s.kind == "solve":
        return [f"{s.exercise} solved. It comes back for review on {when}: you will write it again from a fresh "
                f"starter (rated {s.rating_name}: {_why(s)})."]
    was = f", was {_days(s.previous_interval_days)}" if s.previous_interval_days is not None else ""
    interval = f"interval {_days(s.interval_days)}{was}"
    if s.kind == "give-up":
        return [f"gave up the review of {s.exercise}: rated Again — it comes back on {when}; {interval}."]
    return [f"review of {s.exercise} done: {s.rating_name} ({_why(s)}). Next review on {when}; {interval}."]


def _schedule_json(s) -> dict | None:
    from studykit.clock import iso, local_date

    if s is None:
        return None
    return {"event": s.kind, "exercise": s.exercise, "rating": s.rating_name, "at": iso(s.at),
            "due": iso(s.due), "due_date": local_date(s.due).isoformat(), "interval_days": s.interval_days,
            "previous_due": iso(s.previous_due) if s.previous_due is not None else None,
            "previous_interval_days": s.previous_interval_days, "failed_grades": s.failed, "hints": s.hints,
            "seconds": round(s.took, 1) if s.took is not None else None}


# --- grading ------------------------------------------------------------------------------------------------------

def _replay_command(ex: catalog.Exercise, seed: int, file: str | None, timeout: float | None) -> str:
    """The one command that grades the same file with the same random inputs again."""
    import shlex

    command = f"studykit grade {ex.id} --seed {seed}"
    if file:
        command += f" --file {shlex.quote(file)}"
    if timeout is not None:
        command += f" --timeout {timeout:g}"
    return command


def _grade_once(ex: catalog.Exercise, path: Path, seed: int, timeout: float | None, root: Path | None,
                replay: str | None = None, trial: bool = False):
    """Grade `path` and record it in the workspace's store; `trial` = it is not the workspace's own solution.py.
    Returns (the result object, with `schedule`: what the grade did to the review schedule; that Scheduled or None).
    The store is opened first, so a damaged one is reported before any grading."""
    from studykit.grading.runner import run_in_child

    now = _now()  # the grade's time (read before grading, so a bad STUDYKIT_NOW wastes no grading)
    store = _store(root)
    try:
        try:
            starter = not trial and path.read_bytes() == (ex.starter_dir / "solution.py").read_bytes()
        except OSError:
            starter = False
        result = run_in_child(ex, path, seed=seed, timeout=timeout, replay=replay)
        scheduled = None
        if store is not None:
            scheduled = store.record_grade(ex.id, result["status"], result["score"], seed, result["duration"],
                                           file=str(path) if trial else None, now=now, starter=starter)
    finally:
        if store is not None:
            store.close()
    result["schedule"] = _schedule_json(scheduled)
    return result, scheduled


def _review_status_lines(store, ex: catalog.Exercise, now, scheduled) -> list[str]:
    """After a grade of the workspace's file: what it did to the schedule, or where the review in progress is."""
    if scheduled is not None:
        return _schedule_lines(scheduled, now)
    state = store.review(ex.id)
    if state is not None and state.in_progress:
        failed, hints = store.review_counts(ex.id)
        if failed or hints:
            why = " and ".join(x for x in (f"{failed} failed grade{'s' if failed != 1 else ''}" if failed else "",
                                            "a hint" if hints else "") if x)
            return [f"(reviewing {ex.id}: {why} so far, so a pass now rates Hard)"]
        return [f"(reviewing {ex.id}: a pass on the first grade with no hint rates Good)"]
    return []


def _solution_for(ex: catalog.Exercise, file: str | None) -> tuple[Path, Path | None, bool]:
    """(the file to grade, the workspace it belongs to or None, whether it is a trial of another file)."""
    from studykit.workspace import find_workspace, solution_path

    if file:
        path = Path(file).expanduser()
        if not path.is_file():
            _fail(f"no such file: {file}")
        path = path.resolve()
        root = find_workspace()
        own = root is not None and path == solution_path(root, ex).resolve()
        return path, root, not own
    root = _workspace()
    path = solution_path(root, ex)
    if not path.is_file():
        _fail(f"{path} does not exist; restore the starter with `studykit reset {ex.id}`.")
    return path, root, False


@click.command()
@click.argument("exercise")
@click.option("--file", "file", metavar="PATH", type=grading_options.SOLUTION_FILE,
              help="Grade this file instead of the workspace's solution.py.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON result object (Exercism-style).")
@click.option("--seed", type=grading_options.SEED, help="Seed for the random cases; every failing report prints the one to replay.")
@click.option("--timeout", type=grading_options.TIMEOUT, help="Wall-clock limit in seconds (default: the exercise's).")
@click.option("--plot", metavar="PNG", type=click.Path(dir_okay=False, path_type=Path),
              help="ex13: also draw the training curve as a PNG (needs matplotlib: pip install 'studykit[plot]').")
def grade(exercise: str, file: str | None, as_json: bool, seed: int | None, timeout: float | None,
          plot: Path | None) -> None:
    """Grade an exercise (ex03, 3, 03 or the folder name) in a sandboxed child process."""
    from studykit.grading.report import render_json, render_table

    ex = _exercise(exercise)
    path, root, trial = _solution_for(ex, file)
    if plot is not None:  # before a grade that may train for a minute
        from studykit.grading.curve import plotting_missing

        if missing := plotting_missing():
            _fail(missing)
    seed = seed if seed is not None else secrets.randbelow(100_000)
    result, scheduled = _grade_once(ex, path, seed, timeout, root, _replay_command(ex, seed, file, timeout),
                                    trial=trial)
    plotted = None
    if plot is not None:
        from studykit.grading.curve import save_plot

        plotted = save_plot(result, plot)
    if as_json:
        click.echo(render_json(result))
        if plotted:
            click.echo(plotted, err=True)  # --json keeps stdout one JSON object
    else:
        click.echo(render_table(result, color=_color()))
        if plotted:
            click.echo(plotted)
        now = _now()
        if root is not None and trial:
            from studykit.workspace import solution_path

            own = solution_path(root, ex)
            click.echo(f"(a trial of {path}: recorded apart from {ex.id}'s standing, which only a grade of "
                       f"{own} changes)")
            with _store(root) as store:
                solved = store.standing(ex.id).solved
            if result["status"] == "pass" and not solved:
                click.echo(f"next: to mark {ex.id} solved, put this code in {own}, then `studykit grade {ex.id}`")
                sys.exit(0)
        if root is not None:
            with _store(root) as store:
                if not trial:
                    for line in _review_status_lines(store, ex, now, scheduled):
                        click.echo(line)
                _say_next(store, now, after=None if trial else ex.id)
    sys.exit(0 if result["status"] == "pass" else 1)


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_(as_json: bool) -> None:
    """Every exercise: ✓ solved, ✗ attempted, · not yet; best and latest score of your solution.py; its review."""
    root = _workspace(required=False)
    store = _store(root)
    now = _now() if store is not None else None
    reviews = store.reviews() if store is not None else {}
    rows = []
    for ex in catalog.all_exercises():
        s = store.standing(ex.id) if store is not None else None
        rows.append((ex, s, reviews.get(ex.id)))
    if as_json:
        _json({"workspace": str(root) if store is not None else None, "exercises": [
            {"id": ex.id, "title": ex.title, "topics": list(ex.topics),
             "solved": bool(s and s.solved), "attempts": s.attempts if s else 0,
             "best_score": s.best_score if s else 0.0, "latest_status": s.last_status if s else None,
             "latest_score": s.last_score if s and s.attempts else None,
             "review": _review_json(state, now) if store is not None else None}
            for ex, s, state in rows],
            "next": _next_line(store, now) if store is not None else
            "next: `studykit init my-practice`, then `cd my-practice && studykit next`"})
        if store is not None:
            store.close()
        return
    words = {ex.id: _review_word(state, now) for ex, _, state in rows if state is not None}
    width = max((len(w) for w in words.values()), default=0)
    for ex, s, _ in rows:
        mark, best, latest = "·", "", ""
        if s is not None:
            mark, latest = _mark(s), _latest(s)
            best = f"{s.best_score:.0%}" if s.attempts else ""
        review = f"{words.get(ex.id, ''):<{width}}  " if width else ""
        click.echo(f"{mark} {ex.id}  {best:>4}  {latest:<11}  {review}{ex.title}  ({', '.join(ex.topics)})")
    if store is None:
        click.echo("\nprogress is not shown: " + NO_WORKSPACE)
        click.echo("next: `studykit init my-practice`, then `cd my-practice && studykit next`")
    else:
        legend = "✓ solved (your solution.py passed once) · ✗ attempted · latest = your last grade of solution.py"
        if width:
            legend += "\nreview = when a solved exercise comes back to be written again from a fresh starter"
        click.echo("\n" + legend)
        _say_next(store, now)
        store.close()


# LaTeX → readable Unicode for the terminal: the commands the task texts use (rich renders Markdown, not maths)
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "partial": "∂", "nabla": "∇", "sum": "Σ", "prod": "Π", "int": "∫",
    "top": "ᵀ", "odot": "⊙", "otimes": "⊗", "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "pm": "±", "approx": "≈", "in": "∈", "infty": "∞", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "ldots": "…", "dots": "…",
    "cdots": "⋯", "mid": "|", "ell": "ℓ", "prime": "′", "quad": "  ", "qquad": "    ", "log": "log", "exp": "exp",
    "tanh": "tanh", "max": "max", "min": "min", "sin": "sin", "cos": "cos", "odot ": "⊙",
}
_SUPER = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW−",
                  "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ⁻"))
_SUPER.update({"ᵀ": "ᵀ", "′": "′", "'": "′"})
_WITH_ARGUMENT = ("sqrt", "hat", "bar", "tilde", "vec", "mathrm", "text", "mathbf", "mathit", "operatorname",
                  "textbf", "mathsf", "mathbb")
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx−", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₋"))


def _latex_to_text(src: str) -> str:
    """A LaTeX formula as plain Unicode: \\frac{a}{b} → a/b (parenthesised when needed), x^{2} → x², \\sigma → σ,
    \\hat y → ŷ, matrices → [[…], […]]. Unknown commands keep their name without the backslash."""
    import re

    def group(text: str, i: int) -> tuple[str, int]:
        """The argument starting at text[i]: a {braced} group, a \\command or one character; and the index after it."""
        while i < len(text) and text[i] == " ":
            i += 1
        if i >= len(text):
            return "", i
        if text[i] == "{":
            depth, j = 0, i
            while j < len(text):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    return text[i + 1:j], j + 1
                j += 1
            return text[i + 1:], len(text)
        if text[i] == "\\":
            m = re.match(r"\\([A-Za-z]+)", text[i:])
            if m:
                j = i + len(m.group(0))
                arguments = 2 if m.group(1) == "frac" else 1 if m.group(1) in _WITH_ARGUMENT else 0
                for _ in range(arguments):
                    j = group(text, j)[1]
                return text[i:j], j
        return text[i], i + 1

    def wrap(t: str) -> str:
        return t if re.fullmatch(r"[\w.′ᵀ∂∇\u0302\u0304\u0303⁰-⁹₀-₉]+|\([^()]*\)", t) else f"({t})"

    def script(t: str, table: dict, mark: str) -> str:
        return "".join(table[c] for c in t) if t and all(c in table for c in t) else f"{mark}{wrap(t)}"

    def convert(text: str) -> str:
        out, i = [], 0
        while i < len(text):
            c = text[i]
            if c == "\\":
                m = re.match(r"\\([A-Za-z]+|.)", text[i:])
                name = m.group(1)
                i += len(m.group(0))
                if name == "frac":
                    a, i = group(text, i)
                    b, i = group(text, i)
                    fraction = f"{wrap(convert(a))}/{wrap(convert(b))}"
                    followed = i < len(text) and text[i] not in " ,;)]}=+-" and not text.startswith("\\\\", i)
                    out.append(f"({fraction})" if followed else fraction)
                elif name == "sqrt":
                    a, i = group(text, i)
                    out.append(f"√{wrap(convert(a))}")
                elif name in ("hat", "bar", "tilde", "vec"):
                    a, i = group(text, i)
                    accent = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7"}[name]
                    inner = convert(a)
                    out.append(inner + accent if len(inner) == 1 else f"{name}({inner})")
                elif name in ("mathrm", "text", "mathbf", "mathit", "operatorname", "textbf", "mathsf"):
                    a, i = group(text, i)
                    out.append(convert(a))
                elif name == "mathbb":
                    a, i = group(text, i)
                    out.append({"R": "ℝ", "N": "ℕ", "Z": "ℤ", "E": "𝔼"}.get(a, a))
                elif name == "begin":
                    env, i = group(text, i)
                    end = text.find("\\end{" + env + "}", i)
                    body = text[i:end if end >= 0 else len(text)]
                    i = end + len("\\end{" + env + "}") if end >= 0 else len(text)
                    rows = [r for r in (row.strip() for row in body.split("\\\\")) if r]
                    out.append("[" + ", ".join("[" + ", ".join(convert(cell.strip()) for cell in r.split("&")) + "]"
                                               for r in rows) + "]")
                elif name in ("left", "right", "big", "Big", "bigg", "Bigg", "displaystyle"):
                    pass
                elif name in (",", ";", " ", ":", "!"):
                    out.append(" " if name != "!" else "")
                elif name in ("{", "}", "|", "_", "%", "#", "&"):
                    out.append({"|": "‖"}.get(name, name))
                else:
                    out.append(_SYMBOLS.get(name, name))
                    if name in ("partial", "nabla", "pm", "lfloor", "lceil", "sqrt"):  # a prefix: no space after it
                        while i < len(text) and text[i] == " ":
                            i += 1
            elif c in "^_":
                a, i = group(text, i + 1)
                inner = convert(a)
                out.append(script(inner, _SUPER if c == "^" else _SUB, c))
            elif c in "{}":
                i += 1
            elif c == "-":
                out.append("−")
                i += 1
            else:
                out.append(c)
                i += 1
        return "".join(out)

    return re.sub(r" {2,}(?=\S)", lambda m: m.group(0) if len(m.group(0)) >= 4 else " ", convert(src)).strip()


def _escape_markdown(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in text)


def _for_terminal(markdown: str, base: Path) -> str:
    """The task's Markdown with maths as Unicode (display maths as a quoted block) and every relative link as a
    path that exists from here (a link whose target is missing keeps only its text)."""
    import os
    import re

    def display(m: re.Match) -> str:
        return "\n\n> " + _escape_markdown(_latex_to_text(" ".join(m.group(1).split()))) + "\n\n"

    def inline(m: re.Match) -> str:
        return _escape_markdown(_latex_to_text(m.group(1)))

    def link(m: re.Match) -> str:
        text, target = m.group(1), m.group(2) or m.group(3)  # `(path)` or `(<path with spaces>)`
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        target = target.partition("#")[0]
        path = (base / target).resolve()
        if not path.exists():
            return text
        try:
            shown = os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            shown = str(path)
        shown = shown if not shown.startswith("../../..") else str(path)
        return f"[{text}](<{shown}>)"  # the link text names the section (rich would percent-encode an anchor)

    parts = re.split(r"(```.*?```|`[^`\n]*`)", markdown, flags=re.S)  # code is left exactly as written
    for k in range(0, len(parts), 2):
        piece = re.sub(r"\$\$(.+?)\$\$", display, parts[k], flags=re.S)
        piece = re.sub(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$", inline, piece)
        parts[k] = re.sub(r"\[([^\]]+)\]\((?:<([^>\n]+)>|([^)\s]+))\)", link, piece)
    return "".join(parts)


def render_task(markdown: str, base: Path, color: bool) -> str:
    """The task rendered for a terminal by rich (headings, emphasis, code blocks, tables, lists)."""
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(highlight=False, force_terminal=color, no_color=not color, width=None if color else 100)
    with console.capture() as captured:
        console.print(Markdown(_for_terminal(markdown, base), hyperlinks=False, code_theme="ansi_dark"))
    return "\n".join(line.rstrip() for line in captured.get().rstrip().splitlines())


@click.command()
@click.argument("exercise")
@click.option("--raw", is_flag=True, help="Print the README's Markdown as it is (for a Markdown viewer).")
def show(exercise: str, raw: bool) -> None:
    """Show an exercise's task (its README, rendered for the terminal) and where its file is."""
    from studykit.workspace import find_workspace, solution_path

    ex = _exercise(exercise)
    root = find_workspace()
    readme = (root / "exercises" / ex.folder / "README.md") if root else None
    if readme is None or not readme.is_file():
        readme = ex.starter_dir / "README.md"
    text = readme.read_text(encoding="utf-8")
    click.echo(text.rstrip() if raw else render_task(text, readme.parent, _color()))
    click.echo("")
    if root:
        click.echo(f"edit:  {solution_path(root, ex)}")
        click.echo(f"next: edit solution.py, then `studykit grade {ex.id}` (stuck? `studykit hint {ex.id}`)")
    else:
        click.echo(NO_WORKSPACE)
        click.echo(f"next: `studykit init my-practice`, then `cd my-practice && studykit show {ex.id}`")



@click.command()
@click.argument("exercise")
@click.option("--level", type=click.IntRange(min=1), help="Show hint number N instead of the next one.")
def hint(exercise: str, level: int | None) -> None:
    """Show the next hint (each call goes one step further), or --level N."""
    ex = _exercise(exercise)
    if not ex.hints:
        click.echo(f"{ex.id} has no hints.")
        return
    root = _workspace(required=False)
    store = _store(root)
    total = len(ex.hints)
    reviewing = False
    try:
        if level is None:
            seen = store.hint_level(ex.id) if store else 0
            if seen >= total:
                click.echo(f"no more hints for {ex.id}: you have seen all {total}. "
                           f"`studykit hint {ex.id} --level N` shows hint N (1–{total}) again, and "
                           f"`studykit show {ex.id}` has the task with its maths.")
                click.echo(f"next: try it, then `studykit grade {ex.id}`")
                return
            level = seen + 1
        elif level > total:
            _fail(f"{ex.id} has {total} hints; use --level 1 to {total}.")
        click.echo(f"hint {level}/{total} for {ex.id}:\n")
        click.echo(ex.hints[level - 1].strip())
        if store is not None:
            store.set_hint_level(ex.id, max(level, store.hint_level(ex.id)))
            state = store.review(ex.id)
            reviewing = state is not None and state.in_progress
    finally:
        if store is not None:
            store.close()
    click.echo("")
    if level < total:
        click.echo(f"(more: `studykit hint {ex.id}` again shows hint {level + 1})")
    else:
        click.echo("(that was the last hint)")
    if store is None:
        click.echo("(no workspace here, so the hints seen are not remembered: use --level N)")
    if reviewing:
        click.echo(f"(reviewing {ex.id}: with a hint seen, a pass rates Hard)")
    click.echo(f"next: try it, then `studykit grade {ex.id}`")


def _next_json(root: Path | None, store, now, step: Step | None) -> dict:
    from studykit.clock import iso
    from studykit.workspace import solution_path

    if root is None:
        first = catalog.all_exercises()[0]
        return {"workspace": None, "action": "init", "exercise": first.id, "title": first.title, "file": None,
                "command": "studykit init my-practice", "review": None,
                "message": "next: `studykit init my-practice`, then `cd my-practice && studykit next`"}
    ex = step.exercise
    commands = {"reviewing": "studykit grade {id}", "review": "studykit review {id}", "fix": "studykit grade {id}",
                "new": "studykit show {id}"}
    return {"workspace": str(root), "now": iso(now), "action": step.kind,
            "exercise": ex.id if ex else None, "title": ex.title if ex else None,
            "file": str(solution_path(root, ex)) if ex else None,
            "command": commands[step.kind].format(id=ex.id) if ex else None,
            "review": _review_json(store.review(ex.id), now) if ex else None,
            "reviews_due": sum(_is_due(r, now) for r in store.reviews().values()),
            "message": _next_line(store, now)}


@click.command("next")
@click.option("--json", "as_json", is_flag=True, help="Print what to do next as JSON.")
def next_(as_json: bool) -> None:
    """What to do next: a review in progress, a due review, then the first exercise not solved yet."""
    root = _workspace(required=False)
    if root is None:
        if as_json:
            _json(_next_json(None, None, None, None))
            return
        first = catalog.all_exercises()[0]
        click.echo(NO_WORKSPACE)
        click.echo(f"then start with {first.id} · {first.title}")
        click.echo("next: `studykit init my-practice`, then `cd my-practice && studykit next`")
        return
    from studykit.clock import days_from_today, local, local_date
    from studykit.workspace import solution_path

    now = _now()
    with _store(root) as store:
        step = _plan(store, now)
        if as_json:
            _json(_next_json(root, store, now, step))
            return
        ex = step.exercise
        if step.kind == "done":
            click.echo("Every exercise is solved. 🎉")
            _say_next(store, now)
            return
        if step.kind in ("reviewing", "review"):
            state = store.review(ex.id)
            if step.kind == "reviewing":
                failed, hints = store.review_counts(ex.id)
                so_far = f"{failed} failed grade{'s' if failed != 1 else ''}" + (", a hint" if hints else "")
                click.echo(f"{ex.id} · {ex.title} — review in progress since "
                           f"{local(state.started_at):%Y-%m-%d %H:%M} ({so_far} so far)")
                click.echo(f"edit:  {solution_path(root, ex)}")
            else:
                day = local_date(state.due)
                click.echo(f"{ex.id} · {ex.title} — due for review ({day.isoformat()}, "
                           f"{days_from_today(day, local_date(now))})")
                click.echo("a review is a re-implementation: your solution is kept in "
                           f".studykit/attempts/{ex.id}/ and you write it again from a fresh starter")
            _say_next(store, now)
            return
        s = store.standing(ex.id)
        state = "not started" if not s.attempts else f"attempted {s.attempts}×, best {s.best_score:.0%}, {_latest(s)}"
        click.echo(f"{ex.id} · {ex.title} ({state})")
        click.echo(f"edit:  {solution_path(root, ex)}")
        click.echo(f"next: `studykit show {ex.id}`, edit that file, then `studykit grade {ex.id}`")


CALENDAR_DAYS = 30


def _calendar(reviews: dict, now) -> tuple[list[dict], list[str]]:
    """Reviews due on each of the next 30 local days (overdue ones and reviews in progress count today): the
    JSON list and a small text chart, one row per week from Monday."""
    from datetime import timedelta

    from studykit.clock import day_range, local_date

    today = local_date(now)
    days = day_range(today, CALENDAR_DAYS)
    counts = {day: 0 for day in days}
    for state in reviews.values():
        day = today if state.in_progress else max(local_date(state.due), today)
        if day in counts:
            counts[day] += 1
    data = [{"date": day.isoformat(), "due": counts[day]} for day in days]
    lines = [f"reviews due in the next {CALENDAR_DAYS} days (today {today:%a %Y-%m-%d}; overdue ones count today):",
             "          Mon Tue Wed Thu Fri Sat Sun"]
    week = today - timedelta(days=today.weekday())
    while week <= days[-1]:
        cells = []
        for k in range(7):
            day = week + timedelta(days=k)
            cells.append("   " if day not in counts else (f"{counts[day]:>3}" if counts[day] else "  ·"))
        lines.append(f"   {week:%m-%d} " + " ".join(cells).rstrip())
        week += timedelta(days=7)
    return data, lines


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the progress summary as JSON.")
def progress(as_json: bool) -> None:
    """A summary of your progress: standing, next review of each exercise, and a 30-day review calendar."""
    from studykit.clock import days_from_today, iso, local_date

    root = _workspace()
    now = _now()
    today = local_date(now)
    with _store(root) as store:
        exercises = catalog.all_exercises()
        standings = {ex.id: store.standing(ex.id) for ex in exercises}
        reviews = {k: v for k, v in store.reviews().items() if k in standings}
        solved = [ex for ex in exercises if standings[ex.id].solved]
        history = store.history()
        days: dict[str, int] = {}
        for _, _, _, at in history:
            day = local_date(at).isoformat()
            days[day] = days.get(day, 0) + 1
        calendar, chart = _calendar(reviews, now)
        due_now = sum(_is_due(r, now) for r in reviews.values())
        if as_json:
            _json({
                "now": iso(now), "today": today.isoformat(), "solved": len(solved), "exercises_total": len(exercises),
                "grades": len(history), "reviews_due": due_now,
                "exercises": [{
                    "id": ex.id, "title": ex.title, "solved": s.solved, "attempts": s.attempts, "trials": s.trials,
                    "best_score": s.best_score, "latest_status": s.last_status,
                    "latest_score": s.last_score if s.attempts else None,
                    "solved_at": iso(s.first_pass_at) if s.first_pass_at else None,
                    "solved_on": local_date(s.first_pass_at).isoformat() if s.first_pass_at else None,
                    "review": _review_json(reviews.get(ex.id), now)}
                    for ex in exercises for s in [standings[ex.id]]],
                "calendar": calendar, "grades_per_day": days, "next": _next_line(store, now)})
            return
        grades = f"{len(history)} grade" + ("" if len(history) == 1 else "s")
        due_text = f" · {due_now} review{'s' if due_now != 1 else ''} due" if reviews else ""
        click.echo(f"solved {len(solved)}/{len(exercises)} exercises · {grades} in all{due_text}")
        click.echo("")
        for ex in exercises:
            s = standings[ex.id]
            if not s.attempts and not s.trials:
                continue
            bar = "█" * round(s.best_score * 10) + "░" * (10 - round(s.best_score * 10))
            when = local_date(s.first_pass_at).isoformat() if s.first_pass_at else "not yet"
            attempts = f"{s.attempts:>3} attempt" + ("s" if s.attempts != 1 else " ")
            line = f"{_mark(s)} {ex.id} {bar} best {s.best_score:>4.0%}  {_latest(s) or 'latest —':<11}  {attempts}  solved: {when}"
            state = reviews.get(ex.id)
            if state is not None:
                if state.in_progress:
                    line += "  review: in progress"
                else:
                    day = local_date(state.due)
                    line += f"  review: {day.isoformat()} ({'due' if day <= today else days_from_today(day, today)})"
            if s.trials:
                line += f"  (+{s.trials} of other files)"
            click.echo(line)
        if days:
            click.echo("\ngrades per day: " + ", ".join(f"{d} {n}" for d, n in list(days.items())[-7:]))
        click.echo("")
        if reviews:
            for line in chart:
                click.echo(line)
        else:
            click.echo("no reviews scheduled yet: an exercise comes back for review once it is solved.")
        _say_next(store, now)


@click.command()
@click.argument("exercise", required=False)
@click.option("--interval", type=float, default=0.5, show_default=True, help="Seconds between checks of the file.")
def watch(exercise: str | None, interval: float) -> None:
    """Re-grade whenever the solution file is saved, until Ctrl-C (default: the review in progress, or the next
    exercise not solved)."""
    from studykit.clock import local
    from studykit.grading.report import render_table
    from studykit.workspace import solution_path

    root = _workspace()
    if exercise is None:
        with _store(root) as store:
            step = _plan(store, _now())
            if step.kind == "review":  # watching does not start a review: the first unsolved exercise
                step = next((Step("new", ex) for ex in catalog.all_exercises()
                             if not store.standing(ex.id).solved), Step("done"))
        ex = step.exercise
        if ex is None:
            click.echo("Every exercise passes; name one to watch: studykit watch ex03")
            return
    else:
        ex = _exercise(exercise)
    path = solution_path(root, ex)
    click.echo(f"watching {path} — save to re-grade, Ctrl-C to stop")
    last = None
    try:
        while True:
            try:
                mtime = path.stat().st_mtime_ns
            except FileNotFoundError:
                mtime = None
            if mtime != last and mtime is not None:
                last = mtime
                click.echo(f"\n── {local(_now()):%H:%M:%S} grading {ex.id} ──")
                result, scheduled = _grade_once(ex, path, secrets.randbelow(100_000), None, root)
                click.echo(render_table(result, color=_color()))
                now = _now()
                with _store(root) as store:
                    for line in _review_status_lines(store, ex, now, scheduled):
                        click.echo(line)
                    _say_next(store, now, after=ex.id)
                click.echo("(watching: save again to re-grade, Ctrl-C to stop)")
                sys.stdout.flush()
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("\nstopped watching.")


@click.command()
@click.argument("exercise")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(exercise: str, yes: bool) -> None:
    """Restore the starter solution.py (your file is backed up first)."""
    from studykit.clock import local
    from studykit.workspace import reset_solution

    ex = _exercise(exercise)
    root = _workspace()
    if not yes and sys.stdin.isatty():
        click.confirm(f"Restore the starter for {ex.id}? Your current file is backed up first.", abort=True)
    backup = reset_solution(root, ex, stamp=f"{local(_now()):%Y%m%d-%H%M%S}")
    if backup:
        click.echo(f"your previous file is saved as {backup}")
    click.echo(f"restored the starter: exercises/{ex.folder}/solution.py")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a practice workspace in DIRECTORY with every exercise's starter."""
    from studykit.workspace import init_workspace

    try:
        written = init_workspace(directory)
    except OSError as exc:
        _fail(f"cannot create the workspace in {directory}: {exc.strerror or exc}")
    click.echo(f"workspace ready in {directory} ({len(written)} files written; existing files kept)")
    click.echo(f"next: cd {directory} && studykit next")
