"""Erasure: `peerpulse erase-member` on a materialized programme, end to end, and proof it left no trace.
Prints figures; asserts nothing.

On a copy of a materialized programme, a member with commitments is erased with the real command (its
whole run: start-up, key destroyed and vacuumed, erasure recorded, figures republished). Then: the
domain shows them as an erased member, their name and email occur in no file of the data folder (event
store, key stores, warehouse, serving files), and the published figures include the erasure event.

Target (issue 11): <= 60 s at 10M events.
Run: `.venv/bin/python tests/benchmarks/erasure.py --store .bench1m`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import CACHE, PEERPULSE, env_for, materialized_copy, seeded_store


def traces(home: Path, needles: list[bytes]) -> list[str]:
    """Files under `home` whose bytes hold any of `needles`."""
    found = []
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {needle!r}" for needle in needles if needle in data]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=None, help="a seeded PEERPULSE_HOME (default: seed ~1M events)")
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    store = args.store.resolve() if args.store else seeded_store(args.events)
    home = materialized_copy(store, CACHE / "erasure")

    from domain.application import open_application
    from domain.config import Settings
    from tests.e2e.test_dashboards_browser import serving

    settings = Settings(home=home)
    member = serving(home, "SELECT member_id FROM member_commitments ORDER BY made_on DESC, 1 LIMIT 1")[0][0]
    with open_application(settings) as app:
        person = app.member(member)
        name, email, events = person.name, person.email, app.event_count()
    started = time.perf_counter()
    done = subprocess.run(
        [PEERPULSE, "erase-member", member, "--yes"], env=env_for(home), capture_output=True, text=True, timeout=600
    )
    elapsed = time.perf_counter() - started
    with open_application(settings) as app:
        shown, position = app.member(member).name, app.event_count()
    published = serving(home, "SELECT last_position FROM publication_state")[0][0]
    left = traces(home, [name.encode(), email.encode()])
    print(f"programme: {store} ({events:,} events), copied to {home}")
    print(f"peerpulse erase-member: exit {done.returncode} in {elapsed:.1f} s end to end (target <= 60 s at 10M)")
    for line in done.stdout.splitlines():
        print(f"  | {line}")
    print(f"the domain shows them as: {shown!r}; the figures include the erasure: {published == position}")
    print(f"their name or email in any file of the data folder: {left or 'nowhere'}")


if __name__ == "__main__":
    main()
