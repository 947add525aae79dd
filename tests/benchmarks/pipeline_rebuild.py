"""Warehouse build throughput, incremental catch-up cost, and peak memory. Prints figures.

1. Full rebuild at ~1M events, beside the raw read rate of the same store in the same run (the
   store's rows read, decrypted and parsed in bulk, with no pipeline). Target: >= half the raw rate.
2. Incremental catch-up of 1,000 new events on top of ~100k and ~1M events. Target: < 2 s, flat.
3. Peak memory (max RSS) of the full rebuild in its own process. Target: < 1.5 GB.

Run: `.venv/bin/python tests/benchmarks/pipeline_rebuild.py [--events 1000000]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import PEERPULSE, REPO, TODAY, env_for, seeded_store

REBUILD = """
import json, resource, sys, time
from datetime import date
from domain.config import Settings
from domain.store.log import EventLog
from pipelines.projection import catch_up
from warehouse import db
settings = Settings.from_env()
source = EventLog(settings)
con = db.connect(settings.warehouse_path)
t0 = time.perf_counter(); result = catch_up(con, source); t1 = time.perf_counter()
db.build_all(con, date.fromisoformat(sys.argv[1])); t2 = time.perf_counter()
db.publish(con, settings); t3 = time.perf_counter()
print(json.dumps({"events": result.events, "catch_up": t1 - t0, "models": t2 - t1, "publish": t3 - t2,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

RAW_READ = """
import json, sys, time
from domain.config import Settings
from domain.store.log import EventLog, bulk_decoding
source = EventLog(Settings.from_env())
t0 = time.perf_counter(); n = 0
with bulk_decoding():  # the same garbage-collector policy as the catch-up: a fair baseline
    for page in source.pages(after=0, up_to=source.max_position()):
        n += len(source.decode(page))
print(json.dumps({"events": n, "seconds": time.perf_counter() - t0}))
"""


def python(code: str, home: Path, *args: str) -> dict:
    out = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-c", code, *args],
        env=env_for(home),
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def fresh_copy(store: Path, into: Path) -> Path:
    """The same events and key, without any warehouse: a clean rebuild starts from nothing."""
    into.mkdir(mode=0o700)
    shutil.copy(store / "events.sqlite", into / "events.sqlite")
    shutil.copytree(store / "keys", into / "keys")
    return into


def thousand_new_events(home: Path, tmp: Path) -> None:
    """Import about 1,000 events: a new group with members, meetings, commitments and ratings."""
    lines = [
        {
            "type": "form_group",
            "group": "bench-new",
            "name": "New group",
            "cadence": "weekly",
            "formed_on": "2026-01-05",
        }
    ]
    members = [f"bench-p{i:02d}" for i in range(12)]
    for m in members:
        lines += [
            {"type": "register_member", "member": m, "name": f"Bench {m}", "email": f"{m}@bench.example.org"},
            {"type": "join_group", "group": "bench-new", "member": m, "joined_on": "2026-01-05"},
        ]
    for week in range(80):
        meeting, held = f"bench-m{week:02d}", date.fromordinal(date(2026, 1, 12).toordinal() + 7 * week).isoformat()
        due = date.fromordinal(date.fromisoformat(held).toordinal() + 7).isoformat()
        lines.append(
            {
                "type": "hold_meeting",
                "group": "bench-new",
                "meeting": meeting,
                "held_on": held,
                "topic": "growth",
                "attendance": {m: "present" for m in members},
                "speaking_seconds": {m: 300 + 10 * i for i, m in enumerate(members)},
            }
        )
        for m in members:
            lines += [
                {
                    "type": "make_commitment",
                    "commitment": f"{meeting}-{m}",
                    "member": m,
                    "meeting": meeting,
                    "text": "Bench",
                    "due_on": due,
                },
                {"type": "rate_meeting", "meeting": meeting, "member": m, "score": 8},
            ]
        if len(lines) >= 1000:
            break
    path = tmp / "new.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    subprocess.run([PEERPULSE, "import", str(path)], env=env_for(home), check=True, capture_output=True)


def incremental(store: Path, tmp: Path, repeats: int = 3) -> tuple[int, float]:
    """Median time to catch up on ~1,000 new events, over a few fresh copies of the store."""
    code = REBUILD.replace("db.build_all(con, date.fromisoformat(sys.argv[1]))", "pass").replace(
        "db.publish(con, settings)", "pass"
    )
    times, events = [], 0
    for attempt in range(repeats):
        home = fresh_copy(store, tmp / f"incr-{store.name}-{attempt}")
        python(code, home, TODAY)  # the history, caught up
        thousand_new_events(home, tmp)
        result = python(code, home, TODAY)
        times.append(result["catch_up"])
        events = result["events"]
        shutil.rmtree(home)
    return events, sorted(times)[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    big = seeded_store(args.events)
    small = seeded_store(args.events // 10)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        raw = python(RAW_READ, big)
        full = python(REBUILD, fresh_copy(big, tmp / "full"), TODAY)
        small_new, small_seconds = incremental(small, tmp)
        big_new, big_seconds = incremental(big, tmp)
    raw_rate = raw["events"] / raw["seconds"]
    catch_rate = full["events"] / full["catch_up"]
    total = full["catch_up"] + full["models"] + full["publish"]
    print(f"store: {raw['events']:,} events (SQLite, encrypted)")
    print(f"raw read (SQL pages + decrypt + JSON parse, no pipeline): {raw_rate:,.0f} events/s")
    print(
        f"full rebuild, catch-up into fact tables: {catch_rate:,.0f} events/s = "
        f"{catch_rate / raw_rate:.2f}x raw (target >= 0.5x)"
    )
    print(
        f"full rebuild, end to end (catch-up {full['catch_up']:.1f} s + models {full['models']:.1f} s + publish "
        f"{full['publish']:.1f} s = {total:.1f} s): {full['events'] / total:,.0f} events/s = "
        f"{full['events'] / total / raw_rate:.2f}x raw"
    )
    print(f"peak memory of the full rebuild: {full['max_rss_mb']:,.0f} MB (target < 1,536 MB)")
    print(
        f"incremental catch-up of {small_new:,} new events on ~{args.events // 10:,}: {small_seconds:.2f} s; "
        f"of {big_new:,} on ~{args.events:,}: {big_seconds:.2f} s (target < 2 s, flat)"
    )


if __name__ == "__main__":
    main()
