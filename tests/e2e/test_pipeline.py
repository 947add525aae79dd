"""The pipeline as a user runs it: `peerpulse materialize`, its checks, its sensor, and `dagster dev`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request

import duckdb
import pytest

from domain.config import Settings
from tests.conftest import PEERPULSE, REPO, env_for, free_port
from tests.integration.test_application import EXAMPLE, write_jsonl
from warehouse.db import file_identity

CONTRACT = {
    "meeting_summary": [
        "group_id",
        "meeting_id",
        "held_on",
        "roster_size",
        "attended",
        "attendance_rate",
        "airtime_gini",
        "top_speaker_share",
    ],
    "meeting_attendance": ["group_id", "meeting_id", "held_on", "member_id", "status"],
    "meeting_airtime": ["group_id", "meeting_id", "held_on", "member_id", "seconds", "share", "dominance_ratio"],
    "group_health": [
        "group_id",
        "month",
        "meetings",
        "attendance_rate",
        "airtime_gini",
        "follow_through_rate",
        "avg_rating",
        "retention_12m",
        "health_score",
        "tier",
    ],
    "member_commitments": [
        "member_id",
        "group_id",
        "commitment_id",
        "made_on",
        "due_on",
        "status",
        "outcome_score",
        "closed_on",
        "times_carried_forward",
    ],
    "dominance_alerts": ["group_id", "member_id", "meeting_id", "held_on", "dominance_ratio"],
    "dropout_risk": ["group_id", "member_id", "as_of", "risk_score", "level", "reasons"],
    "retention_curve": ["scope", "cohort", "month", "at_risk", "dropouts", "survival"],
}


def peerpulse(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PEERPULSE, *args], env=env, capture_output=True, text=True, timeout=600)


def serving(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{settings.serving_path}' AS s (READ_ONLY)")
    con.execute("USE s")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def seeded(tmp_path) -> tuple[Settings, dict]:
    settings = Settings(home=tmp_path / "home")
    env = env_for(settings) | {"PEERPULSE_TODAY": "2026-06-30"}
    assert peerpulse(env, "seed", "--groups", "4", "--months", "12", "--seed", "9").returncode == 0
    return settings, env


def test_materialize_publishes_the_contract_and_catches_up_incrementally(seeded, tmp_path):
    settings, env = seeded
    first = peerpulse(env, "materialize")
    assert first.returncode == 0, first.stderr
    assert "published" in first.stdout and "0 failed" in first.stdout
    for table, columns in CONTRACT.items():
        found = [
            r[0]
            for r in serving(
                settings,
                f"SELECT column_name FROM information_schema.columns "
                f"WHERE table_catalog = 's' AND table_name = '{table}' ORDER BY ordinal_position",
            )
        ]
        assert found[: len(columns)] == columns, table
    attendance_rows = serving(settings, "SELECT count(*) FROM meeting_attendance")[0][0]
    assert attendance_rows > 100

    published = file_identity(settings.serving_path)
    second = peerpulse(env, "materialize")
    assert "caught up: 0 new events" in second.stdout
    assert file_identity(settings.serving_path) != published, "each publication is a new file swapped in"

    more = write_jsonl(tmp_path / "more.jsonl", EXAMPLE)
    assert peerpulse(env, "import", str(more)).returncode == 0
    third = peerpulse(env, "materialize")
    assert "caught up: 15 new events in 1 pages" in third.stdout
    assert (
        serving(settings, "SELECT count(*) FROM meeting_attendance WHERE group_id = 'north'")[0][0] == 4
    )  # ana, bob at 2 meetings


def test_as_of_shows_the_programme_as_it_stood_that_day(seeded):
    settings, env = seeded
    assert peerpulse(env, "materialize", "--as-of", "2026-01-31").returncode == 0
    assert serving(settings, "SELECT max(held_on) FROM meeting_attendance")[0][0].isoformat() <= "2026-01-31"
    assert serving(settings, "SELECT count(*) FROM member_commitments WHERE made_on > DATE '2026-01-31'")[0][0] == 0
    earlier = serving(settings, "SELECT count(DISTINCT meeting_id) FROM meeting_attendance")[0][0]
    assert peerpulse(env, "materialize").returncode == 0
    later = serving(settings, "SELECT count(DISTINCT meeting_id) FROM meeting_attendance")[0][0]
    assert later > earlier


def test_a_failing_check_blocks_publication(seeded):
    settings, env = seeded
    assert peerpulse(env, "materialize").returncode == 0
    before = file_identity(settings.serving_path)
    # A roster row for somebody the event log never registered: referential integrity must fail.
    con = duckdb.connect(str(settings.warehouse_path))
    meeting = con.execute("SELECT meeting_id FROM fact_meeting_held LIMIT 1").fetchall()[0][0]
    con.execute("INSERT INTO fact_meeting_roster VALUES (1, ?, 'nobody-registered', 'present', NULL, false)", [meeting])
    con.close()
    result = peerpulse(env, "materialize")
    assert result.returncode != 0
    assert "did not publish" in result.stderr and "references_exist" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert file_identity(settings.serving_path) == before, "the previous serving file stays in place"


def test_the_sensor_requests_a_run_only_when_the_log_has_grown(seeded, tmp_path):
    import dagster as dg

    from pipelines.defs.events.sensors import new_events
    from pipelines.defs.resources import Warehouse

    settings, env = seeded
    os.environ["PEERPULSE_HOME"] = str(settings.home)
    try:
        context = dg.build_sensor_context(cursor=None, resources={"warehouse": Warehouse()})
        first = new_events(context)
        assert isinstance(first, dg.RunRequest)
        position = int(context.cursor)
        assert position > 0
        again = new_events(dg.build_sensor_context(cursor=str(position), resources={"warehouse": Warehouse()}))
        assert isinstance(again, dg.SkipReason)
        assert peerpulse(env, "import", str(write_jsonl(tmp_path / "more.jsonl", EXAMPLE))).returncode == 0
        grown = dg.build_sensor_context(cursor=str(position), resources={"warehouse": Warehouse()})
        assert isinstance(new_events(grown), dg.RunRequest)
        assert int(grown.cursor) == position + 15
    finally:
        del os.environ["PEERPULSE_HOME"]


def test_dagster_dev_serves_the_asset_graph(seeded, tmp_path):
    settings, env = seeded
    port = free_port()
    dagster_home = tmp_path / "dagster"
    dagster_home.mkdir()
    process = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "dagster"),
            "dev",
            "-m",
            "pipelines.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env | {"DAGSTER_HOME": str(dagster_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # dagster dev ignores SIGTERM from a script: stop its whole process group
    )
    try:
        query = json.dumps({"query": "{ assetNodes { assetKey { path } groupName } }"}).encode()
        nodes = None
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/graphql", data=query, headers={"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    nodes = json.load(response)["data"]["assetNodes"]
                    break
            except (OSError, KeyError, TypeError):
                time.sleep(1)
        assert nodes, "dagster dev did not answer"
        keys = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
        assert keys["event_facts"] == "events" and keys["serving_file"] == "serving"
        assert keys["meeting_summary"] == "marts" and keys["dropout_risk"] == "marts"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_the_dagster_job_runs_the_same_refresh_and_publishes_the_same_figures(seeded):
    """The Dagster assets call the refresh's own steps: the job publishes what `materialize` does, and
    a second run with nothing new rebuilds nothing."""
    import dagster as dg

    from pipelines.definitions import defs

    settings, env = seeded
    saved = {k: os.environ.get(k) for k in ("PEERPULSE_HOME", "PEERPULSE_TODAY")}
    os.environ.update(PEERPULSE_HOME=str(settings.home), PEERPULSE_TODAY=env["PEERPULSE_TODAY"])
    try:
        job = defs().resolve_job_def("materialize_all")
        quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
        first = job.execute_in_process(run_config=quiet, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
        assert first.success
        built = {e.asset_key.to_user_string() for e in first.get_asset_materialization_events()}
        assert {"event_facts", "meeting_summary", "serving_file"} <= built
        by_dagster = everything_published(settings)
        again = job.execute_in_process(run_config=quiet, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
        assert again.success
        rebuilt = {
            e.asset_key.to_user_string(): e.materialization.metadata["rebuilt"].value
            for e in again.get_asset_materialization_events()
            if "rebuilt" in e.materialization.metadata
        }
        assert set(rebuilt.values()) == {"unchanged"}
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.update({key: value})
    assert peerpulse(env, "materialize").returncode == 0
    assert everything_published(settings) == by_dagster


def everything_published(settings: Settings) -> dict[str, list[tuple]]:
    from warehouse.models import published

    return {
        name: sorted(serving(settings, f"SELECT * EXCLUDE (published_at) FROM {name}"), key=repr)
        if name == "publication_state"
        else sorted(serving(settings, f"SELECT * FROM {name}"), key=repr)
        for name in published()
    }
