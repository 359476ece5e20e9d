"""`grade --json` is a public contract: golden results.json files for the outcomes a reader must handle.

Durations and temporary paths are normalised; everything else — field names, order of cases, statuses, messages,
the version — must match byte for byte. Regenerate after a deliberate change with STUDYKIT_REGENERATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import SOLUTIONS, grade_file

pytestmark = pytest.mark.cli

GOLDEN = Path(__file__).parent / "golden"

OUTCOMES = {
    "syntax_error": ("ex02", "def softmax(Z, axis=-1)\n    return Z\n", ()),
    "import_error": ("ex02", "import numpy as np\nimport no_such_module_for_studykit\n", ()),
    "timeout": ("ex02", "def softmax(Z, axis=-1):\n    while True:\n        pass\n", ("--timeout", "6")),
    "refused_import": ("ex02", "import numpy as np\nfrom scipy.special import softmax\n", ()),
    "partial_pass": ("ex02", (SOLUTIONS / "ex02_no_max.py").read_text(encoding="utf-8"), ()),
}


def normalised(result: dict, folder: Path) -> dict:
    text = json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False)
    text = text.replace(str(folder.resolve()), "<dir>").replace(str(folder), "<dir>")
    out = json.loads(text)
    out["duration"] = 0.0
    return out


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_results_json_matches_its_golden_file(outcome, tmp_path):
    exercise, source, extra = OUTCOMES[outcome]
    path = tmp_path / "solution.py"
    path.write_text(source, encoding="utf-8")
    proc, result = grade_file(exercise, path, "--seed", "7", *extra, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    got = normalised(result, tmp_path)
    golden = GOLDEN / f"{outcome}.json"
    if os.environ.get("STUDYKIT_REGENERATE_GOLDEN"):
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert got == expected
    assert got["version"] == 2 and got["status"] in ("fail", "error")
