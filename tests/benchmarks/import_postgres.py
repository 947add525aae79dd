"""Import rate into PostgreSQL against SQLite, in the same run: one JSONL file of ~57,000 commands
(`peerpulse seed --groups 160 --months 12 --seed 4 --jsonl`) through `peerpulse import`, end to end
(process start included), into a fresh SQLite home and into a fresh private PostgreSQL schema, taking
turns, `--runs` times each. Prints commands, seconds and commands/s of each (medians), and the ratio of
the rates PostgreSQL / SQLite.

The server is the one the tests use: `--url`, else PEERPULSE_TEST_DATABASE_URL, else what `bash .ci/postgres`
prints. Each run's schema is made for it and dropped afterwards. Run:
`.venv/bin/python tests/benchmarks/import_postgres.py [--runs 3]`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import PEERPULSE, REPO, env_for, timed

SEED = ["--groups", "160", "--months", "12", "--seed", "4"]


def server_url(given: str | None) -> str:
    url = given or os.environ.get("PEERPULSE_TEST_DATABASE_URL")
    if url:
        return url
    done = subprocess.run(["bash", str(REPO / ".ci/postgres")], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"no PostgreSQL server: .ci/postgres says {done.stderr.strip()}")
    return done.stdout.strip()


def import_into(jsonl: Path, home: Path, **extra: str) -> tuple[float, int]:
    """Seconds for `peerpulse import jsonl` into a fresh home (and the store `extra` names), and events stored."""
    with timed() as t:
        done = subprocess.run(
            [PEERPULSE, "import", str(jsonl)], env=env_for(home, **extra), capture_output=True, text=True
        )
    if done.returncode != 0:
        sys.exit(f"the import failed: {done.stderr.strip()}")
    return t["seconds"], int(re.search(r"(\d+) events stored", done.stdout).group(1))


def import_into_postgres(jsonl: Path, home: Path, url: str) -> tuple[float, int]:
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        return import_into(jsonl, home, PEERPULSE_DATABASE_URL=f"{url}?schema={schema}")
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="imports into each store (default 3); medians are printed")
    parser.add_argument("--url", help="postgresql://user:password@host:port/dbname (default: the tests' server)")
    args = parser.parse_args()
    url = server_url(args.url).split("?")[0]
    seconds: dict[str, list[float]] = {"SQLite": [], "PostgreSQL": []}
    stored: dict[str, set[int]] = {"SQLite": set(), "PostgreSQL": set()}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        jsonl = tmp / "g.jsonl"
        subprocess.run(
            [PEERPULSE, "seed", *SEED, "--jsonl", str(jsonl)],
            env=env_for(tmp / "seed"),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        commands = sum(1 for _ in jsonl.open())
        for run in range(args.runs):  # in turns, so both see the same load on a shared machine
            home = tmp / f"sqlite-{run}"
            took, events = import_into(jsonl, home)
            seconds["SQLite"].append(took)
            stored["SQLite"].add(events)
            shutil.rmtree(home)
            home = tmp / f"postgres-{run}"
            took, events = import_into_postgres(jsonl, home, url)
            seconds["PostgreSQL"].append(took)
            stored["PostgreSQL"].add(events)
            shutil.rmtree(home)

    print(f"`peerpulse import` of {commands:,} commands (seed {' '.join(SEED)}), end to end, median of {args.runs}:")
    rates = {}
    for store, runs in seconds.items():
        median = statistics.median(runs)
        rates[store] = commands / median
        events = "/".join(f"{n:,}" for n in sorted(stored[store]))
        every = ", ".join(f"{s:.1f}" for s in runs)
        print(f"  {store:<10} {median:6.1f} s = {rates[store]:8,.0f} commands/s ({events} events; runs: {every} s)")
    print(f"  PostgreSQL / SQLite: {rates['PostgreSQL'] / rates['SQLite']:.2f}x the rate")


if __name__ == "__main__":
    main()
