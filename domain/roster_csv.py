"""A programme's roster as a spreadsheet: one row per person and group (name, email, company, title, group,
joined_on), turned into the same `register_member` and `join_group` commands as a JSONL file.

Every row is checked before anything is stored, and every problem is reported with its row and column,
so an admin fixes the sheet in one pass; the whole file is then applied all or nothing. A person's
member id is not in the sheet: it is the id already registered for their email, or a new one made from a
keyed digest of the email, so uploading the same sheet twice registers nobody twice.

A person is on one row per group. An email on two rows (compared without case, as the domain compares
emails) is an error on both rows, unless the second row is the same person, written exactly the same way,
joining another group: otherwise one row's name, company or title would be silently dropped, or two people
merged into one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from domain.commands import Command, InvalidField, JoinGroup, RegisterMember
from domain.errors import PeerPulseError

COLUMNS = ("name", "email", "company", "title", "group", "joined_on")
REQUIRED = ("name", "email", "group", "joined_on")
MAX_BYTES = 2 * 1024 * 1024  # about 10,000 rows
MAX_ROWS = 10_000


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    email: str
    company: str | None
    title: str | None
    group: str
    joined_on: str


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}" + (f", column '{self.column}'" if self.column else "") + f": {self.reason}"


class RosterError(PeerPulseError):
    """The file is not a roster at all (not CSV text, no header, too big)."""


def read_roster(data: bytes, source: str) -> tuple[list[RosterRow], list[RowProblem]]:
    """The rows of a roster file, and every problem found in it (empty when it can be applied)."""
    if len(data) > MAX_BYTES:
        raise RosterError(f"{source}: the file is larger than {MAX_BYTES // 2**20} MiB; split it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise RosterError(f"{source}, line {line}: the file is not UTF-8 text (save it as CSV UTF-8)") from None
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        raise RosterError(f"{source}: the file is not valid CSV ({e})") from None
    if not table or [c.strip().casefold() for c in table[0]][: len(COLUMNS)] != list(COLUMNS):
        raise RosterError(f"{source}, line 1: the first line must name the columns {', '.join(COLUMNS)}")
    if len(table) - 1 > MAX_ROWS:
        raise RosterError(f"{source}: more than {MAX_ROWS:,} rows; split the file")
    rows, problems = [], []
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        values = dict(zip(COLUMNS, (c.strip() for c in cells), strict=False))
        missing = [c for c in REQUIRED if not values.get(c)]
        if len(cells) > len(COLUMNS) and any(c.strip() for c in cells[len(COLUMNS) :]):
            problems.append(RowProblem(line, None, f"has more than the {len(COLUMNS)} columns of the header"))
        elif missing:
            problems += [RowProblem(line, column, "is empty") for column in missing]
        else:
            rows.append(
                RosterRow(
                    line,
                    values["name"],
                    values["email"],
                    values.get("company") or None,
                    values.get("title") or None,
                    values["group"],
                    values["joined_on"],
                )
            )
    return rows, sorted(problems + repeated_emails(rows), key=lambda p: p.line)


def repeated_emails(rows: list[RosterRow]) -> list[RowProblem]:
    """A problem on both rows of every email given twice, unless the later row is the same person (the same
    name, email, company and title, character for character) in another group. No email in a message."""
    first: dict[str, RosterRow] = {}
    problems = []
    for row in rows:
        seen = first.setdefault(row.email.casefold(), row)
        if seen is row:
            continue
        same_person = (seen.name, seen.email, seen.company, seen.title) == (row.name, row.email, row.company, row.title)
        if same_person and seen.group != row.group:
            continue
        if seen.group == row.group:
            why = "in the same group (one row per person and group)"
        elif seen.email != row.email:
            why = "written differently (write a person's email the same way on each of their rows)"
        else:
            why = "with another name, company or title (a person's details are the same on each of their rows)"
        problems.append(RowProblem(seen.line, "email", f"the same email as line {row.line}, {why}"))
        problems.append(RowProblem(row.line, "email", f"the same email as line {seen.line}, {why}"))
    return problems


def roster_commands(
    rows: list[RosterRow], member_id_for: Callable[[str], str]
) -> tuple[list[Command], list[RowProblem]]:
    """`register_member` and `join_group` for each row (a person on several rows is registered once), and
    the rows whose values break a command's format or repeat an email, by row and column."""
    commands: list[Command] = []
    problems: list[RowProblem] = repeated_emails(rows)
    registered: set[str] = set()
    for row in rows:
        member = member_id_for(row.email)
        try:
            if member not in registered:
                commands.append(
                    RegisterMember(
                        member=member,
                        name=row.name,
                        email=row.email,
                        company=row.company,
                        title=row.title,
                        line=row.line,
                    )
                )
                registered.add(member)
            commands.append(JoinGroup(group=row.group, member=member, joined_on=row.joined_on, line=row.line))
        except InvalidField as e:
            problems.append(RowProblem(row.line, {"member": "email"}.get(e.field, e.field), e.reason))
    return commands, sorted(problems, key=lambda p: p.line)
