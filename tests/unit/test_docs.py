"""The documentation stays true to the code and inside the repository.

- docs/import-format.md names every command of `domain.commands.COMMANDS`, each with every field of its
  class, required or optional as the class says, and every allowed value; its worked example parses.
  Its command sections are what `domain.command_docs` generates from the classes (`make docs`), so a
  field, rule or repeat added to a command without regenerating fails here, not in a user's hands; each
  section's example line parses as its command.
- No Markdown link in a tracked `*.md` file leaves the repository: a relative link must resolve to a file
  (or a folder of files) inside it, and there are no `http(s)://` links. Users of the project have only
  the repository; a link to a sibling checkout or a web page breaks for them.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from dataclasses import fields
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest

from domain import command_docs, commands, model
from domain.commands import COMMANDS, parse_command
from domain.jsonl import parse_lines

REPO = Path(__file__).resolve().parents[2]
IMPORT_FORMAT = REPO / "docs" / "import-format.md"


# -- docs/import-format.md against domain.commands ---------------------------------------------------
def command_section(text: str, command: str) -> str:
    """The text under the heading "### `command`", up to the next heading of that level or above."""
    match = re.search(rf"^### `{re.escape(command)}`\s*$(.*?)(?=^#{{1,3}} |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"docs/import-format.md has no section '### `{command}`'"
    return match.group(1)


def documented_fields(section: str) -> dict[str, str]:
    """Field -> the 'required' cell of its row in the section's field table."""
    return dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+?) \|", section, re.MULTILINE))


@pytest.mark.parametrize("command", list(COMMANDS))
def test_import_format_documents_every_field_of_the_command(command):
    section = command_section(IMPORT_FORMAT.read_text(encoding="utf-8"), command)
    documented = documented_fields(section)
    declared = [f for f in fields(COMMANDS[command]) if f.name != "line"]
    missing = [f.name for f in declared if f.name not in documented]
    assert not missing, f"docs/import-format.md, '{command}': fields missing from its table: {missing}"
    wrong = [
        f.name
        for f in declared
        if (documented[f.name] == "yes") != (f.default is not None)  # required fields have no default
    ]
    assert not wrong, f"docs/import-format.md, '{command}': 'required' is wrong for {wrong}"
    unknown = sorted(set(documented) - {f.name for f in declared})
    assert not unknown, f"docs/import-format.md, '{command}': documents fields the command has not: {unknown}"


def test_import_format_names_every_allowed_value():
    text = IMPORT_FORMAT.read_text(encoding="utf-8")
    vocabularies = (
        model.CADENCES,
        model.LEAVE_REASONS,
        model.TOPICS,
        model.FORMATS,
        model.ATTENDANCE_STATUSES,
        model.OUTCOMES,
    )
    missing = [value for values in vocabularies for value in values if f"`{value}`" not in text]
    assert not missing, f"docs/import-format.md does not name these allowed values: {missing}"


