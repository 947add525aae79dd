"""Recording in real Chromium, against `peerpulse serve`: a facilitator records a whole meeting from the
real Zoom export (mapping a device name to a member) with commitments and a follow-up; a member checks in
and rates it; the figures then show it on the facilitator's, the member's and the lead's pages; two
facilitators' tabs save the same meeting at once; an admin uploads a roster with a bad row, then a good
one. Screenshots of the record, check-in and admin pages go to docs/screenshots/."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.test_dashboards_browser import (
    HEADER,
    PEERPULSE,
    SCREENSHOTS,
    base_env,
    dashboards_server,
    screenshot,
    visitor,
    wait_rendered,
)
from tests.support.programme import register

pytestmark = pytest.mark.slow
ZOOM = Path(__file__).resolve().parents[1] / "fixtures" / "zoom"
TODAY = "2026-06-30"
LEAD, ADMIN = "lead@example.org", "admin@example.org"
PEOPLE = {  # the roster meeting001's Zoom export is matched against (as in tests/unit/test_meeting_exports.py)
    "paul": ("James Paul McCartney", "paul@gmail.com"),
    "george": ("george   HARRISON", "gh@elsewhere.example"),
    "ringo": ("Richard Starkey", "ringorocks@beatles.org"),
    "eric": ("Éric Clapton", "ec@elsewhere.example"),
    "mal": ("Mal Evans", "mal@elsewhere.example"),
}


def programme() -> list[dict]:
    commands = [
        {
            "type": "form_group",
            "group": "abbey",
            "name": "Abbey Road Forum",
            "cadence": "monthly",
            "formed_on": "2026-01-05",
        },
        register("fay", "Fay Facilitator"),
        register("gus", "Gus Second"),
        {"type": "assign_facilitator", "group": "abbey", "member": "fay", "assigned_on": "2026-01-05"},
    ]
    for member, (name, email) in PEOPLE.items():
        commands += [
            register(member, name, email),
            {"type": "join_group", "group": "abbey", "member": member, "joined_on": "2026-01-05"},
        ]
    commands += [
        {
            "type": "hold_meeting",
            "group": "abbey",
            "meeting": "abbey-2026-06-01",
            "held_on": "2026-06-01",
            "topic": "growth",
            "attendance": {m: "present" for m in PEOPLE},
        },
        {
            "type": "make_commitment",
            "commitment": "c-old",
            "member": "ringo",
            "meeting": "abbey-2026-06-01",
            "text": "Book the studio for July",
            "due_on": "2026-06-20",
        },
    ]
    return commands


def run(env: dict, *args: str) -> None:
    done = subprocess.run([PEERPULSE, *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("recording") / "home"
    path = home.parent / "abbey.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in programme()))
    env = base_env(home, PEERPULSE_TODAY=TODAY)
    run(env, "import", str(path))
    run(env, "materialize")
    return home


@pytest.fixture(scope="module")
def server(home):
    env = base_env(
        home, PEERPULSE_TODAY=TODAY, PEERPULSE_TRUSTED_HEADER=HEADER, PEERPULSE_LEADS=LEAD, PEERPULSE_ADMINS=ADMIN
    )
    with dashboards_server(env) as base:
        yield base


def figures_follow(home: Path, timeout: float = 60) -> None:
    """Wait until the serving file includes every event saved so far: `peerpulse serve` refreshes the
    figures by itself (pipelines/follower.py), as it would for a person, with no other command."""
    from domain.application import open_application
    from domain.config import Settings
    from tests.e2e.test_follower import published_position

    with open_application(Settings(home=home)) as app:
        saved = app.event_count()
    deadline = time.monotonic() + timeout
    while published_position(home) < saved:
        assert time.monotonic() < deadline, f"the figures did not reach event {saved} within {timeout:.0f} s"
        time.sleep(0.1)


def made_at(app, meeting: str) -> list:
    """The commitments made at a meeting, as the domain holds them (their ids are random: not looked up)."""
    made = app.recorder.select_notifications(start=1, limit=10**6, topics=["CommitmentMade"])
    return [c for c in (app.find(n.originator_id) for n in made) if c.meeting == meeting]


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label` (typing it, as a person can)."""
    wait_rendered(page)
    box = page.get_by_role("combobox", name=label).first
    box.scroll_into_view_if_needed()
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click(timeout=10_000)
    wait_rendered(page)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_rendered(page)


def see(me, text: str, timeout: float = 30) -> None:
    """Wait until `text` is on the page, as a person reads it (Streamlit may rerun a script once or twice
    after a click; ui.text's invisible word joiners are not read)."""
    deadline = time.monotonic() + timeout
    while text not in main_text(me):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} is not on the page:\n{main_text(me)[:3000]}")
        me.page.wait_for_timeout(250)


def main_text(me) -> str:
    return me.page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")


