"""Zoom's participants report (Reports > Usage > Participants, exported as CSV).

Two layouts. With "Show unique users" ticked, one row per person and a `Total Duration (Minutes)`.
Without it, one row per session with `Join Time` and `Leave Time`: a person who drops and reconnects
is on several rows, folded back into one here. Exported "with meeting data", either layout starts
with a meeting block (`Meeting ID, Topic, Start Time, ...`) and a blank line. Columns Zoom adds on
some accounts (`Guest`, `Recording Consent`, `In Waiting Room`) are tolerated. Time in the waiting
room counts as arriving but not as attending (see `export.fold_sessions`).

The one-row-per-person layout has no join times, so nobody can be found late from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from domain.meeting_exports.errors import ExportFormatError
from domain.meeting_exports.export import MeetingExport, Session, fold_sessions
from domain.meeting_exports.export_files import Row, Table, read_rows, read_text
from domain.meeting_exports.timestamps import UnreadableTimestamp, read_timestamps

TOOL = "Zoom"
NAME = ("Name (Original Name)", "Name", "User Name (Original Name)", "Participant")
EMAIL = ("User Email", "Email")
JOIN = ("Join Time",)
DURATION = ("Total Duration (Minutes)", "Duration (Minutes)")
WAITING_ROOM = ("In Waiting Room",)
YES = {"yes", "y", "true", "1"}


def read_participants_report(path: Path) -> MeetingExport:
    rows = read_rows(path, read_text(path))
    at = _header_position(rows)
    if at is None:
        raise ExportFormatError(
            path,
            None,
            "is not a Zoom participants report: no header row with 'Name (Original Name)' and "
            "'Join Time' or 'Total Duration (Minutes)'",
        )
    table = Table(path, rows[at])
    name = table.required_column(*NAME)
    email = table.column(*EMAIL)
    join = table.column(*JOIN)
    duration = table.required_column(*DURATION)
    waiting_room = table.column(*WAITING_ROOM)

    listed: list[_Listed] = []
    for row in rows[at + 1 :]:
        if row.is_blank:
            continue
        table.check_width(row)
        who = table.cell(row, name)
        if not who:
            raise ExportFormatError(path, row.line, f"'{table.title(name)}' is empty")
        joined = table.cell(row, join)
        if join is not None and not joined:
            raise ExportFormatError(path, row.line, f"'{table.title(join)}' is empty")
        address = table.cell(row, email)
        waiting = table.cell(row, waiting_room).casefold() in YES
        seconds = _seconds(table, row, duration)
        listed.append(_Listed(row, who, (address,) if address else (), joined, seconds, waiting))
    if not listed:
        raise ExportFormatError(path, table.header.line, "lists no participants under this header")

    start = _meeting_start(path, rows[:at])
    timed = [item for item in listed if item.joined]
    texts = ([start[1]] if start else []) + [item.joined for item in timed]
    lines = ([start[0].line] if start else []) + [item.row.line for item in timed]
    fields = (["Start Time"] if start else []) + [table.title(join) if join is not None else ""] * len(timed)
    try:
        moments = dict(zip(lines, read_timestamps(texts), strict=True))
    except UnreadableTimestamp as e:
        raise ExportFormatError(path, lines[e.index], e.reason(fields[e.index], TOOL)) from None
    started_at = moments[start[0].line] if start else None
    sessions = [
        Session(
            item.name,
            item.emails,
            moments[item.row.line] if item.joined else None,
            item.seconds,
            item.row.line,
            item.in_waiting_room,
        )
        for item in listed
    ]
    participants = fold_sessions(sessions)
    if not participants:
        raise ExportFormatError(path, table.header.line, "lists nobody who was admitted to the meeting")
    return MeetingExport(TOOL, path, participants, started_at)


MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class _Listed:
    row: Row
    name: str
    emails: tuple[str, ...]
    joined: str  # read once every join time of the file is known
    seconds: int
    in_waiting_room: bool


def _header_position(rows: list[Row]) -> int | None:
    for position, row in enumerate(rows):
        titles = {" ".join(cell.casefold().split()) for cell in row.cells}
        has_name = any(title.casefold() in titles for title in NAME)
        has_time = any(title.casefold() in titles for title in JOIN + DURATION)
        if has_name and has_time:
            return position
    return None


def _meeting_start(path: Path, block: list[Row]) -> tuple[Row, str] | None:
    """The meeting block's `Start Time`: a header row, then a row of values."""
    rows = [row for row in block if not row.is_blank]
    for position, row in enumerate(rows):
        titles = [" ".join(cell.casefold().split()) for cell in row.cells]
        if "start time" not in titles:
            continue
        column = titles.index("start time")
        values = rows[position + 1] if position + 1 < len(rows) else None
        if values is None or column >= len(values.cells) or not values.cells[column]:
            raise ExportFormatError(path, row.line, "the meeting block has no value under 'Start Time'")
        return values, values.cells[column]
    return None


def _seconds(table: Table, row: Row, duration: int) -> int:
    text = table.cell(row, duration)
    try:
        minutes = float(text)
    except ValueError:
        minutes = -1.0
    if not 0 <= minutes <= MAX_MINUTES:  # also rejects nan and inf
        raise ExportFormatError(
            table.path,
            row.line,
            f"'{table.title(duration)}' is not a number of minutes from 0 to {MAX_MINUTES} (a day)",
        )
    return round(minutes * 60)