def worked_example(text: str) -> str:
    """The ```jsonl block of the section "## Worked example"."""
    section = re.search(r"^## Worked example$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert section, "docs/import-format.md has no section '## Worked example'"
    block = re.search(r"^```jsonl\n(.*?)^```", section.group(1), re.MULTILINE | re.DOTALL)
    assert block, "docs/import-format.md's worked example has no ```jsonl block"
    return block.group(1)


def test_import_format_worked_example_is_a_valid_file():
    """The worked example parses (tests/e2e/test_import_format_examples.py imports it). It need not use
    every command: each command's own example line is checked below, so a new command needs no edit here."""
    example = worked_example(IMPORT_FORMAT.read_text(encoding="utf-8"))
    commands = list(parse_lines(example.splitlines(), "docs/import-format.md"))
    assert len(commands) > len(COMMANDS) / 2, "the worked example should show a programme, not a line or two"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_commands_example_line_parses_and_its_rules_name_its_fields(command):
    """Each command's section shows an example line (from its class) that `parse_command` accepts as that
    command, and each of its rules reports on a field the command has (the import is checked end to end in
    tests/e2e/test_import_format_examples.py)."""
    cls = COMMANDS[command]
    section = command_section(IMPORT_FORMAT.read_text(encoding="utf-8"), command)
    lines = re.findall(r"^```jsonl\n(.*?)\n^```", section, re.MULTILINE | re.DOTALL)
    assert lines == [command_docs.example_line(cls)], f"'{command}': its section should show its one example line"
    parsed = parse_command(json.loads(lines[0]), 1, "docs/import-format.md")
    assert type(parsed) is cls and parsed.as_dict() == {"type": command, **cls.example}
    names = {name for name, *_ in commands.documented_fields(cls)}
    assert all(rule.field in names for rule in cls.rules), f"'{command}': a rule names a field it has not"
    assert cls.skipped_when and command_docs.description(cls)


@cache
def refusal_templates() -> list[tuple[re.Pattern, str | None]]:
    """(the message as a pattern, the field when it is a constant) of every DomainError and InvalidField the
    domain raises: each value put into a message (`{...}`) may be any text."""
    found = []
    for path in sorted((REPO / "domain").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("DomainError", "InvalidField")):
                continue
            args = node.args if node.func.id == "DomainError" else node.args[::-1]  # InvalidField(field, reason)
            if not args or not isinstance(args[0], (ast.Constant, ast.JoinedStr)):
                continue
            parts = args[0].values if isinstance(args[0], ast.JoinedStr) else [args[0]]
            pattern = "".join(re.escape(p.value) if isinstance(p, ast.Constant) else ".+" for p in parts)
            field = args[1].value if len(args) > 1 and isinstance(args[1], ast.Constant) else None
            found.append((re.compile(pattern), field))
    return found


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_rules_message_is_one_the_domain_raises(command):
    """A rule's message in the page is the domain's wording (with example ids): a message reworded in
    domain/model.py or domain/application.py, but not in the command's `rules`, fails here."""
    for rule in COMMANDS[command].rules:
        fields_said = [field for pattern, field in refusal_templates() if pattern.fullmatch(rule.message)]
        assert fields_said, f"'{command}': no error of the domain reads like {rule.message!r}"
        assert rule.field in fields_said or None in fields_said, (
            f"'{command}': {rule.message!r} is reported on field {fields_said}, not {rule.field!r}"
        )


# -- links in the repository's Markdown -------------------------------------------------------------
def git_files(*args: str) -> list[str]:
    done = subprocess.run(["git", "ls-files", "-z", *args], cwd=REPO, capture_output=True, check=True, timeout=60)
    return [name for name in done.stdout.decode("utf-8").split("\0") if name]


@cache
def repository_paths() -> frozenset[str]:
    """Files a link may point at (tracked, or new and not ignored), and every folder holding one."""
    files = [f for f in git_files("--cached", "--others", "--exclude-standard") if (REPO / f).exists()]
    folders = {str(Path(f).parent) for f in files}
    folders |= {str(parent) for folder in folders for parent in Path(folder).parents}
    return frozenset(files) | frozenset(folders)


# Files this change does not own, which still link outside the repository; their owners repoint them.
# strict: once a file is fixed, its XPASS fails, so the marker is removed and the file is checked again.
OUTSIDE_LINKS_NOT_OURS: dict[str, str] = {}


def markdown_files(known_violations: dict[str, str]) -> list:
    """Every tracked Markdown file, as test parameters; those in `known_violations` expected to fail."""
    try:
        names = git_files("--", "*.md")
    except (OSError, subprocess.SubprocessError):
        return [pytest.param(None, marks=pytest.mark.skip(reason="not a git checkout: no tracked files to list"))]
    return [
        pytest.param(
            name,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=known_violations[name])] if name in known_violations else [],
        )
        for name in names
    ]


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
INLINE_LINK = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]*)")  # [text](target), ![alt](target)
REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)  # [label]: target
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^>\s]*)>")
BARE_URL = re.compile(r"\bhttps?://[^\s)>\]]+")  # GitHub turns these into links too
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def without_code(text: str) -> str:
    """The text with fenced blocks and code spans blanked out (same length, same lines): not links."""
    paragraphs = re.split(r"(\n\s*\n)", without_fences(text))  # a code span never crosses a blank line
    return "".join(CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), part) for part in paragraphs)


def without_fences(text: str) -> str:
    """The text with fenced code blocks blanked out (same length, same lines)."""
    lines = text.split("\n")
    fence = None
    for i, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
            lines[i] = " " * len(line)
        elif fence is not None:
            closing = line.strip()
            if closing.startswith(fence[0] * len(fence)) and set(closing) == {fence[0]}:
                fence = None
            lines[i] = " " * len(line)
    return "\n".join(lines)


def links(text: str) -> list[tuple[int, str]]:
    """(line, target) of every link in Markdown text, outside code."""
    prose = without_code(text)
    found = []
    for pattern in (INLINE_LINK, REFERENCE, AUTOLINK, BARE_URL):
        for match in pattern.finditer(prose):
            target = match.group(1) if pattern.groups else match.group(0)
            found.append((prose.count("\n", 0, match.start()) + 1, target.strip("<>")))
    return sorted(set(found))


