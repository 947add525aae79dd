"""Reading an export file as text, whatever encoding its tool chose, and splitting it into rows.

Teams downloads its attendance report as UTF-16 with a byte-order mark; Zoom writes UTF-8 with one;
a report re-saved from Excel is UTF-8 with or without. Text is decoded from the bytes rather than
with a fixed encoding, so a file in an unexpected encoding is an error, not mojibake in a name.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from domain.meeting_exports.errors import ExportFormatError

MAX_BYTES = 20 * 1024 * 1024  # a day-long meeting's transcript is a few megabytes


def read_text(path: Path) -> str:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ExportFormatError(path, None, "no such file") from None
    except OSError as e:
        raise ExportFormatError(path, None, f"cannot be read ({e.strerror or type(e).__name__})") from None
    if len(data) > MAX_BYTES:
        raise ExportFormatError(path, None, f"is larger than {MAX_BYTES // 2**20} MiB: no meeting export is that big")
    encoding = _encoding_of(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[: e.start].decode(encoding, errors="ignore").count("\n") + 1
        if e.reason == "truncated data":
            raise ExportFormatError(path, line, "ends in the middle of a character: the file is truncated") from None
        raise ExportFormatError(path, line, "is not UTF-8 or UTF-16 text") from None


def _encoding_of(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # reads the mark and drops it
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # UTF-16 without a mark still betrays itself: ASCII text has a zero in every other byte, the
    # second of each pair in little-endian order, the first in big-endian.
    head = data[:200]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be"
    return "utf-8"


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)


def read_rows(path: Path, text: str, delimiter: str = ",") -> list[Row]:
    """Rows of a delimited file with the line each starts on; cells are stripped."""
    # Teams' tab-separated report does not quote, so a quote in a name must stay a character.
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting, strict=True)
    rows = []
    start = 1
    try:
        for cells in reader:
            rows.append(Row(start, tuple(cell.strip() for cell in cells)))
            start = reader.line_num + 1
    except csv.Error as e:
        raise ExportFormatError(path, start, f"is not valid CSV ({e}): the file may be truncated") from None
    return rows


class Table:
    """A header row and the rows under it, with cells looked up by column name."""

    def __init__(self, path: Path, header: Row):
        self.path = path
        self.header = header
        self._index = {}
        for position, title in enumerate(header.cells):
            self._index.setdefault(_column_key(title), position)

    def column(self, *titles: str) -> int | None:
        for title in titles:
            position = self._index.get(_column_key(title))
            if position is not None:
                return position
        return None

    def required_column(self, *titles: str) -> int:
        position = self.column(*titles)
        if position is None:
            raise ExportFormatError(self.path, self.header.line, f"the header has no '{titles[0]}' column")
        return position

    def check_width(self, row: Row) -> None:
        """A row cut short is the mark of a truncated file; a row too wide means columns slid."""
        width = len(self.header.cells)
        if len(row.cells) < width:
            raise ExportFormatError(
                self.path,
                row.line,
                f"has {len(row.cells)} of the {width} columns of the header on line {self.header.line}: "
                "the file looks truncated",
            )
        # Spreadsheets pad every row to the widest one with empty cells: those are harmless.
        if any(row.cells[width:]):
            raise ExportFormatError(self.path, row.line, f"has more columns than the header on line {self.header.line}")

    def cell(self, row: Row, position: int | None) -> str:
        if position is None or position >= len(row.cells):
            return ""
        return row.cells[position]

    def title(self, position: int) -> str:
        return self.header.cells[position]


def _column_key(title: str) -> str:
    return " ".join(title.casefold().split())


def without_trailing_blanks(row: Row) -> Row:
    cells = list(row.cells)
    while cells and not cells[-1]:
        cells.pop()
    return Row(row.line, tuple(cells))
