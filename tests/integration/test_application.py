"""Importing through the domain into a real event store: SQLite and PostgreSQL alike."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from domain.application import PeerPulse, open_application
from domain.config import Settings
from domain.errors import CommandError, ConfigurationError
from domain.jsonl import import_file
from tests.support.programme import make_commitment, register

EXAMPLE = [
    {"type": "form_group", "group": "north", "name": "North Forum", "cadence": "monthly", "formed_on": "2025-01-06"},
    register("ana", "Ana Ruiz"),
    register("bob", "Bob Tanaka", company="Tanaka Freight"),
    {"type": "join_group", "group": "north", "member": "ana", "joined_on": "2025-01-06"},
    {"type": "join_group", "group": "north", "member": "bob", "joined_on": "2025-01-06"},
    {"type": "assign_facilitator", "group": "north", "member": "bob", "assigned_on": "2025-01-06"},
    {
        "type": "hold_meeting",
        "group": "north",
        "meeting": "north-01",
        "held_on": "2025-01-13",
        "topic": "strategic_planning",
        "attendance": {"ana": "present", "bob": "present"},
        "speaking_seconds": {"ana": 640},
        "presenters": ["ana"],
    },
    make_commitment("c-001", "ana", "north-01", "Hire a chief operating officer", "2025-02-10"),
    {"type": "rate_meeting", "meeting": "north-01", "member": "ana", "score": 9},
    {
        "type": "hold_meeting",
        "group": "north",
        "meeting": "north-02",
        "held_on": "2025-02-10",
        "topic": "growth",
        "attendance": {"ana": "late"},
    },
    {
        "type": "follow_up",
        "commitment": "c-001",
        "meeting": "north-02",
        "outcome": "carried_forward",
        "new_due_on": "2025-03-10",
    },
    {"type": "correct_attendance", "meeting": "north-02", "member": "bob", "status": "excused"},
]


def write_jsonl(path: Path, commands: list[dict]) -> Path:
    path.write_text("".join(json.dumps(c) + "\n" for c in commands))
    return path


def stored_topics(app: PeerPulse) -> list[str]:
    return [n.topic for n in app.recorder.select_notifications(start=1, limit=10_000)]


def test_example_programme_is_recorded_and_read_back(settings, tmp_path):
    with open_application(settings) as app:
        summary = import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
        assert (summary.applied, summary.skipped) == (12, 0)
        meeting = app.meeting("north-02")
        assert meeting.attendance == {"ana": "late", "bob": "excused"}
        commitment = app.commitment("c-001")
        assert (commitment.due_on, commitment.times_carried_forward, commitment.is_open) == ("2025-03-10", 1, True)
        assert app.group("north").facilitator_on("2025-03-10") == "bob"
        assert [e.member for e in app.roster("north", "2025-01-13")] == ["ana", "bob"]
        # Topics are the domain's names, independent of where the classes live in the code.
        assert sorted(set(stored_topics(app))) == [
            "AttendanceCorrected",
            "CommitmentCarriedForward",
            "CommitmentMade",
            "EmailClaimed",
            "FacilitatorAssigned",
            "FileImported",
            "GroupFormed",
            "MeetingHeld",
            "MeetingRated",
            "MemberJoined",
            "MemberRegistered",
        ]
        assert all(":" not in topic for topic in stored_topics(app))


def test_importing_the_same_file_twice_stores_nothing_new(settings, tmp_path):
    path = write_jsonl(tmp_path / "example.jsonl", EXAMPLE)
    with open_application(settings) as app:
        import_file(app, path)
        before = app.event_count()
        again = import_file(app, path)
        assert again.already_imported and app.event_count() == before
        # A different file that repeats recorded commands skips them one by one.
        overlap = write_jsonl(
            tmp_path / "overlap.jsonl",
            EXAMPLE[:5]
            + [{"type": "register_member", "member": "cleo", "name": "Cleo Ade", "email": "cleo@example.org"}],
        )
        summary = import_file(app, overlap)
        assert (summary.applied, summary.skipped) == (1, 5)
        assert app.event_count() == before + 3  # MemberRegistered, EmailClaimed, FileImported


def test_a_bad_line_stores_nothing_from_the_file(settings, tmp_path):
    bad = EXAMPLE + [{"type": "rate_meeting", "meeting": "north-02", "member": "bob", "score": 6}]  # bob was excused
    with open_application(settings) as app:
        with pytest.raises(CommandError) as e:
            import_file(app, write_jsonl(tmp_path / "bad.jsonl", bad))
        assert (e.value.line, e.value.field) == (13, "member")
        assert "did not attend" in str(e.value) and "bad.jsonl, line 13" in str(e.value)
        assert app.event_count() == 0
        assert app.group("north") is None


@pytest.mark.parametrize(
    "command, field, reason",
    [
        (
            {"type": "register_member", "member": "zed", "name": "Z", "email": "ANA@example.org"},
            "email",
            "already registered",
        ),
        (
            {"type": "join_group", "group": "north", "member": "ghost", "joined_on": "2025-02-01"},
            "member",
            "not registered",
        ),
        (
            {"type": "leave_group", "group": "north", "member": "ana", "left_on": "2024-12-01", "reason": "moved"},
            "left_on",
            "before the member joined",
        ),
        (
            {"type": "sign_confidentiality", "group": "south", "member": "ana", "signed_on": "2025-01-06"},
            "group",
            "does not exist",
        ),
        (
            {
                "type": "make_commitment",
                "commitment": "c-001",
                "member": "ana",
                "meeting": "north-01",
                "text": "Other",
                "due_on": "2025-02-10",
            },
            "commitment",
            "already exists",
        ),
        (
            {
                "type": "follow_up",
                "commitment": "c-001",
                "meeting": "north-02",
                "outcome": "done",
                "new_due_on": "2025-05-01",
            },
            "new_due_on",
            "only for outcome carried_forward",
        ),
        (
            {
                "type": "hold_meeting",
                "group": "north",
                "meeting": "north-01",
                "held_on": "2025-01-14",
                "topic": "growth",
            },
            "meeting",
            "already recorded",
        ),
        ({"type": "rate_meeting", "meeting": "north-01", "member": "ana", "score": 3}, "member", "already rated"),
    ],
)
def test_rules_that_need_the_recorded_history(settings, tmp_path, command, field, reason):
    with open_application(settings) as app:
        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
        before = app.event_count()
        with pytest.raises(CommandError) as e:
            import_file(app, write_jsonl(tmp_path / "next.jsonl", [command]))
        assert e.value.field == field and reason in str(e.value)
        assert app.event_count() == before


def test_sqlite_file_holds_no_personal_data_in_clear(tmp_path):
    settings = Settings(home=tmp_path / "home")
    with open_application(settings) as app:
        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
        # read back through the domain: the key opens it
        assert app.member("ana").name == "Ana Ruiz"
    secrets = [b"Ana Ruiz", b"ana@example.org", b"Bob Tanaka", b"Tanaka Freight", b"chief operating officer"]
    files = [p for p in settings.home.rglob("*") if p.is_file() and p.suffix != ".key"]
    assert any(p.name.startswith("events.sqlite") for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret not in data, f"{secret!r} found in clear in {path.name}"
            assert secret.lower() not in data.lower()


def test_key_is_created_owner_only_and_a_missing_or_wrong_key_is_refused(tmp_path):
    settings = Settings(home=tmp_path / "home")
    with open_application(settings) as app:
        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
    mode = stat.S_IMODE(os.stat(settings.key_path).st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(os.stat(settings.key_path.parent).st_mode) == 0o700

    key = settings.key_path.read_text().strip()
    settings.key_path.rename(tmp_path / "backup.key")
    with pytest.raises(ConfigurationError, match="holds events but its key is missing"):
        with open_application(settings):
            pass
    assert not settings.key_path.exists(), "a missing key must never be silently replaced"

    from domain.store.keys import new_key

    with pytest.raises(ConfigurationError, match="does not open the event store"):
        with open_application(Settings(home=settings.home, store_key=new_key())):
            pass
    with open_application(Settings(home=settings.home, store_key=key)) as app:  # the backup opens it
        assert app.member("bob").company == "Tanaka Freight"


def test_postgres_store_holds_no_personal_data_in_clear(pg_schema, tmp_path):
    import psycopg

    settings = Settings(home=tmp_path / "home", database_url=pg_schema)
    with open_application(settings) as app:
        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
    schema = pg_schema.rsplit("schema=", 1)[1]
    with psycopg.connect(pg_schema.split("?")[0]) as conn:
        rows = conn.execute(f"select topic, state from {schema}.peerpulse_events").fetchall()
    assert len(rows) == 15
    for _topic, state in rows:
        assert b"Ana Ruiz" not in bytes(state) and b"example.org" not in bytes(state)


def test_file_digest_is_of_the_bytes(tmp_path, settings):
    path = write_jsonl(tmp_path / "example.jsonl", EXAMPLE)
    with open_application(settings) as app:
        import_file(app, path)
        from domain import ids

        assert app.find(ids.file_import_id(hashlib.sha256(path.read_bytes()).hexdigest())) is not None


def test_a_missing_member_key_store_is_refused_at_startup(tmp_path):
    settings = Settings(home=tmp_path / "home")
    with open_application(settings) as app:
        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
    members = settings.key_path.parent / "members.sqlite"
    members.rename(tmp_path / "members-backup.sqlite")
    with pytest.raises(ConfigurationError, match="member key store is missing or empty"):
        with open_application(settings):
            pass
    members.unlink(missing_ok=True)  # the empty one the failed start made
    (tmp_path / "members-backup.sqlite").rename(members)
    with open_application(settings) as app:  # the backup restores it
        assert app.member("ana").name == "Ana Ruiz"
