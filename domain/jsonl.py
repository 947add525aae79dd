"""The JSONL importer: a file of commands (docs/import-format.md), one JSON object per line, applied
through the application all or nothing.

Every byte of a file is hostile until checked: it is read up to a size limit, split on line feeds only
(a U+2028 inside a name is text, not a line break), and each line is parsed strictly: duplicate keys,
NaN and Infinity, integers of absurd length and nesting deeper than a command ever needs are refused
with the line number, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from domain.application import ImportSummary, PeerPulse
from domain.commands import Command, parse_command
from domain.errors import CommandError, PeerPulseError

MAX_FILE_BYTES = 256 * 1024 * 1024  # about 800,000 commands: split larger programmes into several files
MAX_LINE_CHARS = 1024 * 1024
MAX_INTEGER_DIGITS = 30


class _Refused(ValueError):
    """A JSON value no command can hold: why, and the field when it is known."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(reason)
        self.field = field


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            if key.isidentifier():
                raise _Refused("appears twice in the object (which one was meant?)", key)
            raise _Refused("repeats a key in one object")
        found[key] = value
    return found


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _Refused(f"holds an integer of more than {MAX_INTEGER_DIGITS} digits")
    return int(digits)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("holds a number too large to be finite")
    return value


def _constant(name: str) -> float:
    raise _Refused(f"holds {name}, which is not a JSON number")


_decoder = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_integer, parse_float=_number, parse_constant=_constant)


def parse_line(line: str, number: int, source: str) -> Any:
    """One line's JSON value, or CommandError naming the line."""
    if len(line) > MAX_LINE_CHARS:
        raise CommandError(source, number, None, f"is longer than {MAX_LINE_CHARS:,} characters")
    try:
        return _decoder.decode(line)
    except json.JSONDecodeError as e:
        raise CommandError(source, number, None, f"is not valid JSON ({e.msg} at column {e.colno})") from None
    except _Refused as e:
        raise CommandError(source, number, e.field, str(e)) from None
    except RecursionError:
        raise CommandError(source, number, None, "is nested deeper than any command") from None


def parse_lines(lines: Iterable[str], source: str) -> Iterator[Command]:
    """Commands from JSONL text; blank lines and lines starting with '#' are skipped."""
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        yield parse_command(parse_line(stripped, number, source), number, source)


def commands_from(objects: Iterable[dict], source: str) -> list[Command]:
    """Commands from objects made in memory (a synthetic programme), checked exactly as a file's lines."""
    return [parse_command(obj, number, source) for number, obj in enumerate(objects, start=1)]


def to_jsonl(objects: Iterable[dict]) -> list[str]:
    return [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in objects]


def read_file(path: Path) -> tuple[list[Command], str]:
    """A file's commands, and the digest of its bytes (the same bytes are never imported twice)."""
    source = str(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise PeerPulseError(f"{source}: cannot read the file ({e.strerror or type(e).__name__})") from None
    if len(data) > MAX_FILE_BYTES:
        raise PeerPulseError(
            f"{source}: the file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it into "
            "several files (each is applied all or nothing)"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) >= 2 and b"\x00" in data[:2]):
        raise PeerPulseError(f"{source}, line 1: the file is UTF-16 text; save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise PeerPulseError(f"{source}, line {line}: the file is not UTF-8 text") from None
    return list(parse_lines(text.split("\n"), source)), hashlib.sha256(data).hexdigest()


def import_file(app: PeerPulse, path: Path, progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Apply one JSONL file all-or-nothing; the same bytes imported twice store nothing new."""
    commands, digest = read_file(path)
    return app.apply_commands(commands, str(path), file_digest=digest, progress=progress)
