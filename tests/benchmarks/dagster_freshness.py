"""Freshness in Dagster: from the commit of new events to the serving file showing them, with only
`dagster dev` running (its daemon ticks the `new_events` sensor). Prints
figures; asserts nothing.

On a copy of a materialized programme (default `peerpulse seed --groups 60 --months 24`, ~44k events),
`dagster dev -m entrypoints.dagster_definitions` starts on loopback with its own DAGSTER_HOME, a copy
of dagster_home/dagster.yaml (telemetry off). Once it
is idle (the sensor's first run, which finds nothing new, has finished), this process repeatedly runs
`peerpulse import` of a small JSONL (a meeting of an existing group, held on the as-of day), notes the
instant the store's transaction committed (the log position seen to move, looked at every 10 ms) and
waits until the serving file's `publication_state.last_position` reaches it (as freshness.py does). For
each commit it reads the runs Dagster made from its GraphQL API: when the run was created (the sensor's
tick), started (its process up) and ended, which splits the latency into its parts.

Then, as a baseline in the same run, Dagster is stopped and `peerpulse serve` (its follower) is measured
on the same store the same way.

Bounded: --repeats commits on each (default 5), each given at most 120 s; every process started is killed
at the end. Run: `.venv/bin/python tests/benchmarks/dagster_freshness.py [--groups 60 --months 24]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    CACHE,
    EVENTS_PER_GROUP_MONTH,
    PEERPULSE,
    REPO,
    env_for,
    materialized_copy,
    seeded_store,
)
from tests.benchmarks.freshness import TIMEOUT, facilitated_groups, one_meeting, wait_published
from tests.support.dagster_dev import INSTANCE

DAGSTER = str(Path(sys.executable).with_name("dagster"))
RUNS = (
    "{ runsOrError(limit: 50) { ... on Runs { results { runId jobName status creationTime startTime endTime "
    "tags { key value } } } } }"
)
SENSORS = (
    "{ repositoriesOrError { ... on RepositoryConnection { nodes { sensors { name minIntervalSeconds "
    "sensorState { status } } } } } }"
)


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]


def runs(port: int) -> list[dict]:
    return graphql(port, RUNS)["runsOrError"]["results"]


def start_dagster(env: dict[str, str], dagster_home: Path, log: Path) -> tuple[subprocess.Popen, int]:
    from tests.conftest import free_port

    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(INSTANCE, dagster_home / "dagster.yaml")  # the project's instance config (telemetry off)
    port = free_port()
    process = subprocess.Popen(
        [DAGSTER, "dev", "-m", "entrypoints.dagster_definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=env | {"DAGSTER_HOME": str(dagster_home)},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # dagster dev ignores SIGTERM from a script: stop its whole process group
    )
    return process, port


def wait_idle(port: int, serving: Path, position: int, quiet: float = 12.0, timeout: float = 300.0) -> None:
    """Until Dagster answers, a run has published `position` (the sensor's first tick asks for one: its
    cursor starts at 0), and no run is queued or running for `quiet` seconds (over two sensor intervals)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = runs(port)
            break
        except (OSError, KeyError, TypeError):
            if time.monotonic() > deadline:
                raise TimeoutError("dagster dev did not answer") from None
            time.sleep(1)
    wait_published(serving, position, time.perf_counter())
    calm_since = time.monotonic()
    while time.monotonic() - calm_since < quiet:
        if time.monotonic() > deadline:
            raise TimeoutError("dagster dev did not go idle")
        found = runs(port)
        if any(r["status"] not in ("SUCCESS", "FAILURE", "CANCELED") for r in found):
            calm_since = time.monotonic()
        time.sleep(1)


def import_and_wait(env: dict[str, str], home: Path, lines: list[dict], name: str) -> tuple[float, float, int]:
    """`peerpulse import` of `lines`; returns the wall-clock instant of the commit (the log's position seen
    to move, every 10 ms), the seconds from it to the serving file holding it, and the position."""
    from domain.config import Settings
    from domain.store.log import EventLog

    settings = Settings(home=home)
    path = home / f"{name}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with EventLog(settings) as log:
        before = log.max_position()
        process = subprocess.Popen([PEERPULSE, "import", str(path)], env=env, stdout=subprocess.DEVNULL)
        try:
            while (position := log.max_position()) <= before and process.poll() is None:
                time.sleep(0.01)
            committed, wall = time.perf_counter(), time.time()
            if process.wait(timeout=120) != 0 or position <= before:
                position = log.max_position()
                if position <= before:
                    raise RuntimeError(f"peerpulse import {path} stored nothing")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return wall, wait_published(settings.serving_path, position, committed), position


