"""Shared fixtures: a fresh data folder, and the event store on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

from domain.config import Settings

REPO = Path(__file__).resolve().parents[1]
# The command the tests run, as a user would: the one installed beside the interpreter running the tests,
# whatever the environment is called.
PEERPULSE = str(Path(sys.executable).with_name("peerpulse"))
PG_URL = os.environ.get("PEERPULSE_TEST_DATABASE_URL")


def postgres_url() -> str:
    """The test database. Without one, the PostgreSQL cases skip with the reason on a developer's machine,
    and fail under CI (CI=true), where skipping them would pass a run that never tested PostgreSQL."""
    if not PG_URL:
        reason = "PEERPULSE_TEST_DATABASE_URL is not set: `make test` starts PostgreSQL and sets it"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return PG_URL


@pytest.fixture
def pg_schema():
    """A private schema in the test database, dropped afterwards: tests never see each other's events."""
    import psycopg

    url = postgres_url()
    schema = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"create schema {schema}")
    yield f"{url}?schema={schema}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"drop schema {schema} cascade")


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request, tmp_path) -> Settings:
    """Settings for a new, empty programme on each kind of event store."""
    home = tmp_path / "home"
    if request.param == "sqlite":
        return Settings(home=home)
    return Settings(home=home, database_url=request.getfixturevalue("pg_schema"))


def free_port() -> int:
    """A loopback port nobody is listening on, for a server a test starts."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(settings: Settings) -> dict[str, str]:
    """The environment a `peerpulse` process needs to use these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPULSE_")}
    env["PEERPULSE_HOME"] = str(settings.home)
    if settings.database_url:
        env["PEERPULSE_DATABASE_URL"] = settings.database_url
    return env


def build_warehouse(settings: Settings, as_of):
    """Project the store into a fresh warehouse and build every model as of `as_of`, as production does
    (`refresh_models(full=True)`, checks included), without publishing. Returns the open DuckDB connection."""
    from domain.store.log import EventLog
    from pipelines.projection import catch_up
    from warehouse import db
    from warehouse.incremental import refresh_models

    source = EventLog(settings)
    try:
        con = db.connect(settings.warehouse_path)
        catch_up(con, source)
    finally:
        source.close()
    built = refresh_models(con, as_of, full=True)
    assert not built.failed, built.failed
    return con
