"""`peerpulse serve` keeps the figures fresh by itself: events imported while it runs reach the serving
file with no other command, a quiet store is left alone, and what it prints names no one."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from domain.config import Settings
from tests.conftest import PEERPULSE
from tests.e2e.test_dashboards_browser import base_env, dashboards_server, serving
from tests.integration.test_application import EXAMPLE, write_jsonl
from warehouse.db import file_identity

pytestmark = pytest.mark.slow


def published_position(home: Path) -> int:
    try:
        return serving(home, "SELECT last_position FROM publication_state")[0][0]
    except Exception:  # between a link moving and the file opening: look again
        return -1


def test_serve_publishes_what_arrives_and_leaves_a_quiet_store_alone(tmp_path):
    home = tmp_path / "home"
    env = base_env(home)
    for command in (["seed", "--groups", "2", "--months", "4", "--seed", "2"], ["materialize"]):
        done = subprocess.run([PEERPULSE, *command], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    settings = Settings(home=home)
    log = tmp_path / "serve.log"
    with dashboards_server(env, log_to=log):
        published = file_identity(settings.serving_path)
        time.sleep(1.5)  # six looks at the log: nothing new, so nothing rebuilt or published
        assert file_identity(settings.serving_path) == published

        imported = subprocess.run(
            [PEERPULSE, "import", str(write_jsonl(tmp_path / "north.jsonl", EXAMPLE))],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert imported.returncode == 0, imported.stderr
        from domain.application import open_application

        with open_application(settings) as app:
            saved = app.event_count()
        deadline = time.monotonic() + 60
        while published_position(home) < saved and time.monotonic() < deadline:
            time.sleep(0.1)
        assert published_position(home) == saved, log.read_text()[-2000:]
        assert serving(home, "SELECT count(*) FROM meeting_attendance WHERE group_id = 'north'")[0][0] == 4
    said = log.read_text()
    assert "figures refreshed" in said and "1 groups refreshed" in said
    for personal in ("Ana Ruiz", "Bob Tanaka", "example.org", "Tanaka Freight"):
        assert personal not in said
