"""The dashboards in a real browser: `peerpulse serve` on 127.0.0.1, Debian's Chromium driven by Playwright.

Sign-in is the trusted-header mode (PEERPULSE_TRUSTED_HEADER=X-Forwarded-Email), the header set by the
browser context as an authenticating proxy would. Every page of every role renders with no exception
element and no request leaving the machine; a member cannot open a lead's page by its URL; pages keep
loading while `peerpulse materialize` publishes new serving files. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest

from tests.conftest import PEERPULSE, REPO, free_port
from tests.e2e.header_proxy import header_proxy
from warehouse.db import file_identity, sql_string

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HEADER = "X-Forwarded-Email"
LEAD = "programme.lead@example.org"
TODAY = "2026-06-30"
SCREENSHOTS = REPO / "docs" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# role -> (url path, the page's title) for each of its pages, in navigation order. The first is the
# role's default page, served at the root URL (Streamlit gives a default page no path of its own).
PAGES = {
    "lead": [
        ("programme_portfolio", "Programme portfolio"),
        ("programme_trends", "Attendance and follow-through"),
        ("programme_retention", "Retention and dropout risk"),
    ],
    "facilitator": [
        ("group_next_meeting", "Before "),
        ("group_airtime", "Airtime in "),
        ("record_meeting", "Record a meeting of "),
        ("correct_meeting", "Correct a meeting of "),
    ],
    "member": [
        ("my_commitments", "My commitments"),
        ("my_attendance", "My attendance and airtime"),
        ("my_check_in", "Check in and rate"),
    ],
}
ADMIN_PAGES = [("admin_groups", "Groups"), ("admin_members", "Members")]


# -- helpers, shared with tests/benchmarks/dashboards_bench.py -----------------------------------
def url(base: str, role: str, path: str) -> str:
    return base if path == PAGES[role][0][0] else f"{base}/{path}"


def base_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPULSE_")}
    return env | {"PEERPULSE_HOME": str(home), "PEERPULSE_TODAY": TODAY} | extra


@contextmanager
def dashboards_server(
    env: dict[str, str], *args: str, log_to: Path | None = None, command: str = "serve", timeout: float = 60
) -> Iterator[str]:
    """`peerpulse serve` (or `demo`) on a free loopback port; yields its base URL, stops it (SIGTERM)
    afterwards. Its output goes to `log_to` (or a temporary file): a file, not a pipe, which would stall
    the server when full."""
    port = free_port()
    log = log_to.open("w+") if log_to else tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(
        [PEERPULSE, command, "--port", str(port), *args],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"peerpulse serve did not start:\n{log.read()}") from None
                time.sleep(0.3)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            server.kill()
        log.close()
        assert not _listening(port), "the Streamlit server outlived `peerpulse serve`"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` (or `sudo apt-get install chromium`) installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visitor:
    """One browser session signed in (by the proxy header) as one person, recording every request."""

    page: object
    requests: list[str] = field(default_factory=list)
    title_shown_after: float = 0.0  # seconds from navigation to the page's title on screen, last open()

    def open(self, url: str, timeout: float = 30) -> float:
        """Go to `url`; returns the seconds until the page has rendered and its script has finished."""
        started = time.perf_counter()
        self.page.goto(url)
        self.page.wait_for_selector("h1", timeout=timeout * 1000)
        self.title_shown_after = time.perf_counter() - started
        wait_rendered(self.page, timeout)
        return time.perf_counter() - started

    def title(self) -> str:
        return self.page.locator("h1").first.inner_text()

    def exceptions(self) -> int:
        return self.page.locator('[data-testid="stException"]').count()

    def remote_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname not in LOCAL_HOSTS
        ]


def wait_rendered(page, timeout: float = 30) -> None:
    page.wait_for_selector("h1", timeout=timeout * 1000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout * 1000)


@contextmanager
def visitor(browser, email: str | None, width: int = 1280, height: int = 900) -> Iterator[Visitor]:
    headers = {HEADER: email} if email else {}
    context = browser.new_context(extra_http_headers=headers, viewport={"width": width, "height": height})
    page = context.new_page()
    found = Visitor(page)
    page.on("request", lambda request: found.requests.append(request.url))
    page.on("websocket", lambda ws: found.requests.append(ws.url))
    try:
        yield found
    finally:
        context.close()


def screenshot(page, path: Path) -> None:
    """The whole page (Streamlit scrolls inside its main block, and draws what is in view), as a
    palette PNG small enough to commit."""
    from PIL import Image

    page.set_viewport_size({"width": page.viewport_size["width"], "height": 900})
    page.wait_for_timeout(200)
    height = 0
    for _ in range(10):  # grow the window until the page stops growing: below-the-fold charts draw late
        found = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        if found == height:
            break
        height = found
        page.set_viewport_size({"width": page.viewport_size["width"], "height": min(max(height, 600), 4000)})
        page.wait_for_timeout(500)
    image = Image.open(io.BytesIO(page.screenshot()))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        path, optimize=True
    )


def serving(home: Path, sql: str, *params: object) -> list[tuple]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {sql_string(home / 'serving.duckdb')} AS s (READ_ONLY)")
        con.execute("USE s")
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def email_of(home: Path, member_id: str) -> str:
    from domain.application import open_application
    from domain.config import Settings

    with open_application(Settings(home=home)) as app:
        return app.member(member_id).email


# -- fixtures (the programme, its people and the browser are in tests/e2e/conftest.py) ---------------
@pytest.fixture(scope="module")
def server(programme) -> Iterator[str]:
    env = base_env(programme, PEERPULSE_TRUSTED_HEADER=HEADER, PEERPULSE_LEADS=LEAD)
    with dashboards_server(env) as base:
        yield base


# -- tests ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", list(PAGES))
def test_each_role_signs_in_and_every_page_renders_locally(server, browser, people, role):
    with visitor(browser, people[role]) as me:
        for path, title in PAGES[role]:
            me.open(url(server, role, path))
            assert me.title().startswith(title), me.title()
            assert me.exceptions() == 0
            assert "Something went wrong" not in me.page.locator('[data-testid="stMain"]').inner_text()
            screenshot(me.page, SCREENSHOTS / f"{role}-{path}.png")
        assert me.requests, "the browser made requests"
        assert me.remote_requests() == []


def test_a_member_cannot_open_a_lead_or_facilitator_page_by_its_url(server, browser, people):
    with visitor(browser, people["member"]) as me:
        for path, _ in PAGES["lead"] + PAGES["facilitator"]:
            me.open(f"{server}/{path}")  # a page of theirs, or one that does not exist: the same to a member
            assert me.title() == "My commitments"
            text = me.page.locator('[data-testid="stAppViewContainer"]').inner_text()
            assert "Programme portfolio" not in text and "Before " not in text


def test_without_the_proxy_header_nobody_is_signed_in(server, browser):
    with visitor(browser, None) as me:
        me.open(f"{server}/programme_portfolio")
        assert me.title() == "PeerPulse"
        assert "did not reach PeerPulse" in me.page.locator('[data-testid="stMain"]').inner_text()
        assert me.remote_requests() == []


def test_behind_the_proxy_you_are_signed_in_and_around_it_you_are_not(server, browser, people):
    """The deployment of dashboards/README.md: an authenticating proxy in front, setting the header. The
    server stays reachable without the proxy (here, from the same machine): a request that did not come
    through it has no header, and nobody is signed in."""
    with header_proxy(server, HEADER, people["member"]) as proxied, visitor(browser, None) as me:
        me.open(proxied)
        assert me.title() == "My commitments"
        me.open(f"{server}/my_attendance")  # the same server, reached directly
        assert me.title() == "PeerPulse"
        assert "did not reach PeerPulse" in me.page.locator('[data-testid="stMain"]').inner_text()
        assert me.exceptions() == 0 and me.remote_requests() == []


def test_query_parameters_do_not_change_who_you_are(server, browser, people):
    with visitor(browser, people["member"]) as me:
        me.open(f"{server}/programme_portfolio?email={LEAD}&user={LEAD}&role=lead&embed=true")
        assert me.title() == "My commitments"


def test_pages_keep_loading_while_materialize_publishes(programme, server, browser, people):
    identity = file_identity(programme / "serving.duckdb")
    materialize = subprocess.Popen(
        [PEERPULSE, "materialize"],
        env=base_env(programme),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    loads = 0
    with visitor(browser, people["facilitator"]) as facilitator, visitor(browser, people["member"]) as member:
        while loads < 8 or materialize.poll() is None:  # every page, again and again, until it has published
            for me, role in ((facilitator, "facilitator"), (member, "member")):
                for path, title in PAGES[role]:
                    me.open(url(server, role, path))
                    assert me.exceptions() == 0 and me.title().startswith(title)
                    assert "Something went wrong" not in me.page.locator('[data-testid="stMain"]').inner_text()
                    loads += 1
    assert materialize.wait() == 0, materialize.stderr.read()
    assert file_identity(programme / "serving.duckdb") != identity, "new serving files were published"
    assert loads >= 8


def test_the_demo_sign_in_lets_a_visitor_try_a_persona(programme, browser):
    with dashboards_server(base_env(programme), "--demo") as base, visitor(browser, None) as me:
        me.open(base)
        assert me.title() == "Try PeerPulse"
        screenshot(me.page, SCREENSHOTS / "demo-sign_in.png")
        me.page.get_by_role("button", name="Sign in as").first.click()  # the programme lead
        me.page.wait_for_selector("h1:has-text('Programme portfolio')", timeout=30000)
        wait_rendered(me.page)
        assert me.exceptions() == 0 and me.remote_requests() == []


def test_serve_refuses_the_demo_sign_in_off_loopback(programme):
    done = subprocess.run(
        [PEERPULSE, "serve", "--demo", "--host", "0.0.0.0", "--port", str(free_port())],
        env=base_env(programme),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "127.0.0.1" in done.stderr and "Traceback" not in done.stderr
