"""The pipeline as a user runs it: `peerpulse materialize`, its checks, its sensor, and `dg dev`."""

from __future__ import annotations

import os
import subprocess
import time

import duckdb
import pytest

from domain.config import Settings
from tests.conftest import PEERPULSE, REPO, env_for
from tests.integration.test_application import EXAMPLE, write_jsonl
from tests.support.dagster_dev import dg_dev
from warehouse.db import file_identity

HOOK = REPO / "tests" / "support" / "nothing_leaves"  # an audit hook in every Python process started
ASSETS = "{ assetNodes { assetKey { path } groupName } }"
RUNS = "{ runsOrError { ... on Runs { results { runId status } } } }"

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

    from pipelines.defs.refresh.sensors import new_events
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


def test_the_sensor_says_plainly_when_there_is_no_store_to_read(tmp_path):
    """A data folder with no store (or no key) yet: the tick is skipped with the plain message, not an
    error with a traceback in `dg dev`'s log every second."""
    import dagster as dg

    from pipelines.defs.refresh.sensors import new_events
    from pipelines.defs.resources import Warehouse

    os.environ["PEERPULSE_HOME"] = str(tmp_path / "nothing-yet")
    try:
        skipped = new_events(dg.build_sensor_context(cursor=None, resources={"warehouse": Warehouse()}))
    finally:
        del os.environ["PEERPULSE_HOME"]
    assert isinstance(skipped, dg.SkipReason)
    assert skipped.skip_message.startswith("no store key: the event store")


def test_dagster_dev_serves_the_asset_graph_refreshes_and_nothing_leaves(seeded, tmp_path):
    """`dg dev`, started in the checkout with the project's instance config (dagster_home/dagster.yaml) as
    `make dagster` starts it, serves the asset graph, and its sensor's first run publishes the figures.
    Every Python process involved (the `dg` command, the webserver, the daemon, the code server, the run)
    runs under the audit hook that records any look-up of, or connection to, an address off loopback:
    the record stays empty. Without the instance config, the webserver and the daemon both looked up
    telemetry.dagster.io to upload Dagster's usage statistics."""
    from domain.store.log import EventLog

    settings, env = seeded
    record = tmp_path / "record.txt"
    hooked = env | {"PYTHONPATH": str(HOOK), "PEERPULSE_AUDIT_LOG": str(record), "HOME": str(tmp_path / "user")}
    with dg_dev(hooked, tmp_path / "dagster", log=tmp_path / "dg.log") as dagster:
        deadline = time.monotonic() + 180
        while not (nodes := dagster.wait_answering(ASSETS)["assetNodes"]) and time.monotonic() < deadline:
            time.sleep(1)  # answering, the code location not loaded yet
        keys = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
        assert keys["event_facts"] == "events" and keys["serving_file"] == "serving"
        assert keys["meeting_summary"] == "marts" and keys["dropout_risk"] == "marts"
        while (done := [r["status"] for r in dagster.graphql(RUNS)["runsOrError"]["results"]]) != ["SUCCESS"]:
            assert "FAILURE" not in done and time.monotonic() < deadline, (tmp_path / "dg.log").read_text()[-3000:]
            time.sleep(1)
    with EventLog(settings) as log:
        newest = log.max_position()
    assert serving(settings, "SELECT last_position FROM publication_state") == [(newest,)]
    assert not record.exists(), record.read_text()


def test_the_dagster_job_runs_the_same_refresh_and_publishes_the_same_figures(seeded):
    """Dagster's one step is `refresh()`: the job publishes what `materialize` does, records a
    materialization for each model it rebuilt and the checks it ran, and a second run with nothing new
    records none."""
    import dagster as dg

    from entrypoints.dagster_definitions import defs
    from warehouse.models import models

    settings, env = seeded
    saved = {k: os.environ.get(k) for k in ("PEERPULSE_HOME", "PEERPULSE_TODAY")}
    os.environ.update(PEERPULSE_HOME=str(settings.home), PEERPULSE_TODAY=env["PEERPULSE_TODAY"])
    try:
        job = defs().resolve_job_def("materialize_all")
        quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
        first = job.execute_in_process(run_config=quiet, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
        assert first.success
        built = {e.asset_key.to_user_string() for e in first.get_asset_materialization_events()}
        assert built == {"event_facts", "serving_file", *models()}  # a first refresh builds every model
        checked = {(e.asset_key.to_user_string(), e.check_name) for e in first.get_asset_check_evaluations()}
        assert ("event_facts", "event_counts_match_store") in checked and (
            "meeting_summary",
            "key_is_unique",
        ) in checked
        assert all(e.passed for e in first.get_asset_check_evaluations())
        by_dagster = everything_published(settings)
        again = job.execute_in_process(run_config=quiet, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
        assert again.success
        assert again.get_asset_materialization_events() == []  # nothing new: nothing rebuilt, nothing recorded
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.update({key: value})
    assert peerpulse(env, "materialize").returncode == 0
    assert everything_published(settings) == by_dagster


def test_the_dagster_step_waits_for_the_lock_and_rebuilds_a_damaged_warehouse(seeded):
    """The step takes the refresh's lock (it waits for a `materialize` in progress, and says so when it
    cannot) and, like `materialize`, rebuilds a warehouse file it finds damaged."""
    import dagster as dg

    from entrypoints.dagster_definitions import defs
    from pipelines.refresh import only_one_at_a_time

    settings, env = seeded
    assert peerpulse(env, "materialize").returncode == 0
    before = everything_published(settings)
    settings.warehouse_path.write_bytes(b"not a database" * 100)
    saved = {k: os.environ.get(k) for k in ("PEERPULSE_HOME", "PEERPULSE_TODAY")}
    os.environ.update(PEERPULSE_HOME=str(settings.home), PEERPULSE_TODAY=env["PEERPULSE_TODAY"])
    busy = {"resources": {"warehouse": {"config": {"wait_seconds": 0.2}}}}
    try:
        job = defs().resolve_job_def("materialize_all")
        with only_one_at_a_time(settings):
            held = job.execute_in_process(
                run_config=busy, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
            )
        assert not held.success
        failure = held.get_step_failure_events()[0].step_failure_data.error
        assert "another materialize is running" in failure.message
        instance = dg.DagsterInstance.ephemeral()
        rebuilt = job.execute_in_process(instance=instance, raise_on_error=False)
        assert rebuilt.success
        logged = [entry.user_message for entry in instance.all_logs(rebuilt.run_id)]
        assert any("is damaged" in m and "rebuilding it" in m for m in logged)
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.update({key: value})
    assert everything_published(settings) == before


def everything_published(settings: Settings) -> dict[str, list[tuple]]:
    from warehouse.models import published

    return {
        name: sorted(serving(settings, f"SELECT * EXCLUDE (published_at) FROM {name}"), key=repr)
        if name == "publication_state"
        else sorted(serving(settings, f"SELECT * FROM {name}"), key=repr)
        for name in published()
    }
