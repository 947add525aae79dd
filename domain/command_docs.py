"""The JSONL format's tables in docs/import-format.md, generated from the commands' own declarations
(`domain/commands.py`: each field's check and what its value is), so the format cannot drift from the
code. The prose around them (the rules, the examples) is written by hand.

    python -m domain.command_docs          # rewrite the generated tables
    python -m domain.command_docs --check  # exit 1 if they are stale (a test runs this)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from domain.commands import COMMANDS, documented_fields

DOC = Path(__file__).resolve().parents[1] / "docs" / "import-format.md"
MARKERS = re.compile(r"(<!-- generated: (?P<what>[\w ]+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def summary() -> str:
    lines = ["| type | required fields | optional fields |", "|---|---|---|"]
    for kind, cls in COMMANDS.items():
        fields = documented_fields(cls)
        needed = ", ".join(name for name, required, _ in fields if required)
        optional = ", ".join(name for name, required, _ in fields if not required)
        lines.append(f"| [`{kind}`](#{kind}) | {needed} |" + (f" {optional} |" if optional else " |"))
    return "\n".join(lines) + "\n"


def field_table(kind: str) -> str:
    lines = ["| field | required | value |", "|---|---|---|"]
    lines += [
        f"| `{name}` | {'yes' if required else 'no'} | {doc} |"
        for name, required, doc in documented_fields(COMMANDS[kind])
    ]
    return "\n".join(lines) + "\n"


def render(text: str) -> str:
    def section(match: re.Match) -> str:
        what = match["what"].strip()
        body = summary() if what == "commands" else field_table(what.removeprefix("fields of ").strip())
        return match.group(1) + body + match.group(4)

    return MARKERS.sub(section, text)


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    rendered = render(current)
    if "--check" in argv:
        if rendered != current:
            print(f"{DOC} is stale: run python -m domain.command_docs", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(rendered, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
