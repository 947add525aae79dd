"""`peerpulse send-reminders` as a person (or cron, or the Dagster schedule) runs it, against a real SMTP
server on loopback: killed mid-batch at chosen instants and run again, every message arrives exactly once;
the one residual (killed after the server accepted a message, before it was recorded) is sent again with
the same Message-ID; a dry run writes .eml files and records nothing; a server that cannot be reached is
one plain message."""

from __future__ import annotations

import email
import subprocess
from collections import Counter
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest

from domain.application import open_application
from domain.config import Settings
from notifications import sending
from notifications.config import MIN_CLAIM_SECONDS
from tests.conftest import PEERPULSE, env_for, free_port
from tests.integration.test_reminders import LEAD, NOW, published_with_cy_erased
from tests.mailbox import Mailbox, mailbox

pytestmark = pytest.mark.slow
CLAIM_SECONDS = MIN_CLAIM_SECONDS  # a dead run's claim lapses after this: the next run may send its message
LATER = CLAIM_SECONDS + 1  # how far ahead the runs after a killed one read the clock (tests/support/clock_ahead)
CLOCK_AHEAD = Path(__file__).parents[1] / "support" / "clock_ahead"
EVERY_MESSAGE = {
    ("kim@example.org", "briefing"),
    (LEAD, "digest"),
    ("ana@example.org", "nudge"),
    ("bob@example.org", "nudge"),
    ("dee@example.org", "nudge"),
    ("eve@example.org", "nudge"),
}


@pytest.fixture
def home(tmp_path) -> Settings:
    return published_with_cy_erased(tmp_path)


def mail_env(settings: Settings, box: Mailbox | None, leads: bool = True) -> dict[str, str]:
    return env_for(settings) | {
        "PEERPULSE_SMTP_HOST": "127.0.0.1",
        "PEERPULSE_SMTP_PORT": str(box.port if box else free_port()),
        "PEERPULSE_SMTP_STARTTLS": "false",
        "PEERPULSE_MAIL_FROM": "PeerPulse <peerpulse@example.org>",
        "PEERPULSE_DASHBOARDS_URL": "https://peerpulse.example.org",
        "PEERPULSE_LEADS": LEAD if leads else "",
        "PEERPULSE_MAIL_CLAIM_SECONDS": str(CLAIM_SECONDS),
    }


def later(env: dict[str, str]) -> dict[str, str]:
    """The environment of a run the claims of a run killed now have lapsed for: its clock reads ahead."""
    return env | {"PYTHONPATH": str(CLOCK_AHEAD), "PEERPULSE_TEST_CLOCK_AHEAD": str(LATER)}


def send(env: dict[str, str], *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = env | ({"PEERPULSE_CRASH_AT": crash_at} if crash_at else {})
    command = [PEERPULSE, "send-reminders", "--now", NOW.isoformat(), "--secrets", "/nonexistent.toml", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def delivered(box: Mailbox) -> Counter:
    return Counter((r.to[0], r.kind) for r in box.received)


def test_killed_mid_batch_and_run_again_every_message_arrives_exactly_once(home):
    expected = EVERY_MESSAGE - {(LEAD, "digest")}  # no lead here: the digest's chart is drawn in the next test
    with mailbox() as box:
        env = mail_env(home, box, leads=False)
        killed = send(env, crash_at="message-2-claimed")  # ana's nudge claimed, not yet handed over
        assert killed.returncode == 137, killed.stderr
        assert delivered(box) == Counter({("kim@example.org", "briefing"): 1})
        env = later(env)  # the dead run's claim has lapsed
        killed = send(env, crash_at="message-2-recorded")  # this run's second message sent and recorded
        assert killed.returncode == 137, killed.stderr
        assert len(box.received) == 3
        finished = send(env)
        assert finished.returncode == 0, finished.stderr
        assert finished.stdout.startswith("sent 0 briefings, 0 digests, 2 nudges; skipped 3 already sent")
        assert delivered(box) == Counter(dict.fromkeys(expected, 1))
    with open_application(home) as app:
        assert all(app.message(app.recipient_for(email=to), kind, _occasion(kind)).sent for to, kind in expected)
        claims = app.recorder.select_notifications(start=1, limit=100, topics=["MessageClaimedAgain"])
        assert len(claims) == 1  # ana's nudge, claimed again once the killed run's claim lapsed


def _occasion(kind: str) -> str:
    return {"briefing": "north@2026-07-07", "digest": "2026-W28", "nudge": "2026-07-06"}[kind]


def test_killed_after_the_server_accepted_it_the_message_goes_again_with_the_same_id(home, monkeypatch):
    """The documented residual: nothing can tell a run that died between the server's acceptance and the
    record whether the message went. The next run (here the Dagster schedule's job) sends it again, as the
    same message: the same Message-ID, which mail systems that deduplicate show once."""
    with mailbox() as box:
        env = mail_env(home, box)
        killed = send(env, crash_at="message-1-accepted")
        assert killed.returncode == 137 and [r.kind for r in box.received] == ["briefing"]
        real = sending.wall_clock  # the killed run's claim has lapsed
        monkeypatch.setattr(sending, "wall_clock", lambda: real() + timedelta(seconds=LATER))
        for key, value in env.items():  # the schedule's job sends in its own process, with its environment
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("PEERPULSE_TODAY", NOW.date().isoformat())
        from entrypoints.dagster_definitions import defs

        job = defs().resolve_job_def("send_reminders_job")
        assert job.execute_in_process(raise_on_error=True).success
    assert delivered(box)[("kim@example.org", "briefing")] == 2
    assert delivered(box) - Counter({("kim@example.org", "briefing"): 1}) == Counter(dict.fromkeys(EVERY_MESSAGE, 1))
    first, second = (r.message["Message-ID"] for r in box.of("briefing"))
    assert first == second


def test_a_dry_run_writes_the_messages_and_records_nothing_and_a_dead_server_is_one_message(home, tmp_path):
    out = tmp_path / "outbox"
    done = send(mail_env(home, None), "--dry-run", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote 1 briefing, 1 digest, 4 nudges")
    files = sorted(out.glob("*.eml"))
    assert [f.name.split("-", 2)[1] for f in files] == ["briefing", "digest", "nudge", "nudge", "nudge", "nudge"]
    assert all(f.stat().st_mode & 0o077 == 0 for f in files)  # they hold names and texts: owner only
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] == "Member kim <kim@example.org>"
    with open_application(home) as app:
        assert not app.recorder.select_notifications(start=1, limit=1, topics=["MessageClaimed"])

    refused = send(mail_env(home, None))  # nobody listens on that port
    assert refused.returncode == 3
    assert refused.stderr.startswith("peerpulse send-reminders: error: cannot reach the mail server 127.0.0.1:")
    assert "Traceback" not in refused.stderr


def test_settings_never_come_from_the_command_line():
    done = subprocess.run([PEERPULSE, "send-reminders", "--help"], capture_output=True, text=True, timeout=60)
    assert "--password" not in done.stdout and "--smtp" not in done.stdout and "--now" in done.stdout
    assert Path(PEERPULSE).exists()
