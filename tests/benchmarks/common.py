"""Helpers shared by the benchmark scripts: programmes of a given size, kept between runs."""

from __future__ import annotations

import math
import os
import resource
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PEERPULSE = str(Path(sys.executable).with_name("peerpulse"))
CACHE = Path(os.environ.get("PEERPULSE_BENCH_DIR", "/tmp/peerpulse-bench"))
TODAY = "2026-11-30"
EVENTS_PER_GROUP_MONTH = 30  # measured: 1,230 groups x 24 months of the seed hold ~900k events


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPULSE_")}
    return env | {"PEERPULSE_HOME": str(home), "PEERPULSE_TODAY": TODAY} | extra


def seeded_store(events: int, months: int = 24) -> Path:
    """A PEERPULSE_HOME holding a seeded programme of about `events` events (made once, then reused)."""
    groups = max(1, math.ceil(events / (EVENTS_PER_GROUP_MONTH * months)))
    home = CACHE / f"store-{groups}g-{months}m"
    if not (home / "events.sqlite").exists() or not (home / ".complete").exists():
        subprocess.run(["rm", "-rf", str(home)], check=True)
        print(f"seeding {groups} groups x {months} months into {home} (once) ...", file=sys.stderr)
        subprocess.run(
            [PEERPULSE, "seed", "--groups", str(groups), "--months", str(months), "--seed", "1"],
            env=env_for(home),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (home / ".complete").touch()
    return home


def materialized_copy(store: Path, into: Path) -> Path:
    """A fresh copy, at `into`, of `store` (a seeded PEERPULSE_HOME) with its figures built and published:
    the build is made once (beside the cache) and copied with its hard links (`cp -a`) for each run."""
    from warehouse.models import fingerprint, models

    # the models' fingerprint in the name: a build by other models would be rebuilt whole by the first refresh
    template = CACHE / f"materialized-{store.name}-{TODAY}-{fingerprint(models())}"
    if not (template / ".complete").exists():
        subprocess.run(["rm", "-rf", str(template)], check=True)
        template.mkdir(parents=True, mode=0o700)
        shutil.copy(store / "events.sqlite", template / "events.sqlite")
        shutil.copytree(store / "keys", template / "keys")
        print(f"materializing {template} (once) ...", file=sys.stderr)
        subprocess.run([PEERPULSE, "materialize"], env=env_for(template), check=True, stdout=subprocess.DEVNULL)
        (template / ".complete").touch()
    subprocess.run(["rm", "-rf", str(into)], check=True)
    into.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(template), str(into)], check=True)
    return into


@contextmanager
def timed():
    """Yields a dict whose 'seconds' is filled in when the block ends."""
    result = {}
    started = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - started


def peak_rss_of_children_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
