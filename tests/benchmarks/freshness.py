"""Freshness: from the commit of new events to the serving file (and a dashboard page) showing them, with
only `peerpulse serve` running (its follower refreshes the figures). Prints figures; asserts nothing.

On a copy of a materialized programme of ~1M events, `peerpulse serve` runs in trusted-header mode. Then,
alternately, this process commits

- an **import** of about 1,000 events (a new group: members joining, weekly meetings with airtime,
  commitments, ratings), and
- a **single recorded meeting** of an existing group (its roster, airtime),

through the domain (as `peerpulse import` or a browser form would), notes the instant the store's
transaction committed and the log position it reached, and waits until the serving file's
`publication_state.last_position` reaches it (a stat of the link every 10 ms; the file is opened only
when the link moved). After each meeting it also opens the group's airtime page in Chromium as its
facilitator (a new browser session) and waits until the page shows that meeting's figures (the top
speaker's share it was recorded with): the page time, from the same commit.

Bounded: --repeats commits of each kind (default 10), each given at most 120 s; loopback only.
Targets (issue 11): median <= 2 s at 1M events, <= 5 s at 10M.
Run: `.venv/bin/python tests/benchmarks/freshness.py --store .bench1m [--repeats 10]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import CACHE, TODAY, env_for, materialized_copy, seeded_store

TIMEOUT = 120.0


def new_group_commands(tag: str) -> list[dict]:
    """About 1,000 events: a new group, 12 members, weekly meetings with airtime, commitments, ratings."""
    group = f"fresh-{tag}"
    members = [f"{group}-p{i:02d}" for i in range(12)]
    lines: list[dict] = [
        {"type": "form_group", "group": group, "name": "Fresh group", "cadence": "weekly", "formed_on": "2026-01-05"}
    ]
    for m in members:
        lines += [
            {"type": "register_member", "member": m, "name": f"Member {m}", "email": f"{m}@fresh.example.org"},
            {"type": "join_group", "group": group, "member": m, "joined_on": "2026-01-05"},
        ]
    week = 0
    while len(lines) < 960:
        held = date(2026, 1, 12) + timedelta(weeks=week)
        meeting = f"{group}-m{week:02d}"
        lines.append(
            {
                "type": "hold_meeting",
                "group": group,
                "meeting": meeting,
                "held_on": held.isoformat(),
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
                    "due_on": (held + timedelta(days=7)).isoformat(),
                },
                {"type": "rate_meeting", "meeting": meeting, "member": m, "score": 8},
            ]
        week += 1
    return lines


def one_meeting(group: str, roster: list[str], tag: str, share: float) -> tuple[list[dict], float]:
    """A meeting of `group` held on the as-of day, everyone present, one member taking about `share` of
    the airtime: returns the command and that member's share, as recorded."""
    others = 10 * (len(roster) - 1)
    top = round(share * others / (1 - share))
    seconds = {m: (top if i == 0 else 10) for i, m in enumerate(roster)}
    command = {
        "type": "hold_meeting",
        "group": group,
        "meeting": f"{group}-fresh-{tag}",
        "held_on": TODAY,
        "topic": "finance",
        "attendance": dict.fromkeys(roster, "present"),
        "speaking_seconds": seconds,
    }
    return [command], top / sum(seconds.values())


def published_position(serving: Path) -> int:
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{serving}' AS s (READ_ONLY)")
        return con.execute("SELECT last_position FROM s.publication_state").fetchone()[0]
    except duckdb.Error:
        return -1  # between a link moving and the file opening: look again
    finally:
        con.close()


def wait_published(serving: Path, position: int, since: float) -> float:
    """Seconds from `since` until the serving file holds `position`. The file is opened only when its
    link has moved (a stat every 10 ms): polling it with queries would itself load the machine."""
    from warehouse.db import file_identity

    seen = None
    while time.perf_counter() - since < TIMEOUT:
        try:
            identity = file_identity(serving)
        except FileNotFoundError:
            identity = None
        if identity != seen:
            seen = identity
            if published_position(serving) >= position:
                return time.perf_counter() - since
        time.sleep(0.01)
    raise TimeoutError(f"position {position} was not published within {TIMEOUT:.0f} s")


