"""`peerpulse seed` and `peerpulse demo`: a synthetic programme, written through the import path.

Each batch the generator yields (a few whole groups) is checked by the same command parser as a JSONL
file and applied as one all-or-nothing unit of work. Memory stays bounded by a batch, so the largest
programmes (thousands of groups, ten million events) seed without running out of it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from datetime import date
from pathlib import Path

from tqdm import tqdm

from domain import jsonl
from domain.application import ImportSummary, open_application
from domain.clock import today
from domain.config import Settings
from entrypoints.arguments import date_argument, positive
from synthetic import DEFAULT_PRECURSOR, PRECURSORS, generate_programme


def seed_programme(
    groups: int,
    months: int,
    seed: int,
    until: date | None = None,
    jsonl_path: Path | None = None,
    precursor: str = DEFAULT_PRECURSOR,
) -> ImportSummary:
    until = until or today()
    batches = generate_programme(groups=groups, months=months, seed=seed, until=until, precursor=precursor)
    total = ImportSummary()
    started = time.perf_counter()
    bar = tqdm(
        total=groups, desc="seeding", unit="group", file=sys.stderr, disable=groups < 20 and not sys.stderr.isatty()
    )
    with bar:
        if jsonl_path is not None:
            with jsonl_path.open("w", encoding="utf-8") as out:
                for batch in batches:
                    out.writelines(line + "\n" for line in jsonl.to_jsonl(batch))
                    total.commands += len(batch)
                    bar.update(_groups_in(batch))
            print(f"wrote {total.commands:,} commands for {groups} groups to {jsonl_path}")
            return total
        with open_application() as app:
            before = app.event_count()
            by = app.actor("seed", account=getpass.getuser())
            for number, batch in enumerate(batches, start=1):
                source = f"seed batch {number}"
                total.add(app.apply_commands(jsonl.commands_from(batch, source), source, by=by))
                bar.update(_groups_in(batch))
                bar.set_postfix(events=f"{total.events:,}", refresh=False)
            elapsed = time.perf_counter() - started
            stored = app.event_count() - before
    rate = total.events / elapsed if elapsed else 0.0
    print(
        f"seeded {groups} groups over {months} months (seed {seed}, until {until}, precursor {precursor}): "
        f"{total.commands:,} commands, "
        f"{total.applied:,} applied, {total.skipped:,} already recorded; {stored:,} events stored in {elapsed:.1f} s "
        f"({rate:,.0f} events/s)"
    )
    return total


def _groups_in(batch: list[dict]) -> int:
    return sum(1 for command in batch if command["type"] == "form_group")


def cmd_seed(args: argparse.Namespace) -> int:
    seed_programme(
        groups=args.groups,
        months=args.months,
        seed=args.seed,
        until=args.until,
        jsonl_path=args.jsonl,
        precursor=args.precursor,
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Seed a demo programme if the store is empty, then build and show what there is to see."""
    from entrypoints.materializing import materialize_and_report
    from entrypoints.serving import checked_sign_in, serve

    checked_sign_in("127.0.0.1", args.port, demo=True)  # a sign-in that cannot start says so before seeding
    settings = Settings.from_env()
    with open_application(settings) as app:
        empty = app.event_count() == 0
    if empty:
        seed_programme(groups=12, months=24, seed=7)
    else:
        print(f"the event store ({settings.describe_store()}) already holds events: not seeding")
    materialize_and_report(
        as_of=None, changed_only=True
    )  # the figures before the first page; then serve keeps them fresh
    return serve(host="127.0.0.1", port=args.port, demo=True)


def add_parsers(sub) -> None:
    p = sub.add_parser("seed", help="write a synthetic programme through the import path")
    p.add_argument("--groups", type=positive, default=12, help="number of groups (default 12)")
    p.add_argument("--months", type=positive, default=24, help="months of meetings (default 24)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--until", type=date_argument, default=None, help="last day of the programme (default today)")
    p.add_argument(
        "--jsonl", type=Path, default=None, help="write the commands to this JSONL file instead of storing them"
    )
    p.add_argument(
        "--precursor",
        choices=list(PRECURSORS),
        default=DEFAULT_PRECURSOR,
        help="how much of a dropout shows before it happens: strong (most fade for months first), weak (some "
        "fade a little), late (only in their last weeks), none (nothing foretells it); "
        f"default {DEFAULT_PRECURSOR}",
    )
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("demo", help="seed a demo programme if empty, materialize, serve the dashboards")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_demo)
