"""docs/import-format.md's example lines, imported as a user would: `peerpulse import` on a new store.

Each command's section shows one example line (its class's `example`, domain/commands.py). Imported after
the worked example, in the order the commands are declared, every line must be recorded: not refused, and
not skipped as a repeat, so no example is a line that could never be applied.
"""

from __future__ import annotations

import json
import re
import subprocess

from domain.command_docs import DOC, example_line
from domain.commands import COMMANDS
from tests.conftest import PEERPULSE, env_for
from tests.unit.test_docs import worked_example


def test_every_example_line_is_recorded_after_the_worked_example(settings, tmp_path):
    worked = [line for line in worked_example(DOC.read_text(encoding="utf-8")).splitlines() if line.startswith("{")]
    examples = [example_line(cls) for cls in COMMANDS.values()]
    path = tmp_path / "examples.jsonl"
    path.write_text("\n".join(worked + examples) + "\n", encoding="utf-8")
    done = subprocess.run(
        [PEERPULSE, "import", str(path)], env=env_for(settings), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    total = len(worked) + len(examples)
    assert f"{total} commands: {total} applied, 0 skipped" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_refused_example_is_reported_with_its_line(settings, tmp_path):
    """The check above can fail: an example that breaks a rule stops the import at its line."""
    worked = [line for line in worked_example(DOC.read_text(encoding="utf-8")).splitlines() if line.startswith("{")]
    broken = json.loads(example_line(COMMANDS["join_group"])) | {"group": "nowhere"}
    path = tmp_path / "examples.jsonl"
    path.write_text("\n".join([*worked, json.dumps(broken)]) + "\n", encoding="utf-8")
    done = subprocess.run(
        [PEERPULSE, "import", str(path)], env=env_for(settings), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2
    assert re.search(rf"line {len(worked) + 1}: field 'group': group 'nowhere' does not exist", done.stderr)
