"""The table sections of warehouse/README.md, generated from the models' headers.

    python -m warehouse.docs           rewrite the generated sections
    python -m warehouse.docs --check   exit 1 if they are stale (a header changed since)

The README's prose is kept by hand; each generated section sits between a pair of marker comments,
`<!-- generated: NAME -->` and `<!-- end generated: NAME -->`, and only what lies between them is
rewritten. To change a table's documentation, edit its .sql header, then run this.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Callable

from warehouse.models import HERE, Model, ModelError, ModelKind, models
from warehouse.rules import InRange

README = HERE / "README.md"
WIDTH = 110  # the README's prose is wrapped at this width
MARKERS = re.compile(
    r"(<!-- generated: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- end generated: (?P=name) -->)", re.DOTALL
)
READERS = {
    "lead": lambda scope: "programme leads, every row" if scope == "all" else f"programme leads, by `{scope}`",
    "admin": lambda scope: "programme admins, every row",
    "facilitator": lambda scope: (
        "facilitators, every row"
        if scope == "all"
        else f"facilitators, the rows of the groups they facilitate (`{scope}`)"
    ),
    "member": lambda scope: "members, every row" if scope == "all" else f"members, their own rows (`{scope}`)",
}


def published_sections(found: dict[str, Model]) -> str:
    published = [m for m in found.values() if m.published]
    ordered = [m for m in published if m.contract] + [m for m in published if not m.contract]
    return "\n".join(table_section(m) for m in ordered)


def internal_sections(found: dict[str, Model]) -> str:
    internal = [m for m in found.values() if not m.published]
    lines = ["| model | layer | reads | what |", "|---|---|---|---|"]
    for m in internal:
        lines.append(f"| [`{m.name}`](#{m.name}) | {m.layer} | {_reads(m)} | {_cell(m.grain)} |")
    return "\n".join(lines) + "\n\n" + "\n".join(table_section(m) for m in internal)


SECTIONS: dict[str, Callable[[dict[str, Model]], str]] = {
    "published": published_sections,
    "internal": internal_sections,
}


def table_section(model: Model) -> str:
    facts = [
        f"[{model.path.parent.name}/{model.path.name}]({model.path.parent.name}/{model.path.name})",
        f"key: {', '.join(f'`{k}`' for k in model.key)}",
        f"reads: {_reads(model)}",
        "refreshed: daily (by whole rebuilds)"
        if model.daily
        else f"refreshed: by `{model.partition}`"
        if model.partition
        else "refreshed: whole",
    ]
    if model.kind is ModelKind.PYTHON:
        facts.insert(0, "**Python model**")
    if model.contract:
        facts.insert(0, "**contract table**")
    if model.published:
        who = "; ".join(READERS[role](scope) for role, scope in model.readers.items()) or "no dashboard role"
        facts.append(f"dashboard readers: {who}")
    lines = [
        f'<a id="{model.name}"></a>',
        f"### `{model.name}` — {model.grain}",
        "",
        textwrap.fill(model.description, WIDTH),
        "",
        textwrap.fill(" · ".join(facts), WIDTH, break_long_words=False, break_on_hyphens=False),
        "",
        "| column | type | meaning | checks |",
        "|---|---|---|---|",
    ]
    for column in model.columns:
        name = f"{column.name} *(extra)*" if column.extra else column.name
        in_range = column.check(InRange)
        kind = column.type + (f", {in_range.bounds}" if in_range else "")
        checks = "; ".join(c.in_docs for c in column.checks if not isinstance(c, InRange))
        lines.append(f"| {name} | {kind} | {_cell(column.description)} | {checks} |")
    if model.notes:
        lines += ["", model.notes]
    return "\n".join(lines) + "\n"


def _reads(model: Model) -> str:
    names = [f"[`{n}`](#{n})" for n in model.depends_on] + [f"`{n}`" for n in model.facts]
    return ", ".join(names) or "nothing (constants)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(text: str, found: dict[str, Model] | None = None) -> str:
    """`text` (the README) with every generated section rewritten from the headers."""
    found = models() if found is None else found
    seen = set()

    def section(match: re.Match) -> str:
        name = match["name"]
        if name not in SECTIONS:
            raise SystemExit(f"{README}: unknown generated section {name!r} (known: {', '.join(SECTIONS)})")
        seen.add(name)
        return match.group(1) + "\n" + SECTIONS[name](found) + "\n" + match.group(4)

    rendered = MARKERS.sub(section, text)
    missing = set(SECTIONS) - seen
    if missing:
        raise SystemExit(
            f"{README}: no markers for the generated section {', '.join(sorted(missing))}: add "
            f"<!-- generated: NAME --> and <!-- end generated: NAME --> where it belongs"
        )
    return rendered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the README's generated sections are stale")
    args = parser.parse_args(argv)
    current = README.read_text()
    try:
        rendered = render(current)
    except ModelError as e:  # a wrong header: say which, without a traceback
        print(f"python -m warehouse.docs: {e}", file=sys.stderr)
        return 2
    if args.check:
        if rendered != current:
            print(f"{README.relative_to(HERE.parent)} is stale: run `python -m warehouse.docs`", file=sys.stderr)
            return 1
        return 0
    if rendered != current:
        README.write_text(rendered)
        print(f"wrote {README.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
