"""Who is who: the people in an export, matched to the members on the group's roster.

In order: by email (the export's address equals the member's registered one), then by name
(see `names`), then by the facilitator's aliases file for what no rule could guess, such as a device
name ("Eric's iPad (Clapton)"). A name that fits several members is not guessed: it is an error
listing the candidates' member ids, unless the aliases file says which one it is.

Anyone who matches no roster member (a guest, the facilitator when not a member, a former member)
is left unmatched: the caller lists them and does not count them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from domain.ids import is_external_id
from domain.meeting_exports.errors import AmbiguousMatchError, ExportFormatError
from domain.meeting_exports.export_files import read_rows, read_text
from domain.meeting_exports.names import name_variants, normalized


class RosterMember(Protocol):
    member: str
    name: str
    email: str


@dataclass(frozen=True)
class Aliases:
    """Normalized alias -> member id, from a CSV of `alias,member` lines (a header line is optional)."""

    members: Mapping[str, str]
    path: Path | None = None
    lines: Mapping[str, int] = field(default_factory=dict)  # member id -> the first line naming them

    @classmethod
    def none(cls) -> Aliases:
        return cls({})

    def members_for(self, variants: Iterable[str]) -> set[str]:
        return {self.members[v] for v in variants if v in self.members}

    def with_remembered(self, remembered: Mapping[str, str]) -> Aliases:
        """These aliases and those a group remembers (alias -> member); this file's win where both name one."""
        merged = {normalized(alias): member for alias, member in remembered.items()} | dict(self.members)
        return Aliases(merged, self.path, self.lines)

    def check_registered(self, is_registered: Callable[[str], bool]) -> None:
        """An alias for a member id nobody registered is a typo that would silently match no one."""
        for member, line in sorted(self.lines.items(), key=lambda item: item[1]):
            if not is_registered(member):
                raise ExportFormatError(self.path or "aliases", line, f"no member '{member}' is registered")


def read_aliases(path: Path) -> Aliases:
    members: dict[str, str] = {}
    lines: dict[str, int] = {}
    for row in read_rows(path, read_text(path)):
        if row.is_blank or row.cells[0].startswith("#"):
            continue
        if [c.casefold() for c in row.cells] == ["alias", "member"]:
            continue
        if len(row.cells) != 2 or not row.cells[0]:
            raise ExportFormatError(path, row.line, "each line must be 'alias,member id'")
        alias, member = normalized(row.cells[0]), row.cells[1]
        if not is_external_id(member):
            raise ExportFormatError(path, row.line, "the member id must be 1-64 characters from A-Z a-z 0-9 . _ -")
        if members.get(alias, member) != member:
            raise ExportFormatError(path, row.line, "this alias is already given to another member on an earlier line")
        members[alias] = member
        lines.setdefault(member, row.line)
    return Aliases(members, path, lines)


@dataclass(frozen=True)
class Match:
    member: str
    by: str  # "email", "name" or "alias": printed, so the facilitator can see how sure it is


class Roster:
    """The members on a meeting's roster, indexed by what an export can show of them."""

    def __init__(self, members: Iterable[RosterMember], aliases: Aliases):
        members = tuple(members)
        self.members = tuple(sorted({m.member for m in members}))
        self._by_email: dict[str, str] = {}
        self._by_name: dict[str, set[str]] = {}
        for entry in members:
            if entry.email:
                self._by_email[entry.email.strip().casefold()] = entry.member
            self._by_name.setdefault(normalized(entry.name), set()).add(entry.member)
        on_roster = set(self.members)
        # An alias for someone who has left the group is not an error: the file serves many meetings.
        self._aliases = Aliases({a: m for a, m in aliases.members.items() if m in on_roster})

    def identify(self, name: str, emails: Iterable[str] = (), *, path: Path, line: int) -> Match | None:
        for email in emails:
            member = self._by_email.get(email.strip().casefold())
            if member:
                return Match(member, "email")
        variants = name_variants(name)
        by_name = set().union(*(self._by_name.get(v, set()) for v in variants))
        by_alias = self._aliases.members_for(variants)
        if len(by_name) == 1:
            return Match(by_name.pop(), "name")
        if len(by_alias) == 1:
            return Match(by_alias.pop(), "alias")
        if by_name or by_alias:
            raise AmbiguousMatchError(path, line, by_name | by_alias)
        return None
