"""Shared test helpers: run the real `studykit` CLI in a subprocess, as a learner does.

The grade JSON schema every suite test relies on (see docs/grading.md):
  exercise, title, status ("pass" | "fail" | "error"), score (0–1), seed, duration, message (str | None),
  tests: [{name, status ("pass" | "fail" | "error"), message, hint, part, kind, scored}],
  output (the learner's captured prints, truncated), output_truncated, replay (the command that replays the run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = Path(__file__).resolve().parent / "solutions"
# Where the CLI runs unless a test names a folder: outside any workspace, so the grades tests make never
# land in the progress of the learner who runs the suite in their own clone.
NEUTRAL = Path(tempfile.mkdtemp(prefix="studykit-tests-"))
# The notes cache of every build/check the tests run (in this process and in the CLI children): never the
# cache folder of the learner running the suite.
os.environ["STUDYKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="studykit-tests-cache-")


def run_studykit(*args: str, cwd: Path | str | None = None, timeout: float = 120, input: str | None = None,
                 env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m studykit ARGS...` in a child process; returns the completed process (text mode)."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "studykit", *args],
        cwd=str(cwd) if cwd else str(NEUTRAL),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        input=input,
        env=full_env,
    )


def invoke_studykit(*args: str, cwd: Path | str | None = None, input: str | None = None,
                    env: dict | None = None) -> subprocess.CompletedProcess:
    """`studykit ARGS...` in this process with click's CliRunner — the same group, environment and folder as
    run_studykit, without starting a Python (grading still spawns its child). Returns a CompletedProcess alike.
    An exception that is not the CLI's own exit is re-raised: a bug fails the test instead of hiding."""
    import time

    from click.testing import CliRunner

    from studykit.cli import main

    before, zone = Path.cwd(), os.environ.get("TZ")
    os.chdir(str(cwd) if cwd else str(NEUTRAL))
    if env and "TZ" in env:  # local dates come from the C library's zone: set it for the command, as a child gets it
        os.environ["TZ"] = env["TZ"]
        time.tzset()
    try:
        result = CliRunner().invoke(main, list(args), input=input, env={"NO_COLOR": "1", **(env or {})},
                                    catch_exceptions=False)
    finally:
        os.chdir(before)
        if env and "TZ" in env:
            if zone is None:
                os.environ.pop("TZ", None)
            else:
                os.environ["TZ"] = zone
            time.tzset()
    return subprocess.CompletedProcess(["studykit", *args], result.exit_code, result.stdout, result.stderr)


def grade_file(exercise: str, path: Path | str, *extra: str, cwd: Path | str | None = None):
    """Grade `path` against `exercise` with --json; returns (completed process, parsed result or None)."""
    proc = run_studykit("grade", exercise, "--file", str(path), "--json", *extra, cwd=cwd)
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        result = None
    return proc, result


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A fresh learner workspace made by `studykit init` (starters in exercises/, the notes in content/)."""
    root = tmp_path / "ws"
    proc = invoke_studykit("init", str(root))
    assert proc.returncode == 0, proc.stderr
    return root


def mine(root: Path, exercise: str) -> Path:
    """The workspace's own solution file of `exercise`."""
    from studykit.catalog import find

    return root / "exercises" / find(exercise).folder / "solution.py"


@pytest.fixture
def grade_source(tmp_path):
    """Write `source` to a solution file in a temp dir and grade it: grade_source("ex03", src, "--seed", "1")."""

    def grade(exercise: str, source: str, *extra: str):
        path = tmp_path / f"{exercise}_solution.py"
        path.write_text(source, encoding="utf-8")
        return grade_file(exercise, path, *extra, cwd=tmp_path)

    return grade


# --- test tiers ------------------------------------------------------------------------------------------------
# `cli` marks a test that starts the CLI (or any Python) as a subprocess. Marked here, by what the test uses, so that
# a new test is tiered without anyone remembering to: a test is `cli` when its code, a fixture it uses, or a function
# its file defines or imports (transitively) names one of these.
SUBPROCESS_NAMES = ("run_studykit", "grade_file", "graded", "sk", "sk_json", "subprocess.run", "subprocess.Popen",
                    "subprocess.check_output", "subprocess.call", "sys.executable", "grade_source")


def _names_used(function) -> set[str]:
    """The names a function's code uses (not the words of its strings): `x`, and `a.b` for attributes."""
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            names.add(f"{node.value.id}.{node.attr}")
    return names


def _spawning_helpers(module) -> set[str]:
    """The module-level functions of a test file that (transitively) start a subprocess."""
    import inspect

    cached = getattr(module, "_studykit_spawning", None)
    if cached is not None:
        return cached
    functions = {name: f for name, f in vars(module).items() if inspect.isfunction(f)}  # imported helpers too
    uses = {name: _names_used(f) for name, f in functions.items()}
    spawning = set(SUBPROCESS_NAMES)
    changed = True
    while changed:
        changed = False
        for name, names in uses.items():
            if name not in spawning and names & spawning:
                spawning.add(name)
                changed = True
    module._studykit_spawning = spawning
    return spawning


def pytest_collection_modifyitems(config, items):
    for item in items:
        function, module = getattr(item, "function", None), getattr(item, "module", None)
        if function is None or module is None or item.get_closest_marker("cli"):
            continue
        spawning = _spawning_helpers(module)
        fixtures = set(getattr(item, "fixturenames", ()))
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        fixture_code = set().union(*(_names_used(d[-1].func) for name, d in defs.items() if d and name in fixtures))
        if (fixtures | fixture_code | _names_used(function)) & spawning:
            item.add_marker(pytest.mark.cli)
