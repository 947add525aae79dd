"""What the browser tests share, once per test session: a seeded programme materialized by the real
commands, its people, and one Chromium (a server per configuration is started by each module)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import PEERPULSE
from tests.e2e.test_dashboards_browser import LEAD, base_env, chromium, email_of, serving


@pytest.fixture(scope="session")
def programme(tmp_path_factory) -> Path:
    """A seeded programme, materialized by the real command."""
    home = tmp_path_factory.mktemp("browser") / "home"
    env = base_env(home)
    for command in (["seed", "--groups", "4", "--months", "12", "--seed", "9"], ["materialize"]):
        done = subprocess.run([PEERPULSE, *command], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    return home


@pytest.fixture(scope="session")
def people(programme) -> dict[str, str]:
    """role -> email: the lead (configured), a facilitator of two groups if any, a plain member."""
    facilitator = serving(
        programme,
        "SELECT member_id FROM group_facilitators WHERE current GROUP BY member_id "
        "ORDER BY count(*) DESC, member_id LIMIT 1",
    )[0][0]
    member = serving(
        programme,
        "SELECT m.member_id FROM group_members m JOIN member_commitments c USING (member_id) "
        "WHERE m.active AND m.member_id NOT IN (SELECT member_id FROM group_facilitators) "
        "GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1",
    )[0][0]
    return {"lead": LEAD, "facilitator": email_of(programme, facilitator), "member": email_of(programme, member)}


@pytest.fixture(scope="session")
def browser():
    with chromium() as found:
        yield found
