"""The commands of IMPORT.md: parsing a JSONL line into a checked command, field by field.

This is the edge of the domain: types, formats and allowed values are checked here, so the
aggregates only see well-formed values and can concentrate on the rules that need state.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import model
from domain.errors import CommandError
from domain.ids import is_external_id

MAX_TEXT = 5000
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Command:
    type: str
    fields: dict[str, Any]
    line: int = 0

    def __getitem__(self, name: str) -> Any:
        return self.fields.get(name)


class Invalid(ValueError):
    """A field's value is not acceptable; the message says why (never repeats the value)."""


Check = Callable[[Any], Any]


def external_id(value: Any) -> str:
    if not is_external_id(value):
        raise Invalid("must be an id of 1-64 characters from A-Z a-z 0-9 . _ -")
    return value


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise Invalid(f"must be at most {MAX_TEXT} characters")
    return value


def iso_date(value: Any) -> str:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise Invalid("must be a date written YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise Invalid("is not a real calendar date") from None
    return value


def email(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.fullmatch(value):
        raise Invalid("must be a valid email address")
    return value


def one_of(choices: Iterable[str]) -> Check:
    allowed = tuple(choices)

    def check(value: Any) -> str:
        if value not in allowed:
            raise Invalid(f"must be one of {', '.join(allowed)}")
        return value

    return check


def score(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise Invalid("must be an integer from 0 to 10")
    return value


def seconds(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise Invalid("must be a number of seconds >= 0")
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
                raise Invalid(f"entry for '{member if is_external_id(member) else '?'}' {e}") from None
        return out

    return check


def member_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Invalid("must be a list of member ids")
    members = [external_id(v) for v in value]
    if len(set(members)) != len(members):
        raise Invalid("lists a member twice")
    return members


# type -> (required fields, optional fields)
SCHEMAS: dict[str, tuple[dict[str, Check], dict[str, Check]]] = {
    "form_group": (
        {"group": external_id, "name": text, "cadence": one_of(model.CADENCES), "formed_on": iso_date},
        {"purpose": text},
    ),
    "register_member": (
        {"member": external_id, "name": text, "email": email},
        {"company": text, "title": text},
    ),
    "join_group": ({"group": external_id, "member": external_id, "joined_on": iso_date}, {}),
    "leave_group": (
        {"group": external_id, "member": external_id, "left_on": iso_date, "reason": one_of(model.LEAVE_REASONS)},
        {},
    ),
    "assign_facilitator": ({"group": external_id, "member": external_id, "assigned_on": iso_date}, {}),
    "sign_confidentiality": ({"group": external_id, "member": external_id, "signed_on": iso_date}, {}),
    "hold_meeting": (
        {"group": external_id, "meeting": external_id, "held_on": iso_date, "topic": one_of(model.TOPICS)},
        {
            "format": one_of(model.FORMATS),
            "attendance": mapping_of(one_of(model.ATTENDANCE_STATUSES), "an attendance status"),
            "speaking_seconds": mapping_of(seconds, "seconds"),
            "presenters": member_list,
            "guest_speaker": text,
        },
    ),
    "make_commitment": (
        {"commitment": external_id, "member": external_id, "meeting": external_id, "text": text, "due_on": iso_date},
        {},
    ),
    "follow_up": (
        {"commitment": external_id, "meeting": external_id, "outcome": one_of(model.OUTCOMES)},
        {"new_due_on": iso_date, "note": text},
    ),
    "rate_meeting": ({"meeting": external_id, "member": external_id, "score": score}, {}),
    "correct_attendance": (
        {"meeting": external_id, "member": external_id, "status": one_of(model.ATTENDANCE_STATUSES)},
        {},
    ),
}


def parse_command(obj: Any, line: int, source: str) -> Command:
    """Check one command object against its schema; raise CommandError naming the line and field."""
    if not isinstance(obj, dict):
        raise CommandError(source, line, None, "each line must be a JSON object")
    kind = obj.get("type")
    if kind not in SCHEMAS:
        reason = "is missing" if kind is None else f"must be one of {', '.join(SCHEMAS)}"
        raise CommandError(source, line, "type", reason)
    required, optional = SCHEMAS[kind]
    fields: dict[str, Any] = {}
    for name in obj:
        if name != "type" and name not in required and name not in optional:
            raise CommandError(source, line, name, f"is not a field of {kind}")
    for name, check in required.items():
        if name not in obj or obj[name] is None:
            raise CommandError(source, line, name, f"is required for {kind}")
        try:
            fields[name] = check(obj[name])
        except Invalid as e:
            raise CommandError(source, line, name, str(e)) from None
    for name, check in optional.items():
        value = obj.get(name)
        if value is None:
            fields[name] = None
            continue
        try:
            fields[name] = check(value)
        except Invalid as e:
            raise CommandError(source, line, name, str(e)) from None
    return Command(kind, fields, line)


def parse_lines(lines: Iterable[str], source: str) -> Iterator[Command]:
    """Commands from JSONL text; blank lines and lines starting with '#' are skipped."""
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as e:
            raise CommandError(source, number, None, f"is not valid JSON ({e.msg} at column {e.colno})") from None
        yield parse_command(obj, number, source)
