"""The JSONL importer: a file of commands (docs/import-format.md), one JSON object per line, applied
through the application all or nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from domain.application import ImportSummary, PeerPulse
from domain.commands import Command, parse_command
from domain.errors import CommandError, PeerPulseError


def parse_lines(lines: Iterable[str], source: str) -> Iterator[Command]:
    """Commands from JSONL text; blank lines and lines starting with '#' are skipped."""
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as e:
            raise CommandError(source, number, None, f"is not valid JSON ({e.msg} at column {e.colno})") from None
        yield parse_command(obj, number, source)


def commands_from(objects: Iterable[dict], source: str) -> list[Command]:
    """Commands from objects made in memory (a synthetic programme), checked exactly as a file's lines."""
    return [parse_command(obj, number, source) for number, obj in enumerate(objects, start=1)]


def to_jsonl(objects: Iterable[dict]) -> list[str]:
    return [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in objects]


def read_file(path: Path) -> tuple[list[Command], str]:
    """A file's commands, and the digest of its bytes (the same bytes are never imported twice)."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PeerPulseError(f"{source}: cannot read the file ({e.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise PeerPulseError(f"{source}, line {line}: the file is not UTF-8 text") from None
    return list(parse_lines(text.splitlines(), source)), hashlib.sha256(data).hexdigest()


def import_file(app: PeerPulse, path: Path, progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Apply one JSONL file all-or-nothing; the same bytes imported twice store nothing new."""
    commands, digest = read_file(path)
    return app.apply_commands(commands, str(path), file_digest=digest, progress=progress)