def facilitated_groups(home: Path, count: int) -> list[tuple[str, str, list[str]]]:
    """Groups whose facilitator facilitates no other (the airtime page opens on it) and whose last
    meeting was before the as-of day (the new one is then their last): each group, its facilitator's
    member id, and its active members (the next meeting's roster)."""
    from tests.e2e.test_dashboards_browser import serving

    found = serving(
        home,
        "WITH only_one AS (SELECT member_id FROM group_facilitators WHERE current GROUP BY ALL HAVING count(*) = 1) "
        "SELECT f.group_id, f.member_id FROM group_facilitators f JOIN groups g USING (group_id) "
        "WHERE f.current AND f.member_id IN (SELECT member_id FROM only_one) AND g.active_members >= 4 "
        "AND g.last_held_on < ? ORDER BY g.active_members DESC, 1 LIMIT ?",
        TODAY,
        count,
    )
    return [(group, facilitator, [r[0] for r in serving(home, MEMBERS, group)]) for group, facilitator in found]


MEMBERS = "SELECT member_id FROM group_members WHERE group_id = ? AND active ORDER BY 1"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=None, help="a seeded PEERPULSE_HOME (default: seed ~1M events)")
    parser.add_argument("--events", type=int, default=1_000_000, help="programme size to seed if no --store")
    parser.add_argument("--repeats", type=int, default=10, help="commits of each kind (default 10)")
    args = parser.parse_args()
    store = args.store.resolve() if args.store else seeded_store(args.events)
    home = materialized_copy(store, CACHE / "freshness")

    from domain.application import open_application
    from domain.config import Settings
    from domain.jsonl import commands_from
    from domain.store.log import EventLog
    from tests.e2e.test_dashboards_browser import HEADER, chromium, dashboards_server, visitor

    settings = Settings(home=home)
    groups = facilitated_groups(home, args.repeats)
    with open_application(settings) as app:
        emails = {facilitator: app.member(facilitator).email for _, facilitator, _ in groups}
    env = env_for(home, PEERPULSE_TRUSTED_HEADER=HEADER)
    times: dict[str, list[float]] = {"import": [], "meeting": [], "page": []}
    log_path = home / "serve.log"
    with dashboards_server(env, log_to=log_path) as base, chromium() as browser, EventLog(settings) as log:
        wait_published(settings.serving_path, log.max_position(), time.perf_counter())  # the follower's first look
        with visitor(browser, emails[groups[0][1]]) as first:
            first.open(f"{base}/group_airtime", timeout=120)  # the server's first run of the page
        with open_application(settings) as app:
            for i in range(args.repeats * 2):
                tag = f"{time.time_ns() % 10**10}"
                if i % 2 == 0:
                    kind, commands, share = "import", new_group_commands(tag), None
                else:
                    kind, (group, facilitator, roster) = "meeting", groups[i // 2 % len(groups)]
                    commands, share = one_meeting(group, roster, tag, (0.91, 0.93, 0.95, 0.97, 0.99)[i // 2 % 5])
                app.apply_commands(commands_from(commands, f"bench {i}"), f"bench {i}")
                committed = time.perf_counter()  # the store's transaction has committed
                position = log.max_position()
                times[kind].append(wait_published(settings.serving_path, position, committed))
                if kind == "meeting":  # the facilitator opens the group's airtime page: the meeting is there
                    with visitor(browser, emails[facilitator]) as page:
                        while time.perf_counter() - committed < TIMEOUT:
                            page.open(f"{base}/group_airtime", timeout=60)
                            if page.page.get_by_text(f"{share:.0%}", exact=True).count():
                                break
                        times["page"].append(time.perf_counter() - committed)
                time.sleep(0.5)  # let the server go quiet: each commit is measured on its own
    with EventLog(settings) as log:
        events = f"{log.max_position():,}"
    refreshes = [line for line in log_path.read_text().splitlines() if line.startswith("figures refreshed")]
    print(f"programme: {store} copied to {home} ({events} events at the end)")
    print("freshness, from the store's commit to the serving file showing it (peerpulse serve only):")
    for kind in ("import", "meeting"):
        found = sorted(times[kind])
        print(
            f"  {kind:<8} ({len(found)}x): median {statistics.median(found):.2f} s, "
            f"p95 {found[max(0, round(0.95 * len(found)) - 1)]:.2f} s, max {found[-1]:.2f} s"
        )
    if times["page"]:
        found = sorted(times["page"])
        print(
            f"  meeting, to the facilitator's airtime page showing it ({len(found)}x): "
            f"median {statistics.median(found):.2f} s, p95 {found[max(0, round(0.95 * len(found)) - 1)]:.2f} s"
        )
    print(f"the follower's own account (last 3 of {len(refreshes)}):")
    for line in refreshes[-3:]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
