"""`peerpulse materialize`: one refresh of the figures (pipelines/refresh.py), run here, with a plain report.

By default every model is rebuilt from the facts (the check that everything still adds up, and what
`--as-of` needs); `--changed` rebuilds only the groups and members that new events touched, as the
dashboards' server does by itself whenever events arrive.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from domain.config import Settings
from domain.errors import PeerPulseError
from entrypoints.arguments import date_argument
from pipelines.refresh import Refresh, only_one_at_a_time, refresh
from warehouse.incremental import How


class MaterializeError(PeerPulseError):
    """The refresh ran but a blocking check failed: the serving file was not replaced."""


def materialize_and_report(as_of: date | None, wait: float = 0, changed_only: bool = False) -> int:
    settings = Settings.from_env()
    with only_one_at_a_time(settings, wait):
        done = refresh(settings, as_of=as_of, full=not changed_only)
    return report(done, settings)


def report(done: Refresh, settings: Settings) -> int:
    caught = done.caught_up
    print(
        f"caught up: {caught.events:,} new events in {caught.pages} pages "
        f"(log position {caught.start_position:,} -> {caught.end_position:,})"
    )
    models = done.models
    if models is not None and models.models:
        rebuilt = {name: r for name, r in models.models.items() if r.how is not How.UNCHANGED}
        shown = ", ".join(f"{name} {r.rows:,}" for name, r in sorted(rebuilt.items()))
        if models.full:
            print(f"built {len(rebuilt)} tables as of {models.as_of}: {shown}")
        else:
            print(
                f"refreshed {len(rebuilt)} tables for the {models.groups:,} groups the new events touched, "
                f"as of {models.as_of}: {shown}"
            )
    elif models is not None:
        print(f"no new events since the figures were built (as of {models.as_of}): nothing to rebuild")
    run = {(o.model.name, o.check.rule) for o in models.outcomes} if models else set()
    failed = list(dict.fromkeys((o.model.name, o.check.rule) for o in done.failed_checks))
    counts_failed = done.counts is not None and not done.counts.passed
    passed = len(run) - len(failed) + (done.counts is not None and done.counts.passed)
    names = ["event_counts_match_store"] * counts_failed + [rule for _, rule in failed]
    print(f"checks: {passed} passed, {len(names)} failed" + (f" ({', '.join(names)})" if names else ""))
    if counts_failed:
        print(f"  event_facts / event_counts_match_store: {done.counts.what_to_do}")
    samples: dict[tuple[str, str], dict] = {}
    for outcome in done.failed_checks:  # which rows, by their ids, and how to correct them
        samples.setdefault((outcome.model.name, outcome.check.rule), {})[outcome.check.column or "key"] = outcome
    for (model, rule), by_column in samples.items():
        print(f"  {model} / {rule}: {'; '.join(o.what_to_do for o in by_column.values())}")
        print(f"    rows: {json.dumps({c: o.sample for c, o in by_column.items()}, default=str)}")
    if names:
        raise MaterializeError(
            f"materialize did not publish (checks failed: {', '.join(names)}); the previous serving file is unchanged"
        )
    if done.published is not None:
        print(f"published {settings.serving_path} in {done.seconds:.1f} s")
    else:
        print(f"the serving file {settings.serving_path} already holds these figures ({done.seconds:.1f} s)")
    return 0


def cmd_materialize(args: argparse.Namespace) -> int:
    return materialize_and_report(args.as_of, wait=args.wait, changed_only=args.changed)


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "materialize", help="catch up on events, build the warehouse, run checks, publish the serving file"
    )
    p.add_argument(
        "--as-of", type=date_argument, default=None, help="build the programme as it stood on this day (default today)"
    )
    p.add_argument(
        "--changed",
        action="store_true",
        help="rebuild only the groups and members new events touched (what `peerpulse serve` does as they arrive)",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="if another materialize is running, wait up to this long for it (default: do not wait)",
    )
    p.set_defaults(func=cmd_materialize)
