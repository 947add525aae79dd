"""Errors a user can act on.

Every error raised for a user's mistake derives from `PeerPulseError`; the CLI prints its message and
exits non-zero, without a traceback. Messages name ids, fields, files and line numbers, never personal
data (names, emails) or what anyone committed to.
"""

from __future__ import annotations


class PeerPulseError(Exception):
    """Base of every error whose message is meant for the person running PeerPulse."""

    exit_code = 2

    def __str__(self) -> str:  # the message, never the repr of the arguments
        return self.args[0] if self.args else self.__class__.__name__


class DomainError(PeerPulseError):
    """A command broke a rule of the domain (docs/import-format.md)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class CommandError(PeerPulseError):
    """A command in a file could not be applied: names the file, line and field."""

    def __init__(self, source: str, line: int, field: str | None, reason: str):
        where = f"{source}, line {line}"
        what = f"field '{field}'" if field else "command"
        super().__init__(f"{where}: {what}: {reason}")
        self.source = source
        self.line = line
        self.field = field
        self.reason = reason


class ConfigurationError(PeerPulseError):
    """PeerPulse is not set up the way it needs to be (keys, database URL, data folder)."""

    exit_code = 3
