"""Days: the programme's window, a group's meeting days, and month arithmetic."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date


def meeting_dates(starts: date, ends: date, rng: random.Random, weeks_apart: int, months_apart: int) -> list[date]:
    """The group's meeting days from `starts` to `ends`: a fixed weekday every `weeks_apart` weeks, or the
    nth weekday every `months_apart` months, skipping the year-end holidays and, for some groups, August."""
    weekday = rng.randint(0, 4)
    summer_break = rng.random() < 0.3
    dates = []
    if weeks_apart:
        step = 7 * weeks_apart
        day = starts + timedelta(days=(weekday - starts.weekday()) % 7)
        while day <= ends:
            holiday = (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 3)
            if not holiday and not (summer_break and day.month == 8) and rng.random() > 0.03:
                dates.append(day)
            day += timedelta(days=step)
        return dates
    nth = rng.randint(1, 3)
    year, month = starts.year, starts.month
    while True:
        day = _nth_weekday(year, month, weekday, nth)
        if rng.random() < 0.05:  # rescheduled by a day or two
            day += timedelta(days=rng.choice((-2, -1, 1, 2)))
        if day > ends:
            return dates
        if day >= starts and not (summer_break and month == 8):
            dates.append(day)
        year, month = divmod(year * 12 + month - 1 + months_apart, 12)
        month += 1


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - DAY).day))


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