def summary(latencies: list[float]) -> str:
    found = sorted(latencies)
    p95 = found[max(0, round(0.95 * len(found)) - 1)]
    return f"median {statistics.median(found):.2f} s, p95 {p95:.2f} s, min {found[0]:.2f} s, max {found[-1]:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=60, help="programme size to seed (default 60 groups)")
    parser.add_argument("--months", type=int, default=24, help="months of history to seed (default 24)")
    parser.add_argument("--repeats", type=int, default=5, help="commits measured on each (default 5)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the `peerpulse serve` baseline")
    args = parser.parse_args()
    store = seeded_store(args.groups * args.months * EVENTS_PER_GROUP_MONTH, args.months)
    home = materialized_copy(store, CACHE / "dagster-freshness")

    from domain.config import Settings
    from domain.store.log import EventLog

    settings = Settings(home=home)
    groups = facilitated_groups(home, args.repeats * 2)
    env = env_for(home)
    scratch = Path(tempfile.mkdtemp(prefix="dagster-freshness-", dir="/tmp"))
    with EventLog(settings) as log:
        events_at_start = log.max_position()
    commits = iter(range(args.repeats * 2))
    load_at_start = f"{os.getloadavg()[0]:.1f}"  # the machine may be shared: the figures say under what load

    def next_meeting() -> list[dict]:
        i = next(commits)
        group, _, roster = groups[i % len(groups)]
        return one_meeting(group, roster, f"{i}-{time.time_ns() % 10**10}", 0.9)[0]

    dagster: list[dict] = []
    process = None
    try:
        process, port = start_dagster(env, scratch / "dagster", scratch / "dagster.log")
        started = time.perf_counter()
        with EventLog(settings) as log:
            wait_idle(port, settings.serving_path, log.max_position())
        print(f"dagster dev idle {time.perf_counter() - started:.0f} s after its start", file=sys.stderr)
        sensors = [s for repo in graphql(port, SENSORS)["repositoriesOrError"]["nodes"] for s in repo["sensors"]]
        for i in range(args.repeats):
            known = {r["runId"] for r in runs(port)}
            wall, latency, position = import_and_wait(env, home, next_meeting(), f"dagster-{i}")
            time.sleep(0.5)  # the run has published; let it end, so its end time is known
            new = sorted((r for r in runs(port) if r["runId"] not in known), key=lambda r: r["creationTime"])
            dagster.append({"latency": latency, "position": position, "commit": wall, "runs": new})
            print(f"  dagster {i + 1}: {latency:.2f} s", file=sys.stderr)
            deadline = time.monotonic() + TIMEOUT  # every run it asked for has ended: each commit on its own
            while time.monotonic() < deadline and any(
                r["status"] not in ("SUCCESS", "FAILURE", "CANCELED") for r in runs(port)
            ):
                time.sleep(0.5)
            time.sleep(6)  # past a sensor interval: the next commit lands at a random point of the next one
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    follower: list[float] = []
    if not args.no_baseline:
        from tests.e2e.test_dashboards_browser import dashboards_server

        with dashboards_server(env, log_to=scratch / "serve.log"), EventLog(settings) as log:
            wait_published(settings.serving_path, log.max_position(), time.perf_counter())
            for i in range(args.repeats):
                _, latency, _ = import_and_wait(env, home, next_meeting(), f"serve-{i}")
                follower.append(latency)
                print(f"  serve {i + 1}: {latency:.2f} s", file=sys.stderr)
                time.sleep(0.5)

    print(f"programme: {store.name} ({events_at_start:,} events), copied to {home}; scratch {scratch}")
    print(f"load average: {load_at_start} at the start, {os.getloadavg()[0]:.1f} at the end ({os.cpu_count()} cores)")
    states = (f"{s['name']} {s['sensorState']['status']} every {s['minIntervalSeconds']} s" for s in sensors)
    print("sensors: " + ", ".join(states))
    print("freshness in Dagster (`dagster dev`, its daemon): a meeting imported, from its commit to the serving file")
    for i, rep in enumerate(dagster):
        parts = []
        for r in rep["runs"]:
            created, start, end = r["creationTime"], r["startTime"], r["endTime"]
            tags = {t["key"]: t["value"] for t in r["tags"]}
            by = tags.get("dagster/sensor_name", "?")
            parts.append(
                f"{r['jobName']} by {by} {r['status']}: created +{created - rep['commit']:.2f} s, "
                + (f"started +{start - rep['commit']:.2f} s, " if start else "")
                + (f"ended +{end - rep['commit']:.2f} s" if end else "not ended")
            )
        runs_made = "; ".join(parts or ["none"])
        print(f"  {i + 1}: {rep['latency']:.2f} s (position {rep['position']:,}); runs: {runs_made}")
    print(f"  Dagster ({len(dagster)}x): {summary([r['latency'] for r in dagster])}")
    if follower:
        print(f"  `peerpulse serve`'s follower, same store, same commits ({len(follower)}x): {summary(follower)}")
        print("    " + ", ".join(f"{s:.2f}" for s in follower))


if __name__ == "__main__":
    main()
