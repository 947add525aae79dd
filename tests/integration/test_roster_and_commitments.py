"""A roster that gives one email twice is refused on both rows; a commitment forgotten at a meeting is
added later without typing the meeting again (commitment ids are random tokens, not positions)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboards import recording
from dashboards.recording import Refused
from dashboards.viewer import NotEntitled
from domain.application import open_application
from domain.roster_csv import read_roster
from tests.integration import test_recording
from tests.integration.test_recording import ADMIN_VIEWER, FAY, SAM, events, form, publish, signed_in

home = test_recording.home  # the same programme, published, as the recording tests

HEADER = b"name,email,company,title,group,joined_on\n"


# -- the roster ----------------------------------------------------------------------------------------
def test_an_email_given_twice_is_an_error_on_both_rows_and_nothing_is_stored(home):
    recording.form_group(ADMIN_VIEWER, "east", "East Forum", "monthly", "2026-06-01", None)
    recording.form_group(ADMIN_VIEWER, "west", "West Forum", "monthly", "2026-06-01", None)
    sheet = (
        HEADER + b"Eve Adams,eve@example.org,,CEO,east,2026-06-02\n"
        b"Fred Ng,fred@example.org,Ng Ltd,,east,2026-06-03\n"
        b"Eva Adams,EVE@Example.org,,CEO,west,2026-06-02\n"  # another person? the same one? not merged
        b"Fred Ng,fred@example.org,Ng Ltd,,east,2026-06-04\n"  # the same row twice
        b"Gus Lee,gus@example.org,,,east,2026-06-02\n"
        b"Gus Lee,gus@example.org,,,west,2026-06-02\n"  # one person in two groups: one row per group
    )
    rows, problems = read_roster(sheet, "roster.csv")
    assert [(p.line, p.column) for p in problems] == [(2, "email"), (3, "email"), (4, "email"), (5, "email")]
    by_line = {p.line: str(p) for p in problems}
    assert "the same email as line 4" in by_line[2] and "the same email as line 2" in by_line[4]
    assert "the same email as line 5" in by_line[3] and "the same email as line 3" in by_line[5]
    assert all("@" not in message and "Eve" not in message for message in by_line.values())  # no personal data
    preview = recording.preview_roster(ADMIN_VIEWER, rows, problems)
    assert [(p.line, p.column) for p in preview.problems] == [(2, "email"), (3, "email"), (4, "email"), (5, "email")]
    before = events(home)
    with pytest.raises(Refused) as refused:  # the server checks again: rows sent without their problems
        recording.import_roster(ADMIN_VIEWER, rows)
    assert (refused.value.line, refused.value.field) == (2, "email")
    assert events(home) == before

    good = [r for r in rows if r.line in (3, 6, 7)]
    assert recording.import_roster(ADMIN_VIEWER, good).applied == 5  # Fred and Gus registered, three joins


# -- commitments added to a meeting already recorded ---------------------------------------------------
def made_at(app, meeting: str) -> dict[str, tuple[str, str]]:
    """commitment id -> (member, text) of every commitment made at the meeting."""
    made = app.recorder.select_notifications(start=1, limit=10**6, topics=["CommitmentMade"])
    found = [app.find(n.originator_id) for n in made]
    return {c.ref: (c.member, c.text) for c in found if c.meeting == meeting}


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def by_key(widgets, suffix: str):
    return next(w for w in widgets if w.key and w.key.endswith(suffix))


def add_commitment_on(at, form: str, member: str, text: str, then: str | None = None) -> None:
    """Fill form `form`'s commitment row (keys ending `-{form}-member` and `-{form}-text`), add it, then
    click `then` if given (the button that saves), and see no error."""
    by_key(at.selectbox, f"-{form}-member").set_value(member)
    by_key(at.text_input, f"-{form}-text").input(text)
    button(at, "Add the commitment").click().run()
    if then:
        button(at, then).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def made_at_north(home) -> dict[str, tuple[str, str]]:
    with open_application(home) as app:
        return made_at(app, "north-2026-06-29")


def test_the_record_page_adds_a_forgotten_commitment_to_a_meeting_saved_before(home):
    at = signed_in("fay@example.org", "views/record_meeting.py")
    for text in ("Call three customers", "Hire a CFO"):  # the second one forgotten on the day
        by_key(at.date_input, "-held_on").set_value(date(2026, 6, 29)).run()
        add_commitment_on(at, "add", "bob", text, then="Save the meeting")
        assert any("is recorded" in s.value for s in at.success)
    made = made_at_north(home)
    assert sorted(made.values()) == [("bob", "Call three customers"), ("bob", "Hire a CFO")]
    assert all(ref.startswith("north-2026-06-29-") and "bob" not in ref for ref in made)


def test_the_correct_page_adds_a_commitment_once_and_only_for_the_facilitator(home):
    recording.record_meeting(FAY, form(follow_ups=[]))
    publish(home)
    at = signed_in("fay@example.org", "views/correct_meeting.py")
    by_key(at.selectbox, "-meeting").set_value("north-2026-06-29").run()
    add_commitment_on(at, "commitment", "ana", "Sign the lease")
    assert any("is recorded (1 new records)" in s.value for s in at.success)
    made = made_at_north(home)
    assert sorted(made.values()) == [("ana", "Sign the lease"), ("bob", "Call three customers")]

    # a retried save of that form records nothing new; another group's facilitator records nothing
    [(added, _)] = [(ref, v) for ref, v in made.items() if v[0] == "ana"]
    token = added.removeprefix("north-2026-06-29-")
    assert recording.add_commitment(FAY, "north-2026-06-29", "ana", "Sign the lease", "2026-07-27", token).nothing_new
    before = events(home)
    with pytest.raises(NotEntitled):
        recording.add_commitment(SAM, "north-2026-06-29", "ana", "Something", "2026-07-27", "a1")
    with pytest.raises(Refused, match="did not attend"):
        recording.add_commitment(FAY, "north-2026-06-29", "cy", "Something", "2026-07-27", "a2")
    assert events(home) == before
