"""Dashboards: each page's data loading, and its first render in Chromium, on ~1M events. Prints figures.

Targets: each page's data loading under 100 ms median; first render in the browser under 2 s.

1. Data loading, in-process (Streamlit's AppTest, signed in as each role): the time a page spends reading
   the serving file (DuckDB) and looking up names and texts in the event store. Once as if the server had
   just started (no store or file open yet); then with the query caches emptied before each run, i.e.
   the first viewer of that page after a publication (median and 90th percentile over --runs runs); then
   with warm caches (every later viewer).
2. First render, in Chromium (Playwright) against `peerpulse serve` in trusted-header mode: from
   navigation to the page drawn with its script finished, each visit a new browser session. The first
   visit of each page after the server started (its caches cold), then the median of repeat visits.

The programme (seeded once, with `peerpulse seed`, then `peerpulse materialize`) is kept in
$PEERPULSE_BENCH_DIR (default /tmp/peerpulse-bench) between runs.
Run: `.venv/bin/python tests/benchmarks/dashboards_bench.py [--events 1000000] [--runs 15] [--home DIR]`.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import CACHE, EVENTS_PER_GROUP_MONTH, PEERPULSE, env_for

LEAD = "programme.lead@example.org"
APP_PAGES = {
    "lead": ["views/programme_portfolio.py", "views/programme_trends.py", "views/programme_retention.py"],
    "facilitator": ["views/group_next_meeting.py", "views/group_airtime.py"],
    "member": ["views/my_commitments.py", "views/my_attendance.py"],
}


def materialized_programme(events: int, months: int = 24) -> Path:
    """A PEERPULSE_HOME with a seeded programme of about `events` events and its serving file."""
    groups = max(1, math.ceil(events / (EVENTS_PER_GROUP_MONTH * months)))
    home = CACHE / f"dashboards-{groups}g-{months}m"
    if not (home / ".complete").exists():
        subprocess.run(["rm", "-rf", str(home)], check=True)
        print(f"seeding {groups} groups x {months} months into {home}, then materializing (once) ...", file=sys.stderr)
        for command in (["seed", "--groups", str(groups), "--months", str(months), "--seed", "1"], ["materialize"]):
            subprocess.run([PEERPULSE, *command], env=env_for(home), check=True, stdout=subprocess.DEVNULL)
        (home / ".complete").touch()
    return home


def personas(home: Path) -> dict[str, str]:
    """role -> email: the configured lead, the facilitator of the most groups, the member with the most commitments."""
    from domain.application import open_application
    from domain.config import Settings
    from tests.e2e.test_dashboards_browser import serving

    facilitator = serving(
        home,
        "SELECT member_id FROM group_facilitators WHERE current GROUP BY member_id "
        "ORDER BY count(*) DESC, member_id LIMIT 1",
    )[0][0]
    member = serving(
        home,
        "SELECT c.member_id FROM member_commitments c JOIN group_members m USING (member_id, group_id) "
        "WHERE m.active GROUP BY c.member_id ORDER BY count(*) DESC, c.member_id LIMIT 1",
    )[0][0]
    with open_application(Settings(home=home)) as app:
        return {"lead": LEAD, "facilitator": app.member(facilitator).email, "member": app.member(member).email}


# -- 1. data loading -----------------------------------------------------------------------------
class Stopwatch:
    """Accumulates the time spent in the functions it wraps."""

    def __init__(self):
        self.seconds = 0.0

    def wrap(self, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def data_loading(home: Path, who: dict[str, str], runs: int) -> dict[tuple[str, str], dict[str, list[float]]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboards import people, process_wide
    from warehouse.db import ServingReader

    os.environ.update(env_for(home, PEERPULSE_LEADS=LEAD))
    watch = Stopwatch()
    ServingReader.query = watch.wrap(ServingReader.query)
    people._read = watch.wrap(people._read)
    app = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    for role, pages in APP_PAGES.items():
        at = AppTest.from_file(app, default_timeout=120)
        at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1/oauth2callback", "cookie_secret": "bench"}
        at.user = {"is_logged_in": True, "email": who[role]}
        at.run()
        for page in pages:
            at.switch_page(page)
            found = results[(role, Path(page).stem)] = {"start": [], "cold": [], "warm": [], "script": []}
            for cache in ["start"] + ["cold"] * runs + ["warm"] * runs:
                if cache == "start":  # as if the server had just started: no open store, no reader
                    process_wide.close_all()
                if cache in ("start", "cold"):
                    st.cache_data.clear()
                watch.seconds = 0.0
                started = time.perf_counter()
                at.run()
                elapsed = time.perf_counter() - started
                assert not at.exception and not at.error, (role, page, [e.value for e in at.exception or at.error])
                found[cache].append(watch.seconds)
                if cache == "cold":
                    found["script"].append(elapsed)
    return results


# -- 2. first render -----------------------------------------------------------------------------
def first_render(home: Path, who: dict[str, str], repeats: int) -> dict[tuple[str, str], list[tuple[float, float]]]:
    from tests.e2e.test_dashboards_browser import HEADER, PAGES, chromium, dashboards_server, url, visitor

    env = env_for(home, PEERPULSE_TRUSTED_HEADER=HEADER, PEERPULSE_LEADS=LEAD)
    results = {}
    with dashboards_server(env) as base, chromium() as browser:
        with visitor(browser, None) as anonymous:  # the server's first script run imports the app's modules
            anonymous.open(base, timeout=120)
        for role, pages in PAGES.items():
            for path, _ in pages:
                times = []
                for _ in range(1 + repeats):
                    with visitor(browser, who[role]) as me:
                        finished = me.open(url(base, role, path), timeout=120)
                        times.append((me.title_shown_after, finished))
                        assert me.exceptions() == 0 and not me.remote_requests()
                results[(role, path)] = times
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15, help="runs per page for data loading (default 15)")
    parser.add_argument("--repeats", type=int, default=5, help="repeat browser visits per page (default 5)")
    parser.add_argument("--home", type=Path, default=None, help="an already materialized PEERPULSE_HOME to use")
    args = parser.parse_args()
    home = args.home or materialized_programme(args.events)
    from tests.e2e.test_dashboards_browser import serving

    events = serving(home, "SELECT count(*) FROM meeting_attendance")[0][0]
    groups = serving(home, "SELECT count(*) FROM groups")[0][0]
    who = personas(home)
    print(f"programme: {home} ({groups:,} groups; {events:,} attendance rows in the serving file)")

    loading = data_loading(home, who, args.runs)
    print(
        f"\n1. data loading per page (warehouse queries + name/text lookups), {args.runs} runs; target < 100 ms median"
    )
    print(
        f"   {'page':<34} {'server start':>12} {'cold median':>12} {'cold p90':>10} {'warm median':>12}"
        f" {'script, cold':>13}"
    )
    for (role, page), found in loading.items():
        cold = sorted(found["cold"])
        print(
            f"   {role + ' / ' + page:<34} {ms(found['start'][0]):>12} {ms(statistics.median(cold)):>12} "
            f"{ms(cold[int(0.9 * (len(cold) - 1))]):>10} {ms(statistics.median(found['warm'])):>12} "
            f"{ms(statistics.median(found['script'])):>13}"
        )

    render = first_render(home, who, args.repeats)
    print("\n2. first render in Chromium, a new browser session (empty cache) each visit; target < 2 s")
    print("   title: navigation -> the page's title on screen; done: -> every chart drawn, script finished")
    print(f"   {'page':<34} {'first visit (title / done)':>28} {f'median of {args.repeats} more (title / done)':>36}")
    for (role, path), times in render.items():
        (title, done), rest = times[0], times[1:]
        print(
            f"   {role + ' / ' + path:<34} {title:>12.2f} s / {done:>6.2f} s "
            f"{statistics.median(t for t, _ in rest):>19.2f} s / {statistics.median(d for _, d in rest):>6.2f} s"
        )


if __name__ == "__main__":
    main()
