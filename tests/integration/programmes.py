"""Hand-built programmes for the figure tests: a `Programme` is written as the commands of
docs/import-format.md and imported through the domain like a real file; `rows` and `by` read a built
warehouse. The `warehouse` fixture (tests/integration/conftest.py) builds one exactly as the pipeline does."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from domain.application import open_application
from domain.config import Settings
from domain.jsonl import import_file


class Programme:
    """A hand-built programme as commands of docs/import-format.md, in the order they happened."""

    def __init__(self) -> None:
        self.commands: list[dict] = []
        self._registered: set[str] = set()

    def group(self, group: str, formed_on: str, cadence: str = "monthly") -> Programme:
        self.commands.append(
            {"type": "form_group", "group": group, "name": f"Group {group}", "cadence": cadence, "formed_on": formed_on}
        )
        return self

    def register(self, member: str) -> None:
        if member not in self._registered:
            self._registered.add(member)
            self.commands.append(
                {
                    "type": "register_member",
                    "member": member,
                    "name": f"Member {member}",
                    "email": f"{member}@example.org",
                }
            )

    def join(self, group: str, member: str, joined_on: str) -> Programme:
        self.register(member)
        self.commands.append({"type": "join_group", "group": group, "member": member, "joined_on": joined_on})
        return self

    def leave(self, group: str, member: str, left_on: str, reason: str) -> Programme:
        self.commands.append(
            {"type": "leave_group", "group": group, "member": member, "left_on": left_on, "reason": reason}
        )
        return self

    def facilitator(self, group: str, member: str, assigned_on: str) -> Programme:
        self.register(member)
        self.commands.append(
            {"type": "assign_facilitator", "group": group, "member": member, "assigned_on": assigned_on}
        )
        return self

    def meeting(
        self,
        group: str,
        meeting: str,
        held_on: str,
        attendance: dict[str, str],
        seconds: dict[str, float] | None = None,
        presenters: list[str] | None = None,
    ) -> Programme:
        command = {
            "type": "hold_meeting",
            "group": group,
            "meeting": meeting,
            "held_on": held_on,
            "topic": "growth",
            "attendance": attendance,
        }
        if seconds is not None:
            command["speaking_seconds"] = seconds
        if presenters:
            command["presenters"] = presenters
        self.commands.append(command)
        return self

    def correct(self, meeting: str, member: str, status: str) -> Programme:
        self.commands.append({"type": "correct_attendance", "meeting": meeting, "member": member, "status": status})
        return self

    def correct_airtime(self, meeting: str, member: str, seconds: float) -> Programme:
        self.commands.append({"type": "correct_airtime", "meeting": meeting, "member": member, "seconds": seconds})
        return self

    def check_in(
        self, check_in: str, commitment: str, member: str, on: str, progress: str, confidence: int
    ) -> Programme:
        self.commands.append(
            {
                "type": "check_in",
                "check_in": check_in,
                "commitment": commitment,
                "member": member,
                "checked_in_on": on,
                "progress": progress,
                "confidence": confidence,
                "note": "something confidential",
            }
        )
        return self

    def commit(self, commitment: str, member: str, meeting: str, due_on: str) -> Programme:
        self.commands.append(
            {
                "type": "make_commitment",
                "commitment": commitment,
                "member": member,
                "meeting": meeting,
                "text": "something confidential",
                "due_on": due_on,
            }
        )
        return self

    def follow_up(self, commitment: str, meeting: str, outcome: str, new_due_on: str | None = None) -> Programme:
        command = {"type": "follow_up", "commitment": commitment, "meeting": meeting, "outcome": outcome}
        if new_due_on:
            command["new_due_on"] = new_due_on
        self.commands.append(command)
        return self

    def rate(self, meeting: str, member: str, score: int) -> Programme:
        self.commands.append({"type": "rate_meeting", "meeting": meeting, "member": member, "score": score})
        return self

    def store(self, tmp_path: Path) -> Settings:
        """Import the commands into a new SQLite event store, as `peerpulse import` would."""
        settings = Settings(home=tmp_path / "home")
        path = tmp_path / "programme.jsonl"
        path.write_text("".join(json.dumps(c) + "\n" for c in self.commands))
        with open_application(settings) as app:
            import_file(app, path)
        return settings


def rows(con, sql: str, *params) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def by(con, sql: str, key: str, *params) -> dict:
    return {r[key]: r for r in rows(con, sql, *params)}


D = date.fromisoformat
approx = pytest.approx