def why_outside(source: str, target: str) -> str | None:
    """Why a link in `source` (a path relative to the repository) does not stay inside it, or None."""
    if SCHEME.match(target) or target.startswith("//"):
        return "leaves the repository"
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None  # an anchor in the same file
    if path.startswith("/"):
        return "is an absolute path; use a path relative to this file"
    resolved = os.path.normpath(os.path.join(os.path.dirname(source), path))
    if resolved == ".." or resolved.startswith("../"):
        return "points outside the repository"
    if resolved not in repository_paths():
        return "names no file in the repository"
    return None


@pytest.mark.parametrize("source", markdown_files(OUTSIDE_LINKS_NOT_OURS))
def test_markdown_links_stay_inside_the_repository(source):
    text = (REPO / source).read_text(encoding="utf-8")
    violations = [
        f"{source}:{line}: {target} {reason}"
        for line, target in links(text)
        if (reason := why_outside(source, target)) is not None
    ]
    assert not violations, "links that leave the repository:\n" + "\n".join(violations)


def heading_anchors(text: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces to '-'."""
    anchors: set[str] = set()
    for heading in re.findall(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", without_fences(text), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in anchors:  # a repeated heading gets -1, -2, ...
            n += 1
            anchor = f"{slug}-{n}"
        anchors.add(anchor)
    anchors.update(re.findall(r'<a\s+(?:id|name)="([^"]+)"', text))  # explicit anchors, as the generated docs use
    return anchors


@pytest.mark.parametrize("source", markdown_files({}))
def test_markdown_anchors_name_a_heading(source):
    """A link to `file.md#part` must find the heading: the docs are cited by section."""
    text = (REPO / source).read_text(encoding="utf-8")
    broken = []
    for line, target in links(text):
        path, _, anchor = target.partition("#")
        if not anchor or why_outside(source, target) is not None:
            continue
        linked = os.path.normpath(os.path.join(os.path.dirname(source), unquote(path))) if path else source
        if linked.endswith(".md") and anchor not in heading_anchors((REPO / linked).read_text(encoding="utf-8")):
            broken.append(f"{source}:{line}: {target}")
    assert not broken, "links to a heading that does not exist:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    "markdown, expected",
    [
        ("See [the spec](../shared/spec/IMPORT.md).", [(1, "../shared/spec/IMPORT.md")]),
        ('![shot](docs/a.png "title")\n\n[x]: <b c.md>', [(1, "docs/a.png"), (3, "b c.md")]),
        ("<https://example.org> or https://example.org/x", [(1, "https://example.org"), (1, "https://example.org/x")]),
        ("`[not](a link)` and\n```\n[nor](this)\n```\n[but](this.md#part)", [(5, "this.md#part")]),
    ],
)
def test_links_are_found_outside_code_only(markdown, expected):
    assert links(markdown) == expected


@pytest.mark.parametrize(
    "target, reason",
    [
        ("../shared/spec/METRICS.md", "points outside the repository"),
        ("https://example.org", "leaves the repository"),
        ("mailto:someone@example.org", "leaves the repository"),
        ("/docs/metrics.md", "is an absolute path; use a path relative to this file"),
        ("docs/no-such-file.md", "names no file in the repository"),
        ("docs/metrics.md#attendance", None),
        ("docs/screenshots/", None),
        ("#the-file", None),
    ],
)
def test_link_targets_are_judged_from_the_linking_file(target, reason):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    assert why_outside("README.md", target) == reason


def test_the_import_formats_command_sections_are_generated_from_the_commands():
    """docs/import-format.md's tables and command sections come from domain/commands.py: never stale."""
    current = command_docs.DOC.read_text(encoding="utf-8")
    assert command_docs.render(current) == current, "run `make docs`: docs/import-format.md is stale"


def test_an_edit_inside_a_generated_section_is_found_stale():
    current = command_docs.DOC.read_text(encoding="utf-8")
    for edited in (
        current.replace("| `held_on` | yes |", "| `held_on` | no |"),
        current.replace("reaches the warehouse.\n", "reaches the warehouse, mostly.\n", 1),
        current.replace('"cadence":"monthly","formed_on":"2025-04-07"', '"cadence":"yearly","formed_on":"2025-04-07"'),
    ):
        assert edited != current, "the edit this test makes is no longer in the page: pick another"
        assert command_docs.render(edited) == current
    assert command_docs.main(["--check"]) == 0
