"""Sessions that end on the server, end to end: `peerpulse serve` with OpenID Connect against the test
provider on 127.0.0.1 (tests/e2e/oidc_provider.py), Debian's Chromium, on a programme of its own (the
tests record and erase).

A member signs in through the provider and opens a second tab. Signing out in the first (and ending the
provider's session) must end the second at its next action: its check-in is refused and nothing is
recorded. The sign-in cookie, copied before signing out into another browser, signs nobody in. An erasure
by `peerpulse erase-member` ends an open tab the same way. Each fails on a server that only removes the
cookie from the browser that signed out (Streamlit's own sign-out).
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain import ids, sessions
from domain.application import open_application
from domain.config import Settings
from tests.conftest import PEERPULSE
from tests.e2e.oidc_provider import Provider, running_provider
from tests.e2e.test_dashboards_browser import Visitor, base_env, dashboards_server, serving, wait_rendered
from tests.e2e.test_oidc_sign_in import SECRETS, SESSION_HOURS
from tests.e2e.test_recording_browser import see

pytestmark = pytest.mark.slow

SIGNED_OUT = "You have been signed out"


@dataclass
class Deployment:
    home: Path
    base: str
    provider: Provider
    members: list[str]  # member ids with an open commitment, who are no facilitator


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("sessions")
    home = folder / "home"
    env = base_env(home)
    for command in (["seed", "--groups", "3", "--months", "8", "--seed", "21"], ["materialize"]):
        done = subprocess.run([PEERPULSE, *command], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    members = [
        row[0]
        for row in serving(
            home,
            "SELECT DISTINCT c.member_id FROM member_commitments c JOIN group_members m USING (member_id) "
            "WHERE c.status = 'open' AND m.active AND c.member_id NOT IN (SELECT member_id FROM group_facilitators) "
            "ORDER BY 1",
        )
    ]
    assert len(members) >= 2, "the seeded programme has two members with an open commitment"
    secrets_file = folder / "secrets.toml"
    with running_provider() as provider:
        with open_application(Settings(home=home)) as app:
            for member in members:
                provider.person(member, email=app.member(member).email, email_verified=True)
        secrets_file.write_text(
            SECRETS.format(
                cookie_secret=secrets.token_urlsafe(32),
                client_secret=secrets.token_urlsafe(16),
                metadata_url=provider.metadata_url,
                session_hours=SESSION_HOURS,
            )
        )
        with dashboards_server(env, "--secrets", str(secrets_file), log_to=folder / "server.log") as base:
            yield Deployment(home, base, provider, members)


def tab(context) -> Visitor:
    """A new tab in this browser (the same cookies)."""
    page = context.new_page()
    found = Visitor(page)
    page.on("request", lambda request: found.requests.append(request.url))
    return found


def sign_in(me: Visitor, deployment: Deployment, sub: str) -> None:
    """The whole authorization code flow, as a person does it: the app's button, the provider's form."""
    me.open(deployment.base)
    me.page.get_by_role("button", name="Sign in").click()
    me.page.wait_for_selector("input[name=sub]", timeout=30000)
    me.page.fill("input[name=sub]", sub)
    me.page.get_by_role("button", name="Authorize").click()
    me.page.wait_for_url(f"{deployment.base}/**", timeout=30000)
    wait_rendered(me.page)


@contextmanager
def signed_in_tab(browser, deployment: Deployment, member: str) -> Iterator[Visitor]:
    """A browser of its own (closed afterwards) with one tab, signed in as `member` through the provider."""
    context = browser.new_context()
    try:
        me = tab(context)
        sign_in(me, deployment, member)
        yield me
    finally:
        context.close()


def events(home: Path) -> int:
    with open_application(Settings(home=home)) as app:
        return app.event_count()


def check_in(me: Visitor) -> None:
    me.page.get_by_role("button", name="Check in", exact=True).first.click()
    wait_rendered(me.page)


def assert_clean(me: Visitor) -> None:
    text = me.page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in text and "Something went wrong" not in text
    assert me.page.locator('[data-testid="stException"]').count() == 0
    assert me.remote_requests() == []


def test_signing_out_ends_the_other_tab_and_every_copy_of_the_cookie(deployment, browser):
    member = deployment.members[0]
    with signed_in_tab(browser, deployment, member) as first:
        context = first.page.context
        assert first.title() == "My commitments"
        copied = [c for c in context.cookies() if c["name"].startswith("_streamlit_user")]
        assert copied, "the sign-in cookie"

        second = tab(context)  # a second tab of the same browser, open before signing out
        second.open(f"{deployment.base}/my_check_in")
        assert second.title() == "Check in and rate"

        first.page.get_by_role("button", name="Sign out").click()
        first.page.get_by_role("button", name="End session").click()  # the provider's own sign-out
        first.page.wait_for_url(f"{deployment.base}/**", timeout=30000)
        wait_rendered(first.page)
        assert first.title() == "PeerPulse"
        before = events(deployment.home)

        check_in(second)  # its next action
        see(second, SIGNED_OUT)
        assert second.title() == SIGNED_OUT
        assert events(deployment.home) == before, "the second tab recorded a check-in after signing out"
        for me in (first, second):
            assert_clean(me)

    with open_application(Settings(home=deployment.home)) as app:
        person = sessions.of_email(app, app.member(member).email)[0]
        [ended] = app.history([ids.sessions_id(person)])
        assert (ended.what, ended.who, ended.via) == ("SessionsEnded", f"member:{member}", "browser")

    thief = browser.new_context()  # another browser, with the cookie copied before signing out
    try:
        thief.add_cookies(
            [{"name": c["name"], "value": c["value"], "url": deployment.base} for c in copied],
        )
        me = tab(thief)
        me.open(deployment.base)
        assert me.title() == SIGNED_OUT
        assert me.page.locator('[data-testid="stSidebarNav"]').count() == 0  # none of the member's pages
        me.open(f"{deployment.base}/my_check_in")
        assert me.title() == SIGNED_OUT

        sign_in(me, deployment, member)  # signing in again is a new session
        assert me.title() == "My commitments"
        assert_clean(me)
    finally:
        thief.close()


def test_an_erasure_ends_the_members_open_tab_at_its_next_action(deployment, browser):
    member = deployment.members[1]
    with signed_in_tab(browser, deployment, member) as me:
        me.open(f"{deployment.base}/my_check_in")
        assert me.title() == "Check in and rate"

        done = subprocess.run(
            [PEERPULSE, "erase-member", member, "--yes"],
            env=base_env(deployment.home),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        before = events(deployment.home)

        check_in(me)
        see(me, SIGNED_OUT)
        assert events(deployment.home) == before
        assert_clean(me)
