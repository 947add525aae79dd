"""What a facilitator waits for when they record a meeting in the browser, end to end, on a large store:
from the click on Save to the confirmation on the page, and from the click to the page saying the figures
on every page include the meeting (the serving file republished past the saved events).

    .venv/bin/python tests/benchmarks/recording_bench.py [--home DIR] [--groups 1320] [--runs 7]

With no --home, a programme of about a million events is seeded and materialized first (minutes). Only
`peerpulse serve` runs while measuring; Chromium (headless, loopback only) drives the real page. Prints
median and p95 of both; asserts nothing. Bounded: `--runs` meetings, each waited for at most 120 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import TODAY  # the day the shared benchmark stores were seeded up to
from tests.e2e.test_dashboards_browser import (
    HEADER,
    PEERPULSE,
    base_env,
    chromium,
    dashboards_server,
    serving,
    visitor,
    wait_rendered,
)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def shown(me) -> str:
    return me.page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")


def wait_for(me, text: str, timeout: float = 120) -> float:
    deadline = time.monotonic() + timeout
    while text not in shown(me):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{text!r} did not appear within {timeout:.0f} s")
        me.page.wait_for_timeout(50)
    return time.perf_counter()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--groups", type=int, default=1320)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    home = args.home or Path("/tmp/peerpulse-recording-bench/home")
    env = base_env(home, PEERPULSE_TODAY=TODAY)
    if not (home / "events.sqlite").exists():
        print(f"seeding {args.groups} groups into {home} ...", flush=True)
        subprocess.run([PEERPULSE, "seed", "--groups", str(args.groups), "--months", "24"], env=env, check=True)
    if not (home / "serving.duckdb").exists():  # a store without figures yet (e.g. copied from another bench)
        subprocess.run([PEERPULSE, "materialize"], env=env, check=True)
    events = serving(home, "SELECT last_position FROM publication_state") if _has_state(home) else [(None,)]
    facilitator, group = serving(
        home,
        "SELECT member_id, any_value(group_id) FROM group_facilitators "
        "WHERE current GROUP BY 1 HAVING count(*) = 1 ORDER BY 1 LIMIT 1",
    )[0]
    from domain.application import open_application
    from domain.config import Settings

    with open_application(Settings(home=home)) as app:
        email = app.member(facilitator).email
        total = app.event_count()
    print(f"store: {total:,} events; facilitator of group {group}; publication at {events[0][0]}")

    saved, fresh = [], []
    serve_env = base_env(home, PEERPULSE_TODAY=TODAY, PEERPULSE_TRUSTED_HEADER=HEADER)
    with dashboards_server(serve_env, timeout=300) as base, chromium() as browser:
        for run in range(args.runs):
            day = date.fromisoformat(TODAY) - timedelta(days=run + 1)
            with visitor(browser, email, height=1400) as me:
                me.open(f"{base}/record_meeting", timeout=120)
                me.page.get_by_role("spinbutton", name="day, Held on").click()
                me.page.keyboard.type(f"{day.day:02d}")
                me.page.get_by_role("spinbutton", name="month, Held on").click()
                me.page.keyboard.type(f"{day.month:02d}")
                me.page.keyboard.press("Tab")
                wait_rendered(me.page, timeout=120)
                started = time.perf_counter()
                me.page.get_by_role("button", name="Save the meeting", exact=True).click()
                confirmed = wait_for(me, "The meeting is recorded")
                included = wait_for(me, "The figures on every page include it now.")
            saved.append(confirmed - started)
            fresh.append(included - started)
            print(f"  run {run + 1}: confirmation {saved[-1]:.2f} s, figures include it {fresh[-1]:.2f} s", flush=True)
    print(f"Save -> confirmation: median {statistics.median(saved):.2f} s, p95 {p95(saved):.2f} s ({len(saved)} runs)")
    print(f"Save -> figures on the dashboards: median {statistics.median(fresh):.2f} s, p95 {p95(fresh):.2f} s")
    return 0


def _has_state(home: Path) -> bool:
    return bool(
        serving(home, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'publication_state'")[0][0]
    )


if __name__ == "__main__":
    sys.exit(main())
