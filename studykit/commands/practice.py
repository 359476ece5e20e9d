"""The practice loop: grade, list, show, hint, next, progress, watch, reset, init.

Thin click commands over catalog, workspace, progress and grading.runner. Nothing here imports numpy:
the learner's code and the checks run in the grading child.
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path

import click

from studykit import catalog
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


def _next_exercise(store) -> catalog.Exercise | None:
    """The first exercise not solved yet: the one standing that list, progress, next and watch all use."""
    for ex in catalog.all_exercises():
        if store is None or not store.standing(ex.id).solved:
            return ex
    return None


def _mark(standing) -> str:
    """✓ solved (a grade of the workspace's own file passed), ✗ attempted, · not graded yet."""
    return "✓" if standing.solved else ("✗" if standing.attempts else "·")


def _latest(standing) -> str:
    """The latest grade of the workspace's own file, e.g. `latest ✗ 40%`; empty when there is none."""
    if not standing.attempts:
        return ""
    return f"latest {'✓' if standing.last_status == 'pass' else '✗'} {standing.last_score:>4.0%}"


def _regressions(store) -> list[str]:
    """Solved exercises whose latest grade fails (the learner broke them again)."""
    return [ex.id for ex in catalog.all_exercises()
            if (s := store.standing(ex.id)).solved and s.last_status != "pass"]


NO_WORKSPACE = ("no workspace here (a folder with exercises/ and .studykit/). Make one:\n"
                "  studykit init my-practice     # copies every exercise into my-practice/exercises/\n"
                "  cd my-practice")


def _say_next(store, after: str | None = None) -> None:
    ex = _next_exercise(store)
    if ex is None:
        broken = _regressions(store) if store is not None else []
        if broken:
            click.echo(f"next: every exercise is solved; your latest grade of {', '.join(broken)} fails — "
                       f"`studykit grade {broken[0]}` once it is fixed again.")
        else:
            click.echo("next: every exercise is solved — review your deck with `studykit build`, or try "
                       "`studykit progress`.")
    elif ex.id == after or (store is not None and store.standing(ex.id).attempts):
        click.echo(f"next: fix {ex.id}, then `studykit grade {ex.id}` (stuck? `studykit hint {ex.id}`)")
    else:
        click.echo(f"next: `studykit show {ex.id}` — {ex.title}")


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
                replay: str | None = None, trial: bool = False) -> dict:
    """Grade `path` and record it in the workspace's store; `trial` = it is not the workspace's own solution.py."""
    from studykit.grading.runner import run_in_child

    result = run_in_child(ex, path, seed=seed, timeout=timeout, replay=replay)
    if root is not None:
        with _store(root) as store:
            store.record_grade(ex.id, result["status"], result["score"], seed, result["duration"],
                               file=str(path) if trial else None)
    return result


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
@click.option("--file", "file", metavar="PATH", help="Grade this file instead of the workspace's solution.py.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON result object (Exercism-style).")
@click.option("--seed", type=int, help="Seed for the random cases; every failing report prints the one to replay.")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Wall-clock limit in seconds (default: the exercise's).")
def grade(exercise: str, file: str | None, as_json: bool, seed: int | None, timeout: float | None) -> None:
    """Grade an exercise (ex03, 3, 03 or the folder name) in a sandboxed child process."""
    from studykit.grading.report import render_json, render_table

    ex = _exercise(exercise)
    path, root, trial = _solution_for(ex, file)
    seed = seed if seed is not None else secrets.randbelow(100_000)
    result = _grade_once(ex, path, seed, timeout, root, _replay_command(ex, seed, file, timeout), trial=trial)
    if as_json:
        click.echo(render_json(result))
    else:
        click.echo(render_table(result, color=_color()))
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
                _say_next(store, after=None if trial else ex.id)
    sys.exit(0 if result["status"] == "pass" else 1)


@click.command("list")
def list_() -> None:
    """Every exercise: ✓ solved, ✗ attempted, · not yet; best and latest score of your solution.py; topics."""
    root = _workspace(required=False)
    store = _store(root)
    for ex in catalog.all_exercises():
        mark, best, latest = "·", "", ""
        if store is not None:
            s = store.standing(ex.id)
            mark, latest = _mark(s), _latest(s)
            best = f"{s.best_score:.0%}" if s.attempts else ""
        click.echo(f"{mark} {ex.id}  {best:>4}  {latest:<11}  {ex.title}  ({', '.join(ex.topics)})")
    if store is None:
        click.echo("\nprogress is not shown: " + NO_WORKSPACE)
        click.echo("next: `studykit init my-practice`, then `cd my-practice && studykit next`")
    else:
        click.echo("\n✓ solved (your solution.py passed once) · ✗ attempted · latest = your last grade of solution.py")
        _say_next(store)
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
        text, target = m.group(1), m.group(2)
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        path = (base / target.split("#")[0]).resolve()
        if not path.exists():
            return text
        try:
            shown = os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            shown = str(path)
        shown = shown if not shown.startswith("../../..") else str(path)
        return f"[{text}]({shown})"

    parts = re.split(r"(```.*?```|`[^`\n]*`)", markdown, flags=re.S)  # code is left exactly as written
    for k in range(0, len(parts), 2):
        piece = re.sub(r"\$\$(.+?)\$\$", display, parts[k], flags=re.S)
        piece = re.sub(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$", inline, piece)
        parts[k] = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", link, piece)
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
    click.echo(f"next: try it, then `studykit grade {ex.id}`")


@click.command("next")
def next_() -> None:
    """The first exercise that is not solved yet, and what to do."""
    root = _workspace(required=False)
    if root is None:
        first = catalog.all_exercises()[0]
        click.echo(NO_WORKSPACE)
        click.echo(f"then start with {first.id} · {first.title}")
        click.echo("next: `studykit init my-practice`, then `cd my-practice && studykit next`")
        return
    from studykit.workspace import solution_path

    with _store(root) as store:
        ex = _next_exercise(store)
        if ex is None:
            click.echo("Every exercise is solved. 🎉")
            _say_next(store)
            return
        s = store.standing(ex.id)
        state = "not started" if not s.attempts else f"attempted {s.attempts}×, best {s.best_score:.0%}, {_latest(s)}"
        click.echo(f"{ex.id} · {ex.title} ({state})")
        click.echo(f"edit:  {solution_path(root, ex)}")
        click.echo(f"next: `studykit show {ex.id}`, edit that file, then `studykit grade {ex.id}`")


@click.command()
def progress() -> None:
    """A summary of your progress over time."""
    root = _workspace()
    with _store(root) as store:
        exercises = catalog.all_exercises()
        solved = [ex for ex in exercises if store.standing(ex.id).solved]
        history = store.history()
        grades = f"{len(history)} grade" + ("" if len(history) == 1 else "s")
        click.echo(f"solved {len(solved)}/{len(exercises)} exercises · {grades} in all")
        click.echo("")
        for ex in exercises:
            s = store.standing(ex.id)
            if not s.attempts and not s.trials:
                continue
            bar = "█" * round(s.best_score * 10) + "░" * (10 - round(s.best_score * 10))
            when = time.strftime("%Y-%m-%d", time.localtime(s.first_pass_at)) if s.first_pass_at else "not yet"
            attempts = f"{s.attempts:>3} attempt" + ("s" if s.attempts != 1 else " ")
            line = f"{_mark(s)} {ex.id} {bar} best {s.best_score:>4.0%}  {_latest(s) or 'latest —':<11}  {attempts}  solved: {when}"
            if s.trials:
                line += f"  (+{s.trials} of other files)"
            click.echo(line)
        days: dict[str, int] = {}
        for _, _, _, at in history:
            day = time.strftime("%Y-%m-%d", time.localtime(at))
            days[day] = days.get(day, 0) + 1
        if days:
            click.echo("\ngrades per day: " + ", ".join(f"{d} {n}" for d, n in list(days.items())[-7:]))
        _say_next(store)


@click.command()
@click.argument("exercise", required=False)
@click.option("--interval", type=float, default=0.5, show_default=True, help="Seconds between checks of the file.")
def watch(exercise: str | None, interval: float) -> None:
    """Re-grade whenever the solution file is saved, until Ctrl-C."""
    from studykit.grading.report import render_table
    from studykit.workspace import solution_path

    root = _workspace()
    if exercise is None:
        with _store(root) as store:
            ex = _next_exercise(store)
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
                click.echo(f"\n── {time.strftime('%H:%M:%S')} grading {ex.id} ──")
                result = _grade_once(ex, path, secrets.randbelow(100_000), None, root)
                click.echo(render_table(result, color=_color()))
                with _store(root) as store:
                    _say_next(store, after=ex.id)
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
    from studykit.workspace import reset_solution

    ex = _exercise(exercise)
    root = _workspace()
    if not yes and sys.stdin.isatty():
        click.confirm(f"Restore the starter for {ex.id}? Your current file is backed up first.", abort=True)
    backup = reset_solution(root, ex)
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
