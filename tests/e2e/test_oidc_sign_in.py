"""OpenID Connect sign-in end to end: `peerpulse serve` with an [auth] secrets file, a real provider on
127.0.0.1 (oidc-provider-mock, started by the test: tests/e2e/oidc_provider.py), Debian's Chromium.

Each sign-in goes the whole way: the sign-in button, the redirect to the provider, its consent form, the
code exchange, the ID token's checks (signature, issuer, audience, expiry, nonce) and the cookie. Then
each role's pages, with roles from the provider's `groups` claim and from the email lists; signing out;
a session that ends; an unverified email; an unknown email; a provider that is down; a tampered, an
expired ID token, a forged cookie. No token or email appears in any URL the browser asked for, or in
the server's log. And `peerpulse serve` refuses to start on a sign-in that cannot work.

One server and one provider serve every case.
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import PEERPULSE, REPO, free_port
from tests.e2e.oidc_provider import Provider, running_provider
from tests.e2e.test_dashboards_browser import (
    PAGES,
    Visitor,
    base_env,
    dashboards_server,
    url,
    visitor,
    wait_rendered,
)

pytestmark = pytest.mark.slow

SESSION_HOURS = 1
CLAIMED_LEAD = "claimed.lead@example.org"  # a lead by the provider's group, named nowhere else
LISTED_LEAD = "listed.lead@example.org"  # a lead by PEERPULSE_LEADS, with no groups claim
ADMIN = "admin@example.org"
STRANGER = "stranger@example.org"
SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{cookie_secret}"
client_id = "peerpulse-dashboards"
client_secret = "{client_secret}"
server_metadata_url = "{metadata_url}"

[peerpulse]
session_hours = {session_hours}

[peerpulse.roles]
claim = "groups"
lead = ["peerpulse-leads"]
admin = ["peerpulse-admins"]
"""
SEEN: list[str] = []  # every URL any browser asked for in this module, for the last test


@dataclass
class Deployment:
    base: str
    log: Path
    provider: Provider
    cookie_secret: str
    client_secret: str
    emails: dict[str, str]  # sub at the provider -> email


@pytest.fixture(scope="module")
def deployment(programme, people, tmp_path_factory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("oidc")
    with running_provider() as provider:
        emails = {
            "lead-by-group": CLAIMED_LEAD,
            "lead-by-list": LISTED_LEAD,
            "facilitator": people["facilitator"],
            "member": people["member"],
            "admin": ADMIN,
            "stranger": STRANGER,
        }
        groups = {"lead-by-group": ["staff", "peerpulse-leads"], "admin": ["peerpulse-admins"]}
        for sub, email in emails.items():
            provider.person(sub, email=email, email_verified=True, **({"groups": groups[sub]} if sub in groups else {}))
        found = Deployment(
            base="",
            log=folder / "server.log",
            provider=provider,
            cookie_secret=secrets.token_urlsafe(32),
            client_secret=secrets.token_urlsafe(16),
            emails=emails,
        )
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            SECRETS.format(
                cookie_secret=found.cookie_secret,
                client_secret=found.client_secret,
                metadata_url=provider.metadata_url,
                session_hours=SESSION_HOURS,
            )
        )
        env = base_env(programme, PEERPULSE_LEADS=LISTED_LEAD)
        with dashboards_server(env, "--secrets", str(secrets_file), log_to=found.log) as base:
            found.base = base
            yield found


@contextmanager
def browsing(browser) -> Iterator[Visitor]:
    """A fresh browser session with no cookies, whose every request is kept for the last test."""
    with visitor(browser, None) as me:
        try:
            yield me
        finally:
            SEEN.extend(me.requests)


def sign_in(me: Visitor, deployment: Deployment, sub: str) -> None:
    """The whole authorization code flow, as a person does it: the app's button, the provider's form."""
    me.open(deployment.base)
    me.page.get_by_role("button", name="Sign in").click()
    me.page.wait_for_selector("input[name=sub]", timeout=30000)  # the provider's consent form
    me.page.fill("input[name=sub]", sub)
    me.page.get_by_role("button", name="Authorize").click()
    me.page.wait_for_url(f"{deployment.base}/**", timeout=30000)
    wait_rendered(me.page)


