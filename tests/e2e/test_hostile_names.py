"""Names and texts that carry Markdown, HTML, LaTeX and `javascript:` links are shown as the text they
are, on every page of every role, in real Chromium: nothing is fetched from the "outside host" they
point at (a second loopback address, 127.0.0.2, with a server that records every request), no request
leaves 127.0.0.1, and each payload reads back literally where a page shows it.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.test_dashboards_browser import (
    ADMIN_PAGES,
    HEADER,
    LEAD,
    PAGES,
    PEERPULSE,
    base_env,
    dashboards_server,
    url,
    visitor,
)

pytestmark = pytest.mark.slow
TODAY = "2026-02-20"


class OutsideHost:
    """An HTTP server on 127.0.0.2 standing in for any host on the internet: it records what it is asked."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Recorder(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.2", 0), Recorder)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.2:{self.port}/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def outside():
    host = OutsideHost()
    yield host
    host.close()


def payloads(outside: OutsideHost) -> dict[str, str]:
    return {
        "group": f"Circle ![g]({outside.url('group.png')}) :red[red] $x^2$ **bold**",
        "facilitator": f"Fay <img src={outside.url('fac.png')}> [home](javascript:alert(1))",
        "m1": f"Eve ![e]({outside.url('eve.png')}) _it_ `code`",
        "m2": f"Mal <b>bold</b> <script>alert(1)</script> {outside.url('auto')}",
        "m3": "Tex $$\\frac{1}{2}$$ :smile: ~~gone~~ # heading",
        "m4": f"Lin [click]({outside.url('link')}) &lt;b&gt; 1. list",
        "text1": f"Hire ![c]({outside.url('commit.png')}) <img src={outside.url('c2.png')}> $$e^x$$",
        "text2": "Sell [the unit](javascript:alert(2)) :blue[now] www.example.com",
    }


def programme(p: dict[str, str]) -> list[dict]:
    members = ["m1", "m2", "m3", "m4"]
    commands = [
        {"type": "form_group", "group": "g1", "name": p["group"], "cadence": "monthly", "formed_on": "2025-10-01"},
        {"type": "register_member", "member": "fac", "name": p["facilitator"], "email": "fay@example.org"},
        {"type": "assign_facilitator", "group": "g1", "member": "fac", "assigned_on": "2025-10-01"},
    ]
    for m in members:
        commands += [
            {"type": "register_member", "member": m, "name": p[m], "email": f"{m}@example.org"},
            {"type": "join_group", "group": "g1", "member": m, "joined_on": "2025-10-01"},
        ]
    days = ["2025-11-05", "2025-12-03", "2026-01-07", "2026-02-04"]
    for n, day in enumerate(days, start=1):
        absent = "m4" if n > 1 else None  # m4 drifts away: absent at the last three meetings
        attendance = {m: ("absent" if m == absent else "present") for m in members}
        seconds = {m: (2400 if m == "m1" else 300) for m in members if m != absent}  # m1 dominates
        commands.append(
            {
                "type": "hold_meeting",
                "group": "g1",
                "meeting": f"g1-{n}",
                "held_on": day,
                "topic": "growth",
                "attendance": attendance,
                "speaking_seconds": seconds,
                "presenters": ["m2"],
            }
        )
        commands += [{"type": "rate_meeting", "meeting": f"g1-{n}", "member": m, "score": 7} for m in ("m1", "m2")]
    commands += [
        {
            "type": "make_commitment",
            "commitment": "c1",
            "member": "m1",
            "meeting": "g1-4",
            "text": p["text1"],
            "due_on": "2026-02-25",
        },
        {
            "type": "make_commitment",
            "commitment": "c2",
            "member": "m2",
            "meeting": "g1-4",
            "text": p["text2"],
            "due_on": "2026-02-26",
        },
    ]
    return commands


