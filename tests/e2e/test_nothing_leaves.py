"""Nothing leaves the machine: every `peerpulse` command runs under a Python audit hook that records
(and refuses) any name look-up of, or connection to, an address outside the loopback range, in the
command's own process and in every Python process it starts (the dashboards' Streamlit server, Dagster's
steps). The record must stay empty, through page visits in Chromium, a WebSocket from a foreign Origin
(which made Streamlit look up the machine's external address on the internet), `demo`, and
`send-reminders` (to a mail server on loopback).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PEERPULSE, REPO
from tests.e2e.test_dashboards_browser import PAGES, base_env, dashboards_server, url, visitor
from tests.integration.test_meeting_export_cli import MEETING, PROGRAMME
from tests.mailbox import mailbox

pytestmark = pytest.mark.slow

HOOK = REPO / "tests" / "support" / "nothing_leaves"
FIXTURES = REPO / "tests" / "fixtures"
LEAD = "programme.lead@example.org"


def hooked_env(home: Path, record: Path, **extra: str) -> dict[str, str]:
    return base_env(home, PYTHONPATH=str(HOOK), PEERPULSE_AUDIT_LOG=str(record), **extra)


def peerpulse(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([PEERPULSE, *args], env=env, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, (args, done.stderr[-2000:])


def foreign_origin_websocket(base: str) -> bytes:
    """The WebSocket handshake a page on another site would make to the dashboards."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"GET /_stcore/stream HTTP/1.1\r\nHost: " + f"{host}:{port}".encode() + b"\r\n"
            b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://evil.example.com\r\n\r\n"
        )
        return conn.recv(200)


def metrics(base: str) -> str:
    """What `/_stcore/metrics` answers: Streamlit's OpenMetrics text, or (once it is not served) the
    app's page or an error."""
    try:
        with urllib.request.urlopen(f"{base}/_stcore/metrics", timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code}"


def test_the_hook_records_a_look_up_beyond_the_machine(tmp_path):
    """The check can fail: a look-up of a public name is recorded (and refused)."""
    record = tmp_path / "record.txt"
    done = subprocess.run(
        [sys.executable, "-c", "import socket\ntry:\n socket.getaddrinfo('example.com', 80)\nexcept OSError:\n pass"],
        env=hooked_env(tmp_path, record),
        timeout=60,
    )
    assert done.returncode == 0
    assert "socket.getaddrinfo 'example.com'" in record.read_text()


def test_no_command_looks_up_or_connects_beyond_the_machine(tmp_path, browser):
    home, record = tmp_path / "home", tmp_path / "record.txt"
    env = hooked_env(home, record, PEERPULSE_TRUSTED_HEADER="X-Forwarded-Email", PEERPULSE_LEADS=LEAD)
    programme = tmp_path / "north.jsonl"
    programme.write_text("".join(json.dumps(c) + "\n" for c in PROGRAMME))

    peerpulse(env, "seed", "--groups", "2", "--months", "6", "--seed", "3")
    peerpulse(env, "import", str(programme))
    peerpulse(
        env,
        "import-zoom",
        *MEETING,
        str(FIXTURES / "zoom_written" / "per_session_participants.csv"),
        str(FIXTURES / "zoom_written" / "transcript.vtt"),
    )
    peerpulse(
        env,
        "import-teams",
        "--group",
        "north",
        "--meeting",
        "north-02",
        "--held-on",
        "2025-02-10",
        "--topic",
        "finance",
        str(FIXTURES / "teams" / "meetingAttendanceReport.csv"),
    )
    peerpulse(env, "materialize")
    with mailbox() as box:  # the briefings and reminders go to a mail server on this machine, and nowhere else
        mail = {
            "PEERPULSE_SMTP_HOST": box.host,
            "PEERPULSE_SMTP_PORT": str(box.port),
            "PEERPULSE_SMTP_STARTTLS": "false",
            "PEERPULSE_MAIL_FROM": "peerpulse@example.org",
            "PEERPULSE_DASHBOARDS_URL": "https://peerpulse.example.org",
        }
        # a Monday (the lead's digest and its chart) in the week seeded commitments fall due
        peerpulse(env | mail, "send-reminders", "--now", "2026-07-06T09:00", "--secrets", str(home / "none.toml"))
        assert box.of("digest") and box.of("nudge"), [r.kind for r in box.received]

    with dashboards_server(env) as base:
        with visitor(browser, LEAD) as me:
            for path, _ in PAGES["lead"]:
                me.open(url(base, "lead", path))
            assert not me.remote_requests()
        assert foreign_origin_websocket(base)  # answered (refused), without asking the internet who we are
        assert not record.exists(), record.read_text()
        assert "cache_memory_bytes" not in metrics(base)  # cache sizes per function are nobody's business

    peerpulse(env, "erase-member", "g0001-p001", "--yes")
    demo = hooked_env(home, record)  # the demo sign-in is the one source: no proxy header beside it
    with dashboards_server(demo, command="demo", timeout=300) as base:  # the store has events: no seeding
        assert foreign_origin_websocket(base)

    assert not record.exists(), record.read_text()
