"""The old store fixture (tests/fixtures/old_store/): how it was written, and how its figures are dumped.

Run as a script, it writes a small programme holding every kind of event into a fresh event store,
publishes its figures as of `AS_OF`, and saves the store (events and member keys; its key is derived
from `FIXTURE_KEY_PHRASE`, never saved), the JSONL it imported and the figures under OUT. It is run with
the code of the commit the fixture stands for (the fixture's README names it), so the store holds the
topics and event shapes that code wrote:

    git archive <commit> | tar -x -C /tmp/base
    PYTHONPATH=/tmp/base .venv/bin/python tests/support/old_store.py tests/fixtures/old_store

The test (tests/integration/test_old_store.py) opens a copy with today's code and compares its figures,
dumped by `dump_figures` the same way, with the ones saved here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

if __name__ == "__main__":  # run as a script against an older commit's code (PYTHONPATH): the files beside it
    from programme import make_commitment, register
    from serving import attached, published_tables
else:
    from tests.support.programme import make_commitment, register
    from tests.support.serving import attached, published_tables

AS_OF = date(2025, 3, 1)
ERASED = "dee"  # erased when the fixture was written; the test erases another member
STORE_FILES = ("events.sqlite", "keys/members.sqlite")  # what a store is, without its warehouse and key
KEY_FILE = "keys/store.key"
# The fixture's store key is DERIVED from this phrase, so no key file is committed (the repository holds no
# keys) and yet the test can open the store. It is not a secret: the fixture holds no real person's data.
FIXTURE_KEY_PHRASE = "PeerPulse old-store test fixture: a public, non-secret key"


def fixture_key() -> str:
    """The store key of the old store fixture: SHA-256 of `FIXTURE_KEY_PHRASE`, base64 as a key file holds it."""
    return base64.b64encode(hashlib.sha256(FIXTURE_KEY_PHRASE.encode()).digest()).decode()


def write_fixture_key(home: Path) -> None:
    """Write the derived key as the store key file of `home`, owner-only as PeerPulse requires."""
    path = home / KEY_FILE
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(fixture_key() + "\n")


def _commands() -> list[dict]:
    north = {"ana": "present", "bob": "present", "cy": "late", "dee": "absent"}
    return [
        {
            "type": "form_group",
            "group": "north",
            "name": "North Forum",
            "cadence": "monthly",
            "formed_on": "2025-01-06",
        },
        {
            "type": "form_group",
            "group": "south",
            "name": "South Forum",
            "cadence": "biweekly",
            "formed_on": "2025-01-06",
            "purpose": "Founders of family firms",
        },
        register("ana", "Ana Ruiz"),
        register("bob", "Bob Tanaka", company="Tanaka Freight", title="CEO"),
        register("cy", "Cy Okafor"),
        register("dee", "Dee Lindqvist"),
        register("eve", "Eve Moreau"),
        register("fay", "Fay Adeyemi"),
        *(
            {"type": "join_group", "group": "north", "member": m, "joined_on": "2025-01-06"}
            for m in ("ana", "bob", "cy", "dee")
        ),
        *({"type": "join_group", "group": "south", "member": m, "joined_on": "2025-01-06"} for m in ("eve", "fay")),
        {"type": "assign_facilitator", "group": "north", "member": "bob", "assigned_on": "2025-01-06"},
        {"type": "assign_facilitator", "group": "south", "member": "fay", "assigned_on": "2025-01-06"},
        {"type": "sign_confidentiality", "group": "north", "member": "ana", "signed_on": "2025-01-06"},
        {"type": "sign_confidentiality", "group": "north", "member": "bob", "signed_on": "2025-01-07"},
        {"type": "sign_confidentiality", "group": "south", "member": "eve", "signed_on": "2025-01-06"},
        {
            "type": "hold_meeting",
            "group": "north",
            "meeting": "north-01",
            "held_on": "2025-01-13",
            "topic": "strategic_planning",
            "format": "in_person",
            "attendance": north,
            "speaking_seconds": {"ana": 640, "bob": 420, "cy": 95},
            "presenters": ["ana"],
            "guest_speaker": "A visiting chair",
        },
        make_commitment("c-001", "ana", "north-01", "Hire a chief operating officer", "2025-02-10"),
        make_commitment("c-002", "cy", "north-01", "Close the Lisbon office", "2025-02-10"),
        make_commitment("c-003", "bob", "north-01", "Price the new routes", "2025-02-10"),
        {"type": "rate_meeting", "meeting": "north-01", "member": "ana", "score": 9, "rated_on": "2025-01-14"},
        {"type": "rate_meeting", "meeting": "north-01", "member": "bob", "score": 7},
        {
            "type": "check_in",
            "check_in": "k-001",
            "commitment": "c-001",
            "member": "ana",
            "checked_in_on": "2025-01-27",
            "progress": "on_track",
            "confidence": 7,
            "note": "Two candidates shortlisted",
        },
        {
            "type": "check_in",
            "check_in": "k-002",
            "commitment": "c-002",
            "member": "cy",
            "checked_in_on": "2025-02-03",
            "progress": "blocked",
            "confidence": 3,
        },
        {"type": "remember_alias", "group": "north", "member": "ana", "alias": "Ana's iPad"},
        {"type": "correct_airtime", "meeting": "north-01", "member": "cy", "seconds": 150},
        {"type": "correct_attendance", "meeting": "north-01", "member": "dee", "status": "excused"},
        {
            "type": "hold_meeting",
            "group": "north",
            "meeting": "north-02",
            "held_on": "2025-02-10",
            "topic": "growth",
            "format": "virtual",
            "attendance": {"ana": "late", "bob": "present", "cy": "present", "dee": "absent"},
            "speaking_seconds": {"ana": 300, "bob": 900, "cy": 200},
            "presenters": ["bob", "cy"],
        },
        {
            "type": "follow_up",
            "commitment": "c-001",
            "meeting": "north-02",
            "outcome": "carried_forward",
            "new_due_on": "2025-03-10",
            "note": "The second interview is next week",
        },
        {"type": "follow_up", "commitment": "c-002", "meeting": "north-02", "outcome": "done"},
        {
            "type": "follow_up",
            "commitment": "c-003",
            "meeting": "north-02",
            "outcome": "partial",
            "note": "Two routes of three priced",
        },
        {"type": "rate_meeting", "meeting": "north-02", "member": "cy", "score": 8},
        {"type": "leave_group", "group": "north", "member": "dee", "left_on": "2025-02-20", "reason": "dropped_out"},
        {
            "type": "hold_meeting",
            "group": "south",
            "meeting": "south-01",
            "held_on": "2025-01-20",
            "topic": "finance",
            "attendance": {"eve": "present", "fay": "present"},
        },
        make_commitment("c-004", "eve", "south-01", "Refinance the warehouse loan", "2025-02-03"),
        {
            "type": "hold_meeting",
            "group": "south",
            "meeting": "south-02",
            "held_on": "2025-02-03",
            "topic": "people_and_talent",
            "attendance": {"eve": "present", "fay": "late"},
        },
        {"type": "follow_up", "commitment": "c-004", "meeting": "south-02", "outcome": "not_done"},
        {"type": "set_message_preference", "member": "ana", "kind": "nudge", "wanted": False},
        {"type": "set_message_preference", "member": "ana", "kind": "nudge", "wanted": True},
        {"type": "set_message_preference", "member": "bob", "kind": "digest", "wanted": False},
        {"type": "set_message_preference", "email": "lead@example.org", "kind": "briefing", "wanted": False},
    ]


def _send_messages(app) -> None:
    """A briefing refused by the mail server once, then claimed again and sent; a nudge sent at once."""
    by = app.actor("mail", account="fixture")

    def claim(recipient: str, kind: str, occasion: str, run: str, now: str, until: str) -> None:
        assert app.claim_message(recipient, kind, occasion, run=run, now=now, until=until, by=by)

    bob = app.recipient_for(member="bob")
    occasion = "north@2025-03-10"
    claim(bob, "briefing", occasion, "run-1", "2025-03-08T08:00:00+00:00", "2025-03-08T08:10:00+00:00")
    app.message_not_sent(bob, "briefing", occasion, run="run-1", reason="SMTPRecipientsRefused", by=by)
    claim(bob, "briefing", occasion, "run-2", "2025-03-08T09:00:00+00:00", "2025-03-08T09:10:00+00:00")
    app.message_sent(bob, "briefing", occasion, run="run-2", at="2025-03-08T09:00:05+00:00", by=by)
    ana = app.recipient_for(member="ana")
    claim(ana, "nudge", "2025-03-03", "run-3", "2025-03-03T07:00:00+00:00", "2025-03-03T07:10:00+00:00")
    app.message_sent(ana, "nudge", "2025-03-03", run="run-3", at="2025-03-03T07:00:02+00:00", by=by)


def dump_figures(serving_path: Path, out: Path) -> dict[str, str]:
    """Every published table of the serving file as CSV, its rows sorted: {table: csv text}, also written
    to `out/<table>.csv`. `publication_state` (positions and times of this publication) is left out."""
    out.mkdir(parents=True, exist_ok=True)
    with attached(serving_path) as con:
        dumped = {}
        for table in published_tables(con):
            if table == "publication_state":
                continue
            path = out / f"{table}.csv"
            con.execute(f"COPY (SELECT * FROM s.{table} ORDER BY ALL) TO '{path}' (HEADER, DELIMITER ',')")
            dumped[table] = path.read_text()
        return dumped


def build(out: Path) -> None:
    from domain.application import open_application
    from domain.config import Settings
    from domain.jsonl import import_file
    from pipelines.refresh import only_one_at_a_time, refresh

    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "programme.jsonl"
    jsonl.write_text("".join(json.dumps(c) + "\n" for c in _commands()))
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(home=Path(scratch) / "home")
        write_fixture_key(settings.home)  # the store is written under the derived key, never a random one
        with open_application(settings) as app:
            summary = import_file(app, jsonl)
            assert summary.skipped == 0, summary
            _send_messages(app)
            assert app.erase_member(ERASED, requested_by="fixture", by=app.actor("cli", account="fixture"))
        with only_one_at_a_time(settings):
            done = refresh(settings, as_of=AS_OF, full=True, say=lambda _: None)
        assert done.published is not None and not done.failed_checks
        shutil.rmtree(out / "figures", ignore_errors=True)
        dump_figures(settings.serving_path, out / "figures")
        shutil.rmtree(out / "store", ignore_errors=True)
        for name in STORE_FILES:
            (out / "store" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(settings.home / name, out / "store" / name)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