def cookies(me: Visitor) -> dict[str, dict]:
    return {c["name"]: c for c in me.page.context.cookies()}


def main_text(me: Visitor) -> str:
    return me.page.locator('[data-testid="stMain"]').inner_text()


def assert_clean(me: Visitor) -> None:
    assert me.exceptions() == 0
    text = main_text(me)
    assert "Traceback" not in text and "Something went wrong" not in text
    assert me.remote_requests() == []


# -- every role's pages ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sub", "role"), [("lead-by-group", "lead"), ("facilitator", "facilitator"), ("member", "member")]
)
def test_each_role_signs_in_through_the_provider_and_sees_its_pages(deployment, browser, sub, role):
    with browsing(browser) as me:
        sign_in(me, deployment, sub)  # back on the role's first page
        signed = cookies(me)["_streamlit_user"]
        assert signed["httpOnly"] and signed["sameSite"] == "Lax" and signed["domain"] == "127.0.0.1"
        for number, (path, title) in enumerate(PAGES[role]):
            if number:
                me.open(url(deployment.base, role, path))
            assert me.title().startswith(title), me.title()
            assert_clean(me)


def test_an_admin_gets_the_rosters_and_an_unknown_email_nothing(deployment, browser):
    with browsing(browser) as me:
        sign_in(me, deployment, "admin")  # an admin by the provider's group, and nothing else
        assert me.title() == "Groups"  # the admin pages: groups and rosters, never a figure
        assert_clean(me)
    with browsing(browser) as me:
        sign_in(me, deployment, "stranger")
        assert me.title() == "Welcome to PeerPulse"
        assert "not registered" in main_text(me)
        assert_clean(me)


# -- sessions that end ----------------------------------------------------------------------------
def test_a_session_ends_session_hours_after_sign_in(deployment, browser, people):
    left = 8  # seconds of session left when the ID token is issued
    deployment.provider.person(
        "short-session",
        email=people["member"],
        email_verified=True,
        iat=int(time.time()) - SESSION_HOURS * 3600 + left,  # signed in almost an hour ago, by the token
    )
    ends = time.monotonic() + left
    with browsing(browser) as me:
        sign_in(me, deployment, "short-session")
        assert time.monotonic() < ends, "signing in took longer than the session left: raise `left`"
        assert me.title() == "My commitments"
        time.sleep(max(0.0, ends - time.monotonic()) + 1)
        me.open(f"{deployment.base}/my_attendance")
        assert me.title() == "Your session has ended"
        assert me.page.get_by_role("button", name="Sign in").count() == 1
        assert_clean(me)


# -- refused --------------------------------------------------------------------------------------
def test_an_unverified_email_is_refused_with_a_clear_page(deployment, browser, people):
    deployment.provider.person("unverified", email=people["member"], email_verified=False)
    with browsing(browser) as me:
        sign_in(me, deployment, "unverified")
        assert me.title() == "Email address not verified"
        assert "has not vouched for the email address" in main_text(me)
        assert me.page.locator('[data-testid="stSidebarNav"]').count() == 0  # no page of theirs
        assert_clean(me)


def test_a_provider_that_is_down_gets_a_clear_message(deployment, browser):
    with browsing(browser) as me:
        me.open(deployment.base)
        with deployment.provider.down():
            me.page.get_by_role("button", name="Sign in").click()
            me.page.wait_for_selector("h1:has-text('Sign-in is unavailable')", timeout=30000)
            wait_rendered(me.page)
        assert "did not answer" in main_text(me)
        assert "Authentication error" not in me.page.content()
        assert_clean(me)


@pytest.mark.parametrize("how", ["tampered", "expired"])
def test_a_tampered_or_expired_id_token_signs_nobody_in(deployment, browser, people, how):
    if how == "tampered":  # the member's token, with the lead's email put in: the signature no longer matches
        deployment.provider.tamper_next_with = CLAIMED_LEAD
        sub = "member"
    else:
        expired = int(time.time()) - 600  # past the two minutes of clock skew Authlib allows
        deployment.provider.person("expired", email=people["member"], email_verified=True, exp=expired)
        sub = "expired"
    with browsing(browser) as me:
        sign_in(me, deployment, sub)
        assert me.title() == "Sign-in did not complete"
        assert "_streamlit_user" not in cookies(me)
        assert_clean(me)
    assert deployment.provider.tamper_next_with is None