def test_a_facilitator_records_a_meeting_from_a_zoom_export_and_members_see_it(home, server, browser):
    with visitor(browser, "fay@example.org", height=1400) as fay:
        fay.open(f"{server}/record_meeting")
        uploads = fay.page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        uploads.nth(0).set_input_files(str(ZOOM / "meeting001_participants.csv"))
        wait_rendered(fay.page)
        uploads.nth(1).set_input_files(str(ZOOM / "meeting001_transcript.vtt"))
        wait_rendered(fay.page)
        see(fay, "Eric's iPad (Clapton)")  # not on the roster: map it, or leave a guest
        choose(fay.page, "Eric's iPad (Clapton)", "Éric Clapton (eric)")
        # a commitment made at the meeting, and the follow-up of last month's
        choose(fay.page, "Who", "James Paul McCartney (paul)")
        fay.page.get_by_label("Committed to").fill("Write the bridge for the new song")
        click(fay.page, "Add the commitment")
        see(fay, "Write the bridge for the new song")
        choose(fay.page, "Outcome", "done")
        screenshot(fay.page, SCREENSHOTS / "facilitator-record_meeting.png")
        click(fay.page, "Save the meeting")
        see(fay, "The meeting is recorded")

    from domain.application import open_application
    from domain.config import Settings

    with open_application(Settings(home=home)) as app:
        meeting = app.meeting(f"abbey-{TODAY}")
        assert meeting.attendance == {
            "paul": "present",
            "george": "present",
            "ringo": "present",
            "eric": "present",
            "mal": "absent",
        }
        assert set(meeting.speaking_seconds) == {"paul", "george", "ringo", "eric"}
        assert app.group("abbey").aliases == {"Eric's iPad (Clapton)": "eric"}
        assert app.commitment("c-old").outcome == "done"
        [made] = made_at(app, f"abbey-{TODAY}")
        assert made.text == "Write the bridge for the new song" and made.member == "paul"

    figures_follow(home)
    with visitor(browser, "paul@gmail.com", height=1200) as paul:
        paul.open(f"{server}/my_check_in")
        click(paul.page, "Check in")
        see(paul, "Your check-in is recorded")
        click(paul.page, "Rate it")
        see(paul, "Your rating is recorded")
        screenshot(paul.page, SCREENSHOTS / "member-my_check_in.png")

    figures_follow(home)
    with visitor(browser, "fay@example.org") as fay:
        fay.open(f"{server}/group_next_meeting")
        see(fay, "Write the bridge for the new song")
        see(fay, "checked in")  # Paul's check-in beside his commitment
    with visitor(browser, "paul@gmail.com") as paul:
        paul.open(f"{server}/my_commitments")
        # in the table of open commitments (whose cells a screen reader reads)
        paul.page.get_by_text("Write the bridge", exact=False).first.wait_for(state="attached", timeout=15_000)
    with visitor(browser, LEAD) as lead:
        lead.open(server)
        # counts only: 1 of the 2 open commitments checked in on, none named
        see(lead, "1 of 1 open commitments checked in on in the last 30 days")


def outcome(me, timeout: float = 60) -> str:
    """'recorded', or 'told' (someone else recorded the meeting first), once the page says which."""
    deadline = time.monotonic() + timeout
    while True:
        text = main_text(me)
        if "The meeting is recorded" in text:
            return "recorded"
        if "Someone recorded this meeting a moment ago" in text:
            return "told"
        assert time.monotonic() < deadline, text[:2000]
        me.page.wait_for_timeout(250)


def test_two_tabs_saving_the_same_meeting_record_one_and_tell_the_other(home, server, browser):
    day = "2026-06-29"
    with visitor(browser, "fay@example.org") as first, visitor(browser, "fay@example.org") as second:
        for tab in (first, second):
            tab.open(f"{server}/record_meeting")
            tab.page.get_by_role("spinbutton", name="day, Held on").click()
            tab.page.keyboard.type(day[-2:])
            tab.page.keyboard.press("Tab")
            wait_rendered(tab.page)
            see(tab, "Mal Evans")
        choose(second.page, "Mal Evans", "Absent")  # the same meeting, with other details
        click(first.page, "Save the meeting")
        click(second.page, "Save the meeting")
        told = [outcome(tab) for tab in (first, second)]  # whichever save reached the store first wins
        assert sorted(told) == ["recorded", "told"]


def test_an_admin_uploads_a_roster_with_a_bad_row_then_a_good_one(home, server, browser, tmp_path):
    bad = tmp_path / "roster.csv"
    bad.write_text(
        "name,email,company,title,group,joined_on\n"
        "Yoko Ono,yoko@example.org,,Artist,abbey,2026-06-15\n"
        "Billy Preston,not-an-email,,,abbey,2026-06-15\n"
    )
    good = tmp_path / "roster-fixed.csv"
    good.write_text(bad.read_text().replace("not-an-email", "billy@example.org"))
    with visitor(browser, ADMIN, height=1200) as admin:
        admin.open(f"{server}/admin_members")
        upload = admin.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
        upload.set_input_files(str(bad))
        wait_rendered(admin.page)
        see(admin, "roster.csv, line 3, column 'email': must be a valid email address")
        assert admin.page.get_by_role("button", name="Record all 2 rows").count() == 0  # nothing to record yet
        upload.set_input_files(str(good))
        wait_rendered(admin.page)
        screenshot(admin.page, SCREENSHOTS / "admin-members.png")
        click(admin.page, "Record all 2 rows")
        see(admin, "The roster is recorded")
    from domain.application import open_application
    from domain.config import Settings

    with open_application(Settings(home=home)) as app:
        joined = {app.member(m).name for m in app.group("abbey").roster_on("2026-06-16")}
    assert {"Yoko Ono", "Billy Preston"} <= joined
