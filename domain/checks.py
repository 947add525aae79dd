"""The checks a command's field can have: each takes a decoded JSON value and returns it (or raises
`Invalid`, saying why without repeating the value), and says how a value that passes is written (for
docs/import-format.md). The commands (domain/commands.py) declare which check each field has.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from domain import ids

MAX_TEXT = 5000
# An address that is written as it is, in an envelope and in a header: before the `@`, words of letters
# (any script), digits and !#$%&'*+/=?^_`{|}~- joined by single dots; after it, two or more names of
# letters, digits and inner hyphens. No quotes, spaces, brackets, commas or comments: nothing a mail
# header would have to quote (notifications/addressing.py).
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\U0010FFFF-]+"
_LABEL = r"[A-Za-z0-9\u0080-\U0010FFFF](?:[A-Za-z0-9\u0080-\U0010FFFF-]*[A-Za-z0-9\u0080-\U0010FFFF])?"
EMAIL = re.compile(rf"{_LOCAL}(?:\.{_LOCAL})*@{_LABEL}(?:\.{_LABEL})+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Invalid(ValueError):
    """A field's value is not acceptable; the message says why (never repeats the value)."""


Check = Callable[[Any], Any]


def written(form: str) -> Callable[[Check], Check]:
    """Marks a check with how a value that passes it is written, for the format column of
    docs/import-format.md (`fmt` reads it back)."""

    def mark(check: Check) -> Check:
        check.written = form  # type: ignore[attr-defined]
        return check

    return mark


def fmt(check: Check) -> str:
    return check.written  # type: ignore[attr-defined]


# -- the checks a field can have -------------------------------------------------------------------
@written("id")
def external_id(value: Any) -> str:
    if not ids.is_external_id(value):
        raise Invalid("must be an id of 1-64 characters from A-Z a-z 0-9 . _ -")
    return value


# Characters that make text lie about itself: bidirectional overrides reorder what is shown, and
# invisible ones make one name look exactly like another.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)


LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")


def _plain(value: str, multiline: bool) -> str:
    """Refuse what no person types: control characters (line breaks and tabs only in multi-line
    texts), lone surrogates, and characters that disguise or reorder text."""
    for char in value:
        code = ord(char)
        if char in LINE_BREAKS:
            if multiline:
                continue
            raise Invalid("must be one line (no line breaks)")
        if code < 0x20 or 0x7F <= code < 0xA0:
            if multiline and char == "\t":
                continue
            raise Invalid("must not contain control characters")
        if 0xD800 <= code < 0xE000:
            raise Invalid("is not valid Unicode text (it holds a lone surrogate)")
        if char in BIDI_CONTROLS or (not multiline and char in INVISIBLE):
            raise Invalid("must not contain invisible or direction-changing characters")
    return value


@written("one-line text")
def text(value: Any) -> str:
    """A one-line text such as a name: no line breaks, nothing invisible."""
    return _bounded_text(value, multiline=False)


@written("text; may run over several lines")
def long_text(value: Any) -> str:
    """A text that may run over several lines, such as a commitment or a note."""
    return _bounded_text(value, multiline=True)


def _bounded_text(value: Any, multiline: bool) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise Invalid(f"must be at most {MAX_TEXT} characters")
    return _plain(value, multiline=multiline)


@written("date")
def iso_date(value: Any) -> str:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise Invalid("must be a date written YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise Invalid("is not a real calendar date") from None
    return value


@written("email address (see [Ids, dates, texts and emails](#ids-dates-texts-and-emails))")
def email(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.fullmatch(value) or not value.isprintable():
        raise Invalid("must be a valid email address")
    return value


def one_of(choices: Iterable[str]) -> Check:
    allowed = tuple(choices)

    def check(value: Any) -> str:
        if value not in allowed:
            raise Invalid(f"must be one of {', '.join(allowed)}")
        return value

    quoted = [f"`{choice}`" for choice in allowed]
    return written(", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0])(check)


@written('JSON integer from 0 to 10 (`8` is accepted; `8.0`, `"8"` and `true` are not)')
def score(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise Invalid("must be an integer from 0 to 10")
    return value


@written("`true` or `false`")
def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


MAX_SECONDS = 24 * 3600  # nobody speaks for longer than a day at one meeting


@written("number of seconds from 0 to 86400 (24 hours); decimals allowed, kept to the millisecond")
def seconds(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise Invalid("must be a number of seconds >= 0")
    if value > MAX_SECONDS:
        raise Invalid(f"must be at most {MAX_SECONDS} seconds (24 hours)")
    return value


def mapping_of(check_value: Check, what: str) -> Check:
    def check(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(f"must be an object mapping member ids to {what}")
        out = {}
        for member, item in value.items():
            try:
                out[external_id(member)] = check_value(item)
            except Invalid as e:
                raise Invalid(f"entry for '{member if ids.is_external_id(member) else '?'}' {e}") from None
        return out

    return written(f"object: member id → {fmt(check_value)}")(check)


@written("list of member ids, each at most once")
def member_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Invalid("must be a list of member ids")
    members = [external_id(v) for v in value]
    if len(set(members)) != len(members):
        raise Invalid("lists a member twice")
    return members
