"""Applying JSONL files (and generated programmes) through the domain, with a progress bar."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from domain.application import ImportSummary, PeerPulse
from domain.commands import parse_lines
from domain.errors import PeerPulseError

BAR_THRESHOLD = 5000  # commands; smaller files finish before a bar would be readable


def progress_bar(total: int, desc: str, unit: str = "cmd") -> tqdm:
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr,
                disable=total < BAR_THRESHOLD or not sys.stderr.isatty() and total < 10 * BAR_THRESHOLD)


def import_file(app: PeerPulse, path: Path) -> ImportSummary:
    """Apply one JSONL file all-or-nothing; the same bytes imported twice store nothing new."""
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
    commands = list(parse_lines(text.splitlines(), source))
    with progress_bar(len(commands), f"importing {path.name}") as bar:
        return app.apply_commands(commands, source, file_digest=hashlib.sha256(data).hexdigest(), progress=bar.update)


def to_jsonl(commands: Iterable[dict]) -> list[str]:
    return [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in commands]


def apply_jsonl_lines(app: PeerPulse, lines: list[str], source: str) -> ImportSummary:
    """The same path as a file import, for JSONL made in memory (the seed, meeting exports)."""
    return app.apply_commands(list(parse_lines(lines, source)), source)
