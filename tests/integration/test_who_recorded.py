"""Every event recorded carries who recorded it (pseudonymously) and through what, and a history reads
it back: the facilitator's "who recorded or corrected what, and when"."""

from __future__ import annotations

from domain import ids
from domain.application import Actor, open_application
from domain.jsonl import commands_from
from tests.integration.test_application import EXAMPLE


def test_each_event_carries_its_actor_and_source_and_the_history_reads_them(settings):
    with open_application(settings) as app:
        importer = app.actor("jsonl", account="operator")
        app.apply_commands(commands_from(EXAMPLE[:7], "example"), "example", by=importer)
        facilitator = app.actor("browser", member="bob")
        corrections = [{"type": "correct_attendance", "meeting": "north-01", "member": "bob", "status": "late"}]
        app.apply_commands(commands_from(corrections, "browser"), "browser", by=facilitator)
        stranger = app.actor("browser", email="Someone@Example.org ")

        history = app.history([ids.meeting_id("north-01")])
        assert [(r.what, r.who, r.via) for r in history] == [
            ("MeetingHeld", importer.who, "jsonl"),
            ("AttendanceCorrected", "member:bob", "browser"),
        ]
        assert history[1].details == {"member": "bob", "status": "late"}
        assert importer.who.startswith("user:") and "operator" not in importer.who
        assert stranger.who.startswith("person:") and "someone" not in stranger.who.lower()
        assert stranger == app.actor("browser", email="someone@example.org")  # one person, one pseudonym
        # personal fields never reach a history
        member_history = app.history([ids.person_id("ana")])
        assert member_history[0].what == "MemberRegistered" and "name" not in member_history[0].details
        assert "email" not in member_history[0].details and member_history[0].details == {"member": "ana"}


def test_events_recorded_before_actors_existed_read_as_unknown(settings):
    with open_application(settings) as app:
        app.apply_commands(commands_from(EXAMPLE[:1], "example"), "example")  # no actor given
        [formed] = app.history([ids.group_id("north")])
        assert (formed.who, formed.via) == (Actor("unknown", "api").who, "api")
