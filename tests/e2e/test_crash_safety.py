"""Kill the materialization at random instants (and at chosen ones, mid-page), rerun it, and the
warehouse equals a clean rebuild: no event lost, none counted twice, no half-published file. Both for a
whole rebuild (`peerpulse materialize`) and for a refresh by partition (`materialize --changed`, what
the dashboards' follower runs)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import duckdb

from domain.config import Settings
from tests.conftest import PEERPULSE, env_for

TODAY = "2026-06-30"


def run(args: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([PEERPULSE, *args], env=env, capture_output=True, text=True, check=check, timeout=600)


def kill_at_random(args: list[str], env: dict[str, str], after: float) -> None:
    """Start `peerpulse <args>` and kill it hard (SIGKILL, its whole process group) `after` seconds in, if
    it is still running."""
    process = subprocess.Popen(
        [PEERPULSE, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    time.sleep(after)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, leaving out when the catch-up, the models or the publication last ran
    (timestamps), and which whole rebuild the models descend from (a random epoch)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        out = {}
        for name in names:
            columns = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [name],
                ).fetchall()
                if r[0] not in ("updated_at", "published_at", "epoch")
            ]
            out[name] = sorted(con.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def test_killed_runs_then_a_rerun_equal_a_clean_rebuild(tmp_path):
    crashed = Settings(home=tmp_path / "crashed")
    env = env_for(crashed) | {"PEERPULSE_TODAY": TODAY, "PEERPULSE_PAGE_SIZE": "400"}
    run(["seed", "--groups", "6", "--months", "12", "--seed", "3"], env)
    clean = Settings(home=tmp_path / "clean")
    clean.home.mkdir(mode=0o700)
    shutil.copy(crashed.sqlite_path, clean.sqlite_path)
    shutil.copytree(crashed.key_path.parent, clean.key_path.parent)
    total_events = sqlite_count(crashed.sqlite_path)
    assert total_events > 2000, "the programme must span several catch-up pages"

    # Chosen instants: inside a page (rows of some tables written, position not yet moved),
    # while a model is rebuilt, and with the next serving file built but not yet swapped in.
    for point in (
        "page-1200-after-event_log",
        "page-2000-after-fact_meeting_roster",
        "model-meeting_attendance-before-commit",
        "publish-before-replace",
    ):
        result = run(["materialize"], env | {"PEERPULSE_CRASH_AT": point}, check=False)
        assert result.returncode == 137, f"the crash at {point} did not happen: {result.stderr[-500:]}"

    # Random instants: a hard kill (SIGKILL) somewhere in the run, several times.
    rng = random.Random(11)
    for _ in range(4):
        kill_at_random(["materialize"], env, rng.uniform(1.0, 6.0))

    finished = run(["materialize"], env)
    assert "published" in finished.stdout
    run(["materialize"], env_for(clean) | {"PEERPULSE_TODAY": TODAY})

    recovered, rebuilt = tables(crashed.warehouse_path), tables(clean.warehouse_path)
    assert recovered.keys() == rebuilt.keys()
    for name in rebuilt:
        assert recovered[name] == rebuilt[name], f"{name} differs from a clean rebuild after crashes"
    assert len(recovered["event_log"]) == total_events
    assert tables(crashed.serving_path) == tables(clean.serving_path)
    assert not list(crashed.home.glob(".serving*building*")), "a half-built serving file was left behind"


def sqlite_count(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]


def test_killed_incremental_refreshes_then_a_rerun_equal_a_clean_rebuild(tmp_path):
    """The same, on the path the dashboards' follower takes: events arrive in batches after a first
    build, and `materialize --changed` (a refresh by partition) is killed while it catches up, while it
    rebuilds the touched partitions, while it updates a serving generation in place, before it links
    one, and at random instants."""
    from domain.application import open_application
    from domain.jsonl import commands_from
    from synthetic import generate_programme
    from tests.integration.test_incremental import clean_rebuild, interleaved

    crashed = Settings(home=tmp_path / "crashed")
    env = env_for(crashed) | {"PEERPULSE_TODAY": TODAY}
    rng = random.Random(5)
    commands = interleaved(
        [c for batch in generate_programme(groups=4, months=9, seed=8, until=date(2026, 6, 30)) for c in batch], rng
    )
    history, later = commands[: len(commands) * 3 // 4], commands[len(commands) * 3 // 4 :]
    size = len(later) // 10 + 1
    batches = [later[i : i + size] for i in range(0, len(later), size)]  # in order: later ones need earlier ones

    def arrive(batch: list[dict]) -> int:
        with open_application(crashed) as app:
            app.apply_commands(commands_from(batch, "batch"), "batch")
            return app.event_count()

    arrive(history)
    run(["materialize"], env)
    for point in (
        "page-{position}-after-event_log",  # the events landed, not yet their facts nor the position
        "model-meeting_attendance-before-commit",
        "model-member_engagement-before-commit",
        "publish-before-replace",  # a second generation built, not linked: the next one updates it in place
        "publish-changes-before-commit",
    ):
        position = arrive(batches.pop(0))
        result = run(["materialize", "--changed"], env | {"PEERPULSE_CRASH_AT": point.format(position=position)}, False)
        assert result.returncode == 137, f"the crash at {point} did not happen: {result.stdout[-300:]}"

    for _ in range(3):
        arrive(batches.pop(0))
        kill_at_random(["materialize", "--changed"], env, rng.uniform(1.5, 5.0))

    arrive([c for batch in batches for c in batch])
    finished = run(["materialize", "--changed"], env)
    assert "published" in finished.stdout and "refreshed" in finished.stdout, finished.stdout
    # the models declared `refresh: daily` are the first materialize's, and so are the clean rebuild's
    clean = clean_rebuild(crashed, tmp_path / "clean", daily_from=crashed.warehouse_path)
    bookkeeping = {"model_changes", "model_state"}  # which refresh did what: not the figures
    recovered, rebuilt = tables(crashed.warehouse_path), tables(clean.warehouse_path)
    assert recovered.keys() == rebuilt.keys()
    for name in rebuilt.keys() - bookkeeping:
        assert recovered[name] == rebuilt[name], f"{name} differs from a clean rebuild after crashes"
    assert tables(crashed.serving_path) == tables(clean.serving_path)
