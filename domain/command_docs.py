"""The commands' part of docs/import-format.md, generated from the commands themselves
(`domain/commands.py`): the summary table, the table of when a line is skipped as a repeat, and each
command's whole section (what it does, its fields, its rules with their messages, when it is skipped, an
example line). A new command is documented by its class alone; the prose around these regions (the file's
rules, ids and dates, corrections, the worked example) is written by hand.

    python -m domain.command_docs          # rewrite the generated regions (`make docs` does this)
    python -m domain.command_docs --check  # exit 1 if they are stale (a test checks the same)
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path

from domain.commands import COMMANDS, Command, documented_fields

DOC = Path(__file__).resolve().parents[1] / "docs" / "import-format.md"
MARKERS = re.compile(r"(<!-- generated: (?P<what>[\w ]+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def summary() -> str:
    lines = ["| type | required fields | optional fields |", "|---|---|---|"]
    for kind, cls in COMMANDS.items():
        fields = documented_fields(cls)
        needed = ", ".join(name for name, required, _, _ in fields if required)
        optional = ", ".join(name for name, required, _, _ in fields if not required)
        lines.append(f"| [`{kind}`](#{kind}) | {needed} |" + (f" {optional} |" if optional else " |"))
    return "\n".join(lines) + "\n"


def skipped_table() -> str:
    lines = ["| command | skipped when |", "|---|---|"]
    lines += [f"| `{kind}` | {cls.skipped_when} |" for kind, cls in COMMANDS.items()]
    return "\n".join(lines) + "\n"


def description(cls: type[Command]) -> str:
    """The command's docstring, which says what it records (the dataclass's own signature is no docstring)."""
    doc = cls.__dict__.get("__doc__") or ""
    if not doc or doc.startswith(f"{cls.__name__}("):
        raise ValueError(f"{cls.__name__} ({cls.type}) needs a docstring: what the command records")
    return inspect.cleandoc(doc)


def example_line(cls: type[Command]) -> str:
    return json.dumps({"type": cls.type, **cls.example}, ensure_ascii=False, separators=(",", ":"))


def section(cls: type[Command]) -> str:
    parts = [f"### `{cls.type}`", description(cls)]
    rows = ["| field | required | what it is | written as |", "|---|---|---|---|"]
    rows += [
        f"| `{name}` | {'yes' if required else 'no'} | {doc} | {written} |"
        for name, required, doc, written in documented_fields(cls)
    ]
    parts.append("\n".join(rows))
    if cls.rules:
        rules = [f"- {r.rule}: `field '{r.field}': {r.message}`." for r in cls.rules]
        parts.append("Rules, each with the message a line that breaks it gets:\n\n" + "\n".join(rules))
    parts.append(f"Skipped as already recorded when {cls.skipped_when}.")
    parts.append(f"Example:\n\n```jsonl\n{example_line(cls)}\n```")
    return "\n\n".join(parts) + "\n"


def sections() -> str:
    return "\n".join(section(cls) for cls in COMMANDS.values())


GENERATED = {"commands": summary, "skipped when": skipped_table, "command sections": sections}


def render(text: str) -> str:
    def region(match: re.Match) -> str:
        what = match["what"].strip()
        if what not in GENERATED:
            raise ValueError(f"{DOC.name}: no generator for the region '{what}'")
        return match.group(1) + GENERATED[what]() + match.group(4)

    return MARKERS.sub(region, text)


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    rendered = render(current)
    if "--check" in argv:
        if rendered != current:
            print(f"{DOC} is stale: run `make docs` (python -m domain.command_docs)", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(rendered, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
