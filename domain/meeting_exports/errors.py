"""Errors in an export file: each names the file and, where it can, the line.

Messages never repeat a name or an email from the file (they may end up in logs): the line number is
enough for the facilitator to find the row, and candidates are named by member id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from domain.errors import PeerPulseError


class ExportFormatError(PeerPulseError):
    """An export file is not what its tool writes, or is cut short: nothing is recorded from it."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = Path(path)
        self.line = line
        self.reason = message


class AmbiguousMatchError(ExportFormatError):
    """A person in an export could be more than one roster member; guessing would misattribute them."""

    def __init__(self, path: Path | str, line: int | None, candidates: Iterable[str]):
        self.candidates = tuple(sorted(candidates))
        super().__init__(
            path,
            line,
            f"this person matches several roster members ({', '.join(self.candidates)}); "
            "say which one in an aliases file (--aliases, lines 'name as in the export,member id')",
        )


class MeetingRejectedError(PeerPulseError):
    """The export was read, but the domain refused the meeting it amounts to (docs/import-format.md, rules)."""

    def __init__(self, path: Path | str, field: str | None, reason: str):
        what = f"field '{field}': " if field else ""
        super().__init__(f"{path}: the meeting was not recorded: {what}{reason}")
        self.path = Path(path)
        self.field = field
        self.reason = reason
