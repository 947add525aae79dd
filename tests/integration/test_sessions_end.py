"""Sessions that end on the server (domain.sessions), in-process (Streamlit's AppTest) on a seeded
programme: signing out in one tab signs out every other tab and every copy of the sign-in cookie at its
next run, and the server refuses a Save from it; so do an admin's change that takes a role away and an
erasure, even when another process records it. Each AppTest is one browser tab; `at.user` is the content
of its signed sign-in cookie, so giving two tabs the same one is copying the cookie.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import recording
from dashboards.sign_in_config import SIGNED_IN_AT
from dashboards.viewer import SessionEnded, Viewer
from domain import ids, sessions
from domain.application import open_application
from tests.conftest import PEERPULSE
from tests.integration import test_dashboards_app
from tests.integration.test_dashboards_app import (
    APP,
    AUTH,
    EMAILS_PAGE,
    FACILITATOR_PAGES,
    MEMBER_PAGES,
    demo_server,
    navigation,
)

programme = test_dashboards_app.programme  # a fixture

ADMIN = "admin@example.org"
SIGNED_OUT = "You have been signed out"


def tab(email: str, signed_in: float, page: str | None = None) -> AppTest:
    """A tab whose sign-in cookie says `email`, signed in at `signed_in` (as the server writes it)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.secrets["peerpulse"] = {"admins": [ADMIN]}
    at.user = {
        "is_logged_in": True,
        "email": email,
        "email_verified": True,
        "iat": int(signed_in),
        SIGNED_IN_AT: sessions.instant(signed_in),
    }
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def names(pages: tuple[str, ...]) -> set[str]:
    return {Path(p).name for p in pages}


def signed_out(at: AppTest) -> bool:
    return navigation(at) == {"sign_in.py"} and at.title[0].value == SIGNED_OUT


def test_signing_out_in_one_tab_signs_out_the_others_and_every_copy_of_the_cookie(programme):
    member = programme.plain_member()
    began = time.time() - 60
    here, there = tab(member.email, began), tab(member.email, began, "views/my_emails.py")
    assert navigation(there) == names(MEMBER_PAGES + EMAILS_PAGE)

    here.button(key="sign_out").click().run()
    assert not here.exception

    there.toggle[0].set_value(False)
    there.button[0].click().run()  # its next action: a Save
    assert signed_out(there)
    with open_application(programme.settings) as app:
        assert app.turned_off(f"member:{member.member_id}") == frozenset()  # nothing was saved
        [ended] = app.history([ids.sessions_id(sessions.of_email(app, member.email)[0])])
        assert (ended.what, ended.who, ended.via) == ("SessionsEnded", f"member:{member.member_id}", "browser")
    assert signed_out(tab(member.email, began))  # the cookie copied before signing out, replayed

    again = tab(member.email, time.time())  # signing in again is a new session
    assert navigation(again) == names(MEMBER_PAGES + EMAILS_PAGE)


def test_the_server_refuses_a_save_from_a_session_ended_after_its_page_was_checked(programme):
    member = programme.plain_member()
    began = sessions.instant()
    viewer = Viewer(email=member.email, member_id=member.member_id, member_of=("x",), signed_in_at=began)
    with open_application(programme.settings) as app:
        sessions.end(app, sessions.of_email(app, member.email)[0], "signed_out", by=app.actor("browser", email=ADMIN))
    with pytest.raises(SessionEnded):
        recording.set_emails(viewer, {"nudge": False})
    with pytest.raises(SessionEnded):
        recording.set_emails(Viewer(email=member.email, member_id=member.member_id, member_of=("x",)), {"nudge": False})
    with open_application(programme.settings) as app:
        assert app.turned_off(f"member:{member.member_id}") == frozenset()


@pytest.mark.parametrize("change", ["facilitator handed over", "member left"])
def test_an_admin_taking_a_role_away_signs_that_person_out(programme, change):
    facilitators = programme.facilitators()
    if change == "facilitator handed over":
        person, group = next((m, groups[0]) for m, groups in sorted(facilitators.items()))
        pages = names(FACILITATOR_PAGES)
    else:
        person = next(m for m in reversed(programme.members()) if m not in facilitators)
        group = programme.serving("SELECT group_id FROM group_members WHERE member_id = ? AND active", person)[
            "group_id"
        ][0]
        pages = names(MEMBER_PAGES)
    email = programme.people[person].email
    theirs = tab(email, time.time() - 60)
    assert pages <= navigation(theirs)
    bystander = tab(programme.plain_member().email, time.time())  # began after the first test signed them out

    admin = Viewer(email=ADMIN, is_admin=True, signed_in_at=sessions.instant())
    if change == "facilitator handed over":
        with open_application(programme.settings) as app:
            other = next(m for m in app.group(group).roster_on("2026-06-30") if m != person)
        saved = recording.membership(admin, "facilitate", group, other, "2026-06-30")
    else:
        saved = recording.membership(admin, "leave", group, person, "2026-06-30", "moved")
    assert saved.applied == 1

    theirs.run()  # their next action
    assert signed_out(theirs)
    bystander.run()
    assert not signed_out(bystander)  # nobody else's
    with open_application(programme.settings) as app:
        [ended] = app.history([ids.sessions_id(f"member:{person}")])
        assert ended.what == "SessionsEnded" and ended.who == app.actor("browser", email=ADMIN).who


def test_an_erasure_by_another_process_signs_the_member_out(programme):
    facilitators = programme.facilitators()
    erased = next(m for m in programme.members() if m not in facilitators and m != programme.plain_member().member_id)
    email = programme.people[erased].email
    theirs = tab(email, time.time() - 60)
    assert names(MEMBER_PAGES) <= navigation(theirs)

    done = subprocess.run([PEERPULSE, "erase-member", erased, "--yes"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr

    theirs.run()
    assert signed_out(theirs)
    assert navigation(tab(email, time.time())) == {"not_registered.py"}  # signed in again: nobody now


def test_switching_demo_persona_in_one_tab_signs_the_persona_out_in_the_others(programme):
    with demo_server("127.0.0.1"):
        first, second = (AppTest.from_file(str(APP), default_timeout=60).run() for _ in range(2))
        for at in (first, second):
            next(b for b in at.button if b.key == "persona-Programme lead").click().run()
            assert "programme_portfolio.py" in navigation(at)
        first.button(key="sign_out").click().run()
        assert navigation(first) == {"demo_sign_in.py"}
        second.run()
        assert navigation(second) == {"demo_sign_in.py"}
