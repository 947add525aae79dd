"""PostgreSQL failing outside a batch's write: a schema that does not exist, and connections the server drops
(what a restart does) while the store is read. Each is a plain message saying what to do, never the driver's
exception; nothing is half-written; and the next attempt works."""

from __future__ import annotations

import json
import subprocess
import threading
import uuid

import psycopg

from domain.application import open_application
from domain.config import Settings
from domain.jsonl import import_file
from domain.store.postgres import StoreError
from tests.conftest import PEERPULSE, env_for, postgres_url


def test_a_schema_that_does_not_exist_is_named_with_what_to_do(tmp_path):
    missing = "no_such_" + uuid.uuid4().hex[:8]
    line = {"type": "form_group", "group": "g", "name": "G", "cadence": "monthly", "formed_on": "2025-01-06"}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line) + "\n")
    settings = Settings(home=tmp_path / "home", database_url=f"{postgres_url()}?schema={missing}")
    result = subprocess.run(
        [PEERPULSE, "import", str(path)], env=env_for(settings), capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"its schema '{missing}' does not exist" in result.stderr, result.stderr
    assert f"CREATE SCHEMA {missing}" in result.stderr
    assert postgres_url().split("@")[0] not in result.stderr  # never the user and password


def test_connections_dropped_while_reading_are_a_plain_store_error_and_the_next_read_works(
    pg_schema, tmp_path, monkeypatch
):
    name = "peerpulse-faults-" + uuid.uuid4().hex[:8]
    monkeypatch.setenv("PGAPPNAME", name)  # libpq names this process's connections: only they are dropped
    settings = Settings(home=tmp_path / "home", database_url=pg_schema)
    commands = [
        {"type": "form_group", "group": f"g{i}", "name": f"Group {i}", "cadence": "monthly", "formed_on": "2025-01-06"}
        for i in range(300)
    ]
    path = tmp_path / "groups.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in commands))
    with open_application(settings) as app:
        import_file(app, path)
        stored = app.event_count()

    stop = threading.Event()

    def drop_connections() -> None:
        with psycopg.connect(postgres_url(), autocommit=True, application_name="peerpulse-faults-killer") as conn:
            while not stop.is_set():
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [name]
                )
                stop.wait(0.01)

    killer = threading.Thread(target=drop_connections, daemon=True)
    killer.start()
    outcomes: list[str] = []
    try:
        for _ in range(40):
            try:
                with open_application(settings) as app:
                    for _ in range(5):
                        assert len(app.recorder.select_notifications(start=1, limit=10_000)) == stored
                outcomes.append("read")
            except StoreError as e:
                outcomes.append(str(e))
                break  # one refusal is the proof; the read below shows the store works again
    finally:
        stop.set()
        killer.join(timeout=30)
    refused = [o for o in outcomes if o != "read"]
    assert refused, "no connection was dropped mid-read: the test proved nothing"
    for message in refused:
        assert "stopped answering" in message and "nothing was half-written, try again" in message, message
        assert "password" not in message and "peerpulse:peerpulse" not in message
    with open_application(settings) as app:  # the server is back (nobody drops connections now)
        assert app.event_count() == stored