@pytest.fixture(scope="module")
def home(tmp_path_factory, outside) -> Path:
    home = tmp_path_factory.mktemp("hostile") / "home"
    path = home.parent / "hostile.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in programme(payloads(outside))))
    env = base_env(home, PEERPULSE_TODAY=TODAY)
    for command in (["import", str(path)], ["materialize"]):
        done = subprocess.run([PEERPULSE, *command], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    return home


JOINER = "\u2060"  # ui.text keeps web and email addresses from turning into links with this invisible joiner


def main_text(me) -> str:
    return me.page.locator('[data-testid="stMain"]').inner_text().replace(JOINER, "")


def shows(me, text: str, seconds: float = 20) -> bool:
    """Whether the page shows `text` within `seconds`: a chart's labels are drawn after the page is."""
    deadline = time.monotonic() + seconds
    while text not in main_text(me):
        if time.monotonic() > deadline:
            return False
        me.page.wait_for_timeout(250)
    return True


def sidebar_text(me) -> str:
    return me.page.locator('[data-testid="stSidebar"]').inner_text().replace(JOINER, "")


def nothing_fetched_or_linked(me) -> None:
    assert me.page.locator('[data-testid="stException"]').count() == 0
    # no image, link or script made from a payload; and no link at all inside text from data
    assert (
        me.page.locator(
            "img[src*='127.0.0.2'], a[href^='javascript'], a[href*='127.0.0.2'], script[src*='127.0.0.2'], "
            "[data-testid='stMarkdown'] a[href^='mailto'], [data-testid='stMarkdown'] a[href^='http']"
        ).count()
        == 0
    )
    assert (
        me.page.locator(
            ".katex, strong:text-is('bold'), b:text-is('bold'), em:text-is('it'), del, h1:text-is('heading')"
        ).count()
        == 0
    )
    outside = [u for u in me.requests if urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    assert outside == []


def test_hostile_names_and_texts_render_as_text_for_every_role(home, outside, browser):
    p = payloads(outside)
    env = base_env(
        home,
        PEERPULSE_TODAY=TODAY,
        PEERPULSE_TRUSTED_HEADER=HEADER,
        PEERPULSE_LEADS=LEAD,
        PEERPULSE_ADMINS="admin@example.org",
    )
    with dashboards_server(env) as base:
        with visitor(browser, LEAD) as me:
            for path, _ in PAGES["lead"]:
                me.open(url(base, "lead", path))
                nothing_fetched_or_linked(me)
            me.open(url(base, "lead", "programme_portfolio"))
            assert shows(me, p["group"][:30]), main_text(me)  # the component heatmap's row label (cut short to fit)

        with visitor(browser, "fay@example.org") as me:
            me.open(url(base, "facilitator", "group_next_meeting"))
            nothing_fetched_or_linked(me)
            assert me.title().replace(JOINER, "") == f"Before {p['group']}'s next meeting"
            shown = main_text(me)
            for payload in (p["m1"], p["m2"], p["m4"], p["text1"], p["text2"]):  # follow-ups, check-in, airtime
                assert payload in shown, payload
            assert p["facilitator"] in sidebar_text(me)
            me.open(url(base, "facilitator", "group_airtime"))
            nothing_fetched_or_linked(me)
            assert me.title().replace(JOINER, "") == f"Airtime in {p['group']}"
            for path in ("record_meeting", "correct_meeting"):  # the forms name people too
                me.open(url(base, "facilitator", path))
                nothing_fetched_or_linked(me)

        with visitor(browser, "m1@example.org") as me:
            for path in sorted((path for path, _ in PAGES["member"]), key=lambda path: path == "my_attendance"):
                me.open(url(base, "member", path))
                nothing_fetched_or_linked(me)
            assert p["group"] in main_text(me)  # "member since" caption of the attendance page
            assert p["m1"] in sidebar_text(me)

        with visitor(browser, "admin@example.org") as me:  # names and emails, for the programme's admin
            for path, _ in ADMIN_PAGES:
                me.open(f"{base}/{path}")
                nothing_fetched_or_linked(me)

        stranger = f"x![s]({outside.url('email.png')})@example.org"
        with visitor(browser, stranger) as me:
            me.open(base)
            nothing_fetched_or_linked(me)
            assert stranger in main_text(me)  # the "not registered" page names the address it was given

    with dashboards_server(base_env(home, PEERPULSE_TODAY=TODAY), command="demo") as base:
        with visitor(browser, None) as me:  # the demo sign-in page lists personas by name
            me.open(base)
            nothing_fetched_or_linked(me)
            assert p["facilitator"] in main_text(me)

    assert outside.hits == []
