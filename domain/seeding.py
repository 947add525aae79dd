"""`peerpulse seed`: a synthetic programme, written through the same path as a JSONL import.

Each batch the generator yields (a few whole groups) is turned into JSONL text, parsed back by the
import parser, and applied as one all-or-nothing unit of work. Memory stays bounded by a batch, so
the largest programmes (thousands of groups, ten million events) seed without running out of it.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from tqdm import tqdm

from domain.application import ImportSummary
from domain.clock import today
from domain.config import open_application
from domain.importer import apply_jsonl_lines, to_jsonl
from synthetic import generate_programme


def seed_programme(groups: int, months: int, seed: int, until: date | None = None, jsonl: Path | None = None) -> ImportSummary:
    until = until or today()
    batches = generate_programme(groups=groups, months=months, seed=seed, until=until)
    total = ImportSummary()
    started = time.perf_counter()
    bar = tqdm(total=groups, desc="seeding", unit="group", file=sys.stderr, disable=groups < 20 and not sys.stderr.isatty())
    with bar:
        if jsonl is not None:
            with jsonl.open("w", encoding="utf-8") as out:
                for batch in batches:
                    out.writelines(line + "\n" for line in to_jsonl(batch))
                    total.commands += len(batch)
                    bar.update(_groups_in(batch))
            print(f"wrote {total.commands:,} commands for {groups} groups to {jsonl}")
            return total
        with open_application() as app:
            before = app.event_count()
            for number, batch in enumerate(batches, start=1):
                total.add(apply_jsonl_lines(app, to_jsonl(batch), f"seed batch {number}"))
                bar.update(_groups_in(batch))
                bar.set_postfix(events=f"{total.events:,}", refresh=False)
            elapsed = time.perf_counter() - started
            stored = app.event_count() - before
    rate = total.events / elapsed if elapsed else 0.0
    print(
        f"seeded {groups} groups over {months} months (seed {seed}, until {until}): {total.commands:,} commands, "
        f"{total.applied:,} applied, {total.skipped:,} already recorded; {stored:,} events stored in {elapsed:.1f} s "
        f"({rate:,.0f} events/s)"
    )
    return total


def _groups_in(batch: list[dict]) -> int:
    return sum(1 for command in batch if command["type"] == "form_group")
