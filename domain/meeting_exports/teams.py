"""The Microsoft Teams meeting attendance report, as downloaded from the meeting's Attendance tab.

Teams writes it as UTF-16 text with a byte-order mark, tab-separated despite its `.csv` name, in
numbered sections:

    1. Summary                  key/value rows: Meeting title, Attended participants, Start time, ...
    2. Participants             Name, First Join, Last Leave, In-Meeting Duration, Email,
                                Participant ID (UPN), Role: one row per person, reconnects folded
    3. In-Meeting Activities    Name, Join Time, Leave Time, Duration, Email, Role: one row per session

The same report opened in a spreadsheet and saved as CSV UTF-8 is comma-separated, every row padded
to the widest with empty cells; both are read. Sections are found by number, since their titles are
translated with the interface. Durations read like `1h 27m 51s`, `45m 3s`, `30s`.

A report cut short is refused: a row with fewer cells than its header, or fewer participants than
the summary counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from domain.meeting_exports.errors import ExportFormatError
from domain.meeting_exports.export import MeetingExport, Session, fold_sessions
from domain.meeting_exports.export_files import Row, Table, read_rows, read_text, without_trailing_blanks
from domain.meeting_exports.timestamps import UnreadableTimestamp, read_timestamps

TOOL = "Microsoft Teams"
SECTION = re.compile(r"^(?P<number>\d{1,3})\.\s+\S")
SUMMARY, PARTICIPANTS, ACTIVITIES = 1, 2, 3
DURATION = re.compile(r"^(?:(?P<h>\d{1,2})\s*h)?\s*(?:(?P<m>\d{1,4})\s*m(?:in)?)?\s*(?:(?P<s>\d{1,5})\s*s)?$")
MAX_SECONDS = 24 * 3600


def read_attendance_report(path: Path) -> MeetingExport:
    text = read_text(path)
    sections = _sections(read_rows(path, text, "\t" if "\t" in text else ","))
    if PARTICIPANTS not in sections and SUMMARY in sections:
        raise ExportFormatError(path, None, "ends before its '2. Participants' section: the file looks truncated")
    if PARTICIPANTS not in sections:
        raise ExportFormatError(
            path,
            None,
            "is not a Teams attendance report: it has no '2. Participants' section "
            "(download the report from the meeting's Attendance tab)",
        )
    summary = _summary(sections.get(SUMMARY, []))
    listed, joined_title = _participants(path, sections[PARTICIPANTS])
    if ACTIVITIES in sections:
        _check_activities(path, sections[ACTIVITIES])
    _check_count(path, summary, listed)

    start_title = "start time" if summary.get("start time") else "meeting start time"
    start = summary.get(start_title)
    texts = ([start[0]] if start else []) + [item.joined for item in listed]
    lines = ([start[1]] if start else []) + [item.line for item in listed]
    fields = ([start_title.capitalize()] if start else []) + [joined_title] * len(listed)
    try:
        moments = dict(zip(lines, read_timestamps(texts), strict=True))
    except UnreadableTimestamp as e:
        raise ExportFormatError(path, lines[e.index], e.reason(fields[e.index], TOOL)) from None
    sessions = [Session(item.name, item.emails, moments[item.line], item.seconds, item.line) for item in listed]
    return MeetingExport(TOOL, path, fold_sessions(sessions), moments[start[1]] if start else None)


def seconds_of(duration: str) -> int | None:
    """`1h 27m 51s` -> 5271; None when it is not a duration as Teams writes one."""
    match = DURATION.match(" ".join(duration.split()))
    if not duration.strip() or not match:
        return None
    seconds = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + int(match["s"] or 0)
    return seconds if seconds <= MAX_SECONDS else None


@dataclass(frozen=True)
class _Listed:
    line: int
    name: str
    emails: tuple[str, ...]
    joined: str  # read once every time in the file is known
    seconds: int


def _sections(rows: list[Row]) -> dict[int, list[Row]]:
    """Rows under each numbered title, as read: their width tells whether the file was cut short."""
    sections: dict[int, list[Row]] = {}
    current: list[Row] | None = None
    for row in rows:
        cells = without_trailing_blanks(row).cells
        title = SECTION.match(cells[0]) if len(cells) == 1 else None
        if title:
            current = sections.setdefault(int(title["number"]), [])
        elif current is not None and not row.is_blank:
            current.append(row)
    return sections


def _summary(rows: list[Row]) -> dict[str, tuple[str, int]]:
    """Key (casefolded) -> (value, line)."""
    return {" ".join(row.cells[0].casefold().split()): (row.cells[1], row.line) for row in rows if len(row.cells) >= 2}


def _participants(path: Path, rows: list[Row]) -> tuple[list[_Listed], str]:
    """The participants, and the title of their join time's column."""
    if not rows:
        raise ExportFormatError(path, None, "the '2. Participants' section is empty: the file looks truncated")
    table = Table(path, without_trailing_blanks(rows[0]))
    name = table.required_column("Name", "Full Name")
    first_join = table.required_column("First Join", "Join Time")
    duration = table.required_column("In-Meeting Duration", "Duration")
    email = table.column("Email")
    upn = table.column("Participant ID (UPN)", "UPN")
    listed = []
    for row in rows[1:]:
        table.check_width(row)
        who, joined = table.cell(row, name), table.cell(row, first_join)
        if not who:
            raise ExportFormatError(path, row.line, f"'{table.title(name)}' is empty")
        if not joined:
            raise ExportFormatError(path, row.line, f"'{table.title(first_join)}' is empty")
        seconds = seconds_of(table.cell(row, duration))
        if seconds is None:
            raise ExportFormatError(
                path, row.line, f"'{table.title(duration)}' is not a duration like '1h 27m 51s' (of at most a day)"
            )
        addresses = (table.cell(row, email), table.cell(row, upn))
        emails = tuple({e.casefold(): e for e in addresses if "@" in e}.values())
        listed.append(_Listed(row.line, who, emails, joined, seconds))
    if not listed:
        raise ExportFormatError(path, table.header.line, "lists no participants under this header")
    return listed, table.title(first_join)


def _check_activities(path: Path, rows: list[Row]) -> None:
    """Not needed for attendance, but a report cut short is usually cut here, in its last section."""
    if not rows:
        raise ExportFormatError(path, None, "the '3. In-Meeting Activities' section is empty: the file looks truncated")
    table = Table(path, without_trailing_blanks(rows[0]))
    duration = table.required_column("Duration")
    for row in rows[1:]:
        table.check_width(row)
        if seconds_of(table.cell(row, duration)) is None:
            raise ExportFormatError(path, row.line, f"'{table.title(duration)}' is not a duration like '45m 3s'")


def _check_count(path: Path, summary: dict[str, tuple[str, int]], listed: list[_Listed]) -> None:
    declared = summary.get("attended participants") or summary.get("total number of participants")
    if declared and declared[0].isdecimal() and len(declared[0]) < 7 and len(listed) < int(declared[0]):
        raise ExportFormatError(
            path,
            declared[1],
            f"the summary counts {declared[0]} participants but section 2 lists {len(listed)}: "
            "the file looks truncated",
        )
