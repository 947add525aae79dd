"""Recording in the browser, in-process (AppTest) and through the server-side write module: each form's
happy path, its rule errors, entitlement attacks (a facilitator writing into another group, a member
checking in for someone else, a non-admin running rosters, forged session state), double submits, and
two facilitators saving the same meeting at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboards import process_wide, recording
from dashboards.recording import MeetingForm, Refused
from dashboards.ui import CHOSEN_GROUP_KEY
from dashboards.viewer import NotEntitled, Viewer
from domain import ids
from domain.application import open_application
from domain.roster_csv import read_roster
from tests.integration.programmes import Programme
from tests.integration.test_dashboards_app import APP, AUTH, environment

TODAY = date(2026, 6, 30)
ADMIN = "admin@example.org"
FAY = Viewer(email="fay@example.org", member_id="fay", name="Fay", facilitates=("north",))
SAM = Viewer(email="sam@example.org", member_id="sam", name="Sam", facilitates=("south",))
ANA = Viewer(email="ana@example.org", member_id="ana", name="Ana", member_of=("north",))
BOB = Viewer(email="bob@example.org", member_id="bob", name="Bob", member_of=("north",))
ADMIN_VIEWER = Viewer(email=ADMIN, is_admin=True)


def small_programme() -> Programme:
    p = Programme().group("north", "2026-01-05").group("south", "2026-01-05")
    for member in ("ana", "bob", "cy"):
        p.join("north", member, "2026-01-05")
    p.join("south", "dee", "2026-01-05")
    p.facilitator("north", "fay", "2026-01-05").facilitator("south", "sam", "2026-01-05")
    p.meeting("north", "north-2026-06-01", "2026-06-01", {"ana": "present", "bob": "present", "cy": "absent"})
    p.commit("c-1", "ana", "north-2026-06-01", "2026-06-20")
    p.meeting("south", "south-2026-06-02", "2026-06-02", {"dee": "present"})
    return p


@pytest.fixture
def home(tmp_path) -> Iterator:
    with environment(
        {"PEERPULSE_HOME": str(tmp_path / "home"), "PEERPULSE_TODAY": TODAY.isoformat(), "PEERPULSE_ADMINS": ADMIN}
    ):
        settings = small_programme().store(tmp_path)
        publish(settings)
        st.cache_data.clear()
        process_wide.close_all()
        yield settings
        process_wide.close_all()


def publish(settings) -> None:
    from pipelines.refresh import refresh

    refresh(settings, as_of=TODAY, full=True, say=lambda _: None)


def signed_in(email: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    # `iat`: a session lasts session_hours from the ID token's issue; without one it has ended (sign_in_config)
    at.user = {"is_logged_in": True, "email": email, "email_verified": True, "iat": int(time.time())}
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def events(settings) -> int:
    with open_application(settings) as app:
        return app.event_count()


def form(**changes) -> MeetingForm:
    values = dict(
        group="north",
        held_on="2026-06-29",
        topic="growth",
        attendance={"ana": "present", "bob": "late", "cy": "absent"},
        presenters=["ana"],
        commitments=[("t1", "bob", "Call three customers", "2026-07-20")],
        follow_ups=[("c-1", "done", None, "Hired")],
    )
    return MeetingForm(**(values | changes))


# -- facilitator ---------------------------------------------------------------------------------------
def test_a_facilitator_records_a_whole_meeting_once_as_themselves_in_the_browser(home):
    saved = recording.record_meeting(FAY, form())
    assert (saved.applied, saved.skipped) == (3, 0)
    again = recording.record_meeting(FAY, form())  # a double click, a reload, a retried request
    assert (again.applied, again.skipped) == (0, 3) and again.nothing_new
    with open_application(home) as app:
        meeting = app.meeting("north-2026-06-29")
        assert meeting.attendance == {"ana": "present", "bob": "late", "cy": "absent"}
        assert app.commitment("north-2026-06-29-t1").text == "Call three customers"
        assert app.commitment("c-1").outcome == "done" and app.commitment("c-1").follow_ups[-1][0] == meeting.ref
        [held] = [r for r in app.history([ids.meeting_id(meeting.ref)]) if r.what == "MeetingHeld"]
        assert (held.who, held.via) == ("member:fay", "browser")


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"follow_ups": [("c-1", "carried_forward", None, None)]}, "new_due_on", "carried_forward needs new_due_on"),
        ({"commitments": [("t1", "cy", "Something", "2026-07-20")]}, "member", "did not attend"),
        ({"commitments": [("t1", "bob", "Something", "2026-06-01")]}, "due_on", "must be after the meeting"),
        ({"presenters": []} | {"attendance": {"zed": "present"}}, "attendance", "not on the roster"),
        ({"held_on": "2025-12-01"}, "held_on", "before group 'north' was formed"),
        ({"commitments": [("t1", "bob", "Zo\u202eoZ", "2026-07-20")]}, "text", "direction-changing"),
    ],
)
def test_a_broken_rule_names_its_field_and_stores_nothing(home, changes, field, message):
    before = events(home)
    with pytest.raises(Refused) as refused:
        recording.record_meeting(FAY, form(**changes))
    assert refused.value.field == field and message in refused.value.message
    assert events(home) == before


def test_a_facilitator_cannot_record_into_a_group_they_do_not_facilitate(home):
    before = events(home)
    for attack in (
        lambda: recording.record_meeting(FAY, form(group="south", attendance={"dee": "present"})),
        lambda: recording.record_meeting(SAM, form()),
        # a viewer whose roles were forged (widget values, session state) is still checked against the domain
        lambda: recording.record_meeting(
            Viewer(email="x@example.org", member_id="ana", facilitates=("north",)), form()
        ),
        lambda: recording.correct_attendance(FAY, "south-2026-06-02", "dee", "absent"),
        lambda: recording.correct_airtime(SAM, "north-2026-06-01", "ana", 10),
    ):
        with pytest.raises(NotEntitled):
            attack()
    assert events(home) == before


def test_two_facilitators_saving_the_same_meeting_at_once_record_one(home):
    first = form(attendance={"ana": "present", "bob": "present", "cy": "present"}, commitments=[], follow_ups=[])
    second = form(attendance={"ana": "absent", "bob": "present", "cy": "present"}, commitments=[], follow_ups=[])
    outcomes: list[object] = []

    def save(made: MeetingForm) -> None:
        try:
            outcomes.append(recording.record_meeting(FAY, made))
        except Refused as e:
            outcomes.append(e)

    threads = [threading.Thread(target=save, args=(made,)) for made in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [o for o in outcomes if isinstance(o, Refused)]
    assert len(refused) == 1 and refused[0].field == "meeting" and "already recorded" in refused[0].message
    with open_application(home) as app:
        stored = app.meeting("north-2026-06-29").attendance
    assert stored in (first.attendance, second.attendance)  # one of them, whole: nothing lost, nothing doubled


def test_the_record_page_offers_only_the_viewers_groups_and_saves_through_the_domain(home):
    at = signed_in("fay@example.org", "views/record_meeting.py")
    at.session_state[CHOSEN_GROUP_KEY] = "south"  # forged session state: not a group Fay facilitates
    at.run()
    assert at.title[0].value == "Record a meeting of Group north" and not at.exception
    at.date_input[0].set_value(date(2026, 6, 29)).run()
    at.button(key=[b.key for b in at.button if b.key and b.key.endswith("-save")][0]).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("is recorded" in s.value for s in at.success), [e.value for e in at.error]
    with open_application(home) as app:
        assert app.meeting("north-2026-06-29").group == "north"
        assert app.meeting("south-2026-06-29") is None


# -- member ----------------------------------------------------------------------------------------------
def test_a_member_checks_in_on_their_own_commitment_once(home):
    saved = recording.check_in(ANA, "c-1", "at_risk", 6, "Two candidates left", form_key="k1")
    assert saved.applied == 1
    assert recording.check_in(ANA, "c-1", "at_risk", 6, "Two candidates left", form_key="k1").nothing_new
    for attack in (
        lambda: recording.check_in(BOB, "c-1", "on_track", 9, None, form_key="k2"),
        lambda: recording.check_in(Viewer(email="x@example.org"), "c-1", "on_track", 9, None, "k3"),
    ):
        with pytest.raises(NotEntitled):
            attack()
    with open_application(home) as app:
        assert app.commitment("c-1").check_ins == {"k-k1": ("2026-06-30", "at_risk", 6)}


def test_a_member_rates_a_meeting_they_attended_within_fourteen_days_once(home):
    recording.record_meeting(FAY, form(commitments=[], follow_ups=[]))
    assert recording.rate(ANA, "north-2026-06-29", 8).applied == 1
    assert recording.rate(ANA, "north-2026-06-29", 8).nothing_new
    with pytest.raises(Refused, match="already rated"):
        recording.rate(ANA, "north-2026-06-29", 3)
    with pytest.raises(Refused, match="within 14 days"):
        recording.rate(BOB, "north-2026-06-01", 7)  # held 29 days ago
    with pytest.raises(Refused, match="did not attend"):
        recording.rate(Viewer(email="c@example.org", member_id="cy", member_of=("north",)), "north-2026-06-29", 5)


def test_the_member_pages_render_for_a_member(home):
    at = signed_in("ana@example.org", "views/my_check_in.py")
    assert at.title[0].value == "Check in and rate"


# -- programme admin -------------------------------------------------------------------------------------
def test_an_admin_forms_a_group_registers_members_and_runs_a_roster(home):
    assert recording.form_group(ADMIN_VIEWER, "east", "East Forum", "monthly", "2026-06-01", None).applied == 1
    assert recording.register_member(ADMIN_VIEWER, "Eve Adams", "eve@example.org", None, "CEO").applied == 1
    rows, problems = read_roster(
        b"name,email,company,title,group,joined_on\n"
        b"Eve Adams,eve@example.org,,CEO,east,2026-06-02\n"
        b"Fred Ng,fred@example.org,Ng Ltd,,east,2026-06-03\n",
        "roster.csv",
    )
    assert problems == []
    preview = recording.preview_roster(ADMIN_VIEWER, rows, problems)
    assert preview.new == {3}  # Eve is registered already: the same member id, not a second one
    assert recording.import_roster(ADMIN_VIEWER, rows).applied == 3  # Fred registered, both joined
    assert recording.import_roster(ADMIN_VIEWER, rows).nothing_new  # the same sheet again
    with open_application(home) as app:
        assert app.group("east").roster_on("2026-06-30") == sorted([preview.members[2], preview.members[3]])


def test_a_roster_with_a_bad_row_is_refused_whole_with_its_rows_named(home):
    rows, problems = read_roster(
        b"name,email,company,title,group,joined_on\n"
        b"Gus Lee,gus@example.org,,,north,2026-06-02\n"
        b",nobody@example.org,,,north,2026-06-02\n"
        b"Hal Ode,not-an-email,,,north,2026-06-02\n"
        b"Ida Poe,ida@example.org,,,nowhere,2026-06-02\n",
        "roster.csv",
    )
    assert [(p.line, p.column) for p in problems] == [(3, "name")]
    preview = recording.preview_roster(ADMIN_VIEWER, rows, problems)
    assert [(p.line, p.column) for p in preview.problems] == [(3, "name"), (4, "email")]
    before = events(home)
    good = [r for r in rows if r.line != 4]
    with pytest.raises(Refused) as refused:
        recording.import_roster(ADMIN_VIEWER, good)  # Ida's group does not exist: the whole sheet is refused
    assert refused.value.line == 5 and "does not exist" in refused.value.message
    assert events(home) == before


def test_only_an_admin_runs_groups_and_rosters(home):
    for viewer in (FAY, ANA, Viewer(email="lead@example.org", is_lead=True)):
        for attack in (
            lambda v=viewer: recording.form_group(v, "west", "West", "monthly", "2026-06-01", None),
            lambda v=viewer: recording.register_member(v, "Zed", "zed@example.org", None, None),
            lambda v=viewer: recording.membership(v, "leave", "north", "ana", "2026-06-30", "moved"),
        ):
            with pytest.raises(NotEntitled):
                attack()


def test_the_admin_pages_render_for_an_admin_and_not_for_others(home):
    at = signed_in(ADMIN, "views/admin_groups.py")
    assert at.title[0].value == "Groups"
    at.switch_page("views/admin_members.py").run()
    assert at.title[0].value == "Members" and not at.exception
    member = signed_in("ana@example.org")
    assert "admin_groups.py" not in str(member._registered_pages)
