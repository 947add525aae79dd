"""A PostgreSQL import of 50,000 commands finishes, holds the events table only while it stores, and a
terminated backend (what a server restart does to a session) is a plain message with nothing stored."""

from __future__ import annotations

import json
import subprocess
import time

import psycopg

from domain.config import Settings
from tests.conftest import PEERPULSE, env_for


def seeded(tmp_path, groups: int = 155):
    path = tmp_path / "big.jsonl"
    subprocess.run(
        [PEERPULSE, "seed", "--groups", str(groups), "--months", "12", "--seed", "4", "--jsonl", str(path)],
        env=env_for(Settings(home=tmp_path / "seed")),
        check=True,
        capture_output=True,
    )
    return path


def importing(path, pg_schema: str, tmp_path) -> subprocess.Popen:
    """`peerpulse import path` started into the test's private schema (its home under tmp_path)."""
    return subprocess.Popen(
        [PEERPULSE, "import", str(path)],
        env=env_for(Settings(home=tmp_path / "home", database_url=pg_schema)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def schema_of(pg_schema: str) -> str:
    return pg_schema.rsplit("schema=", 1)[1]


def lock_holder(url: str, schema: str, deadline: float) -> int | None:
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT pid FROM pg_locks WHERE mode = 'ExclusiveLock' AND granted AND relation = to_regclass(%s)",
                [f"{schema}.peerpulse_events"],
            ).fetchone()
            if row:
                return row[0]
            time.sleep(0.02)
    return None


def count(url: str, schema: str) -> int:
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        if conn.execute("SELECT to_regclass(%s)", [f"{schema}.peerpulse_events"]).fetchone()[0] is None:
            return 0
        return conn.execute(f"SELECT count(*) FROM {schema}.peerpulse_events").fetchone()[0]


def test_a_50k_import_finishes_and_a_second_writer_waits_only_for_its_commit(pg_schema, tmp_path):
    path = seeded(tmp_path)
    assert sum(1 for _ in path.open()) >= 50_000
    big = importing(path, pg_schema, tmp_path)
    assert lock_holder(pg_schema, schema_of(pg_schema), time.monotonic() + 120) is not None
    line = tmp_path / "one.jsonl"
    line.write_text(
        json.dumps(
            {
                "type": "form_group",
                "group": "zz-late",
                "name": "Late group",
                "cadence": "monthly",
                "formed_on": "2026-01-05",
            }
        )
        + "\n"
    )
    writer = importing(line, pg_schema, tmp_path)
    _, err = big.communicate(timeout=120)
    imported_at = time.monotonic()
    assert big.returncode == 0, err
    _, werr = writer.communicate(timeout=60)
    assert writer.returncode == 0, werr
    assert time.monotonic() - imported_at < 20  # it waited for the commit, not for a timeout


def test_a_terminated_backend_is_a_plain_message_and_nothing_is_stored(pg_schema, tmp_path):
    path = seeded(tmp_path, groups=100)
    big = importing(path, pg_schema, tmp_path)
    pid = lock_holder(pg_schema, schema_of(pg_schema), time.monotonic() + 120)
    assert pid is not None
    with psycopg.connect(pg_schema.split("?")[0], autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", [pid])
    _, err = big.communicate(timeout=120)
    assert big.returncode != 0
    assert "Traceback" not in err
    assert "nothing was stored" in err
    assert count(pg_schema, schema_of(pg_schema)) == 0