def test_a_forged_cookie_signs_nobody_in(deployment, browser):
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    def forged(secret: str) -> str:
        claims = {"email": CLAIMED_LEAD, "email_verified": True, "groups": ["peerpulse-leads"], "iat": int(time.time())}
        value = json.dumps(claims | {"origin": deployment.base, "is_logged_in": True, "provider": "default"})
        return create_signed_value(secret, "_streamlit_user", value).decode()

    for secret, title in ((secrets.token_urlsafe(32), "PeerPulse"), (deployment.cookie_secret, "Programme portfolio")):
        with browsing(browser) as me:
            me.page.context.add_cookies([{"name": "_streamlit_user", "value": forged(secret), "url": deployment.base}])
            me.open(deployment.base)
            # Signed with another secret: nobody. Signed with the server's own (which is why it must be
            # long, random and secret): anybody.
            assert me.title() == title


# -- signing out; and nothing in a URL or a log (last: it reads what every test above asked for) ----
def test_signing_out_ends_the_session_and_no_token_or_email_is_in_a_url_or_the_log(deployment, browser):
    with browsing(browser) as me:
        sign_in(me, deployment, "lead-by-list")  # a lead by PEERPULSE_LEADS: the list is the fallback
        assert me.title() == "Programme portfolio"
        me.page.get_by_role("button", name="Sign out").click()
        me.page.get_by_role("button", name="End session").click()  # the provider's own sign-out
        me.page.wait_for_url(f"{deployment.base}/**", timeout=30000)
        wait_rendered(me.page)
        assert me.title() == "PeerPulse" and "_streamlit_user" not in cookies(me)
        me.open(f"{deployment.base}/programme_trends")
        assert me.title() == "PeerPulse"
        logout = [u for u in me.requests if "/oauth2/end_session" in u]
        assert logout and not [u for u in logout if "id_token_hint" in u]
        assert_clean(me)

    log = deployment.log.read_text()
    assert "You can now view your Streamlit app" in log  # the server's own log, read whole
    assert deployment.provider.issued, "tokens were issued"
    assert any("/oauth2callback?code=" in u for u in SEEN)
    never = [*deployment.emails.values(), *deployment.provider.issued]
    never += [deployment.cookie_secret, deployment.client_secret]
    urls, log = [unquote(u).lower() for u in SEEN], log.lower()
    in_urls = sum(1 for secret in never for u in urls if secret.lower() in u)  # counts: a failure prints no secret
    in_log = sum(1 for secret in never if secret.lower() in log)
    assert (in_urls, in_log) == (0, 0), f"{in_urls} URL(s) and {in_log} value(s) in the log hold a token or an email"


# -- refused at startup ----------------------------------------------------------------------------
GOOD_AUTH = (
    '[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\ncookie_secret = "%s"\nclient_id = "c"\n'
    'client_secret = "s"\nserver_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
)


@pytest.mark.parametrize(
    ("secrets_toml", "environment", "said"),
    [
        (
            GOOD_AUTH,
            {"PEERPULSE_TRUSTED_HEADER": "X-Forwarded-Email"},
            ["more than one", "OpenID Connect", "PEERPULSE_TRUSTED_HEADER"],
        ),
        (GOOD_AUTH.replace("%s", "not-a-secret"), {}, ["cookie_secret is too weak"]),
        (GOOD_AUTH.replace("{port}", "8501"), {}, ["redirect_uri must be http://127.0.0.1:"]),
    ],
)
def test_serve_refuses_to_start_a_sign_in_that_cannot_work(programme, tmp_path, secrets_toml, environment, said):
    secrets_file = tmp_path / "secrets.toml"
    cookie_secret = secrets.token_urlsafe(32)
    secrets_file.write_text(secrets_toml.replace("%s", cookie_secret))
    port = free_port()
    done = subprocess.run(
        [PEERPULSE, "serve", "--port", str(port), "--secrets", str(secrets_file)],
        env=base_env(programme, **environment),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    for words in said:
        assert words in done.stderr
    assert "Traceback" not in done.stderr and cookie_secret not in done.stderr
    assert "dashboards on" not in done.stdout  # refused before Streamlit was started
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
