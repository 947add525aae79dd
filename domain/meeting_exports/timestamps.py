"""Join times as the meeting tools write them, in whichever locale the exporting computer used.

Only differences between times matter here (how late someone joined), so a file is read with the
one format that reads every time in it. A day/month order mistaken for month/day moves all of them
alike and, unless the meeting runs past midnight, changes no difference; mixing formats within one
file could.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",  # Zoom: 09/24/2020 11:35:16 AM
    "%m/%d/%y, %I:%M:%S %p",  # Teams, en-US: 1/13/25, 6:01:12 PM
    "%m/%d/%Y, %I:%M:%S %p",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",  # a report re-saved by Excel
    "%m/%d/%y %H:%M",
    "%d/%m/%Y, %H:%M:%S",  # Teams, en-GB and most of Europe
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y, %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%y, %H:%M:%S",
    "%y/%m/%d %H:%M:%S",  # Teams, ja-JP
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)


class UnreadableTimestamp(ValueError):
    def __init__(self, index: int, out_of_range: bool = False):
        super().__init__(f"value {index} is {'out of range' if out_of_range else 'not a date and time'}")
        self.index = index
        self.out_of_range = out_of_range  # read, but before the year 1 or after 9999 once made UTC

    def reason(self, field: str, tool: str) -> str:
        if self.out_of_range:
            return f"'{field}' is a time out of range (before the year 1 or after 9999 in UTC)"
        return f"'{field}' is not a date and time as {tool} writes them"


def read_timestamps(values: Sequence[str]) -> list[datetime]:
    """Every value read with one common format; raise UnreadableTimestamp naming the culprit."""
    cleaned = [_clean(value) for value in values]
    furthest = 0
    for reader in (_iso, *(_strptime(f) for f in FORMATS)):
        read = []
        for value in cleaned:
            try:
                moment = reader(value)
            except OverflowError:  # 9999-12-31T23:59:59-10:00 is after 9999 in UTC: no format reads it
                raise UnreadableTimestamp(len(read), out_of_range=True) from None
            if moment is None:
                break
            read.append(moment)
        else:
            return read
        furthest = max(furthest, len(read))
    raise UnreadableTimestamp(furthest)


def _clean(value: str) -> str:
    # Recent Windows locales put a narrow no-break space before AM/PM.
    return " ".join(value.replace("\u202f", " ").replace("\xa0", " ").split())


def _strptime(pattern: str):
    def read(value: str) -> datetime | None:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            return None

    return read


def _iso(value: str) -> datetime | None:
    if "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
