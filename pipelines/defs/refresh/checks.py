"""The refresh's checks as Dagster asset checks: the event counts on the facts, and the checks each model's
header declares (not_null, range, accepted_values, references) with one row per key (warehouse/checks.py).

A model's checks of one kind are one asset check (e.g. `group_health` / `in_range`, over every column
with a range). They run inside the refresh, on the rows it rebuilt, before anything is committed: a
failing one rolls the refresh back, fails the step, and so stops the serving file. Its result names,
column by column, how many rows break the rule and a sample of them by the table's key. A check whose
model the refresh left unchanged was not run again, and records no result: its last one stands.
"""

from collections.abc import Iterator

import dagster as dg

from pipelines.refresh import Refresh
from warehouse.checks import Outcome
from warehouse.models import Model, models
from warehouse.rules import Check

FACTS = dg.AssetKey("event_facts")
EVENT_COUNTS = "event_counts_match_store"


def _by_rule(model: Model) -> dict[str, list[Check]]:
    rules: dict[str, list[Check]] = {}
    for check in model.checks:
        rules.setdefault(check.rule, []).append(check)
    return rules


def check_specs() -> list[dg.AssetCheckSpec]:
    counts = dg.AssetCheckSpec(
        EVENT_COUNTS,
        asset=FACTS,
        blocking=True,
        description="The warehouse's count of events per type equals the store's.",
    )
    return [counts] + [
        dg.AssetCheckSpec(
            rule, asset=model.name, blocking=True, description="; ".join(c.describe(model.key) for c in declared) + "."
        )
        for model in models().values()
        for rule, declared in _by_rule(model).items()
    ]


def check_results(done: Refresh) -> Iterator[dg.AssetCheckResult]:
    """The results of the checks this refresh ran: the event counts (over the events it appended, or all
    of them on a whole rebuild), and one per model and kind of check it ran."""
    if done.counts is not None:
        yield dg.AssetCheckResult(
            asset_key=FACTS,
            check_name=EVENT_COUNTS,
            passed=done.counts.passed,
            metadata={
                "after_position": done.counts.after,
                "up_to_position": done.counts.up_to,
                "differences": dg.MetadataValue.json(done.counts.differences),
            },
        )
    grouped: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in done.models.outcomes if done.models else []:
        grouped.setdefault((outcome.model.name, outcome.check.rule), []).append(outcome)
    for (name, rule), results in grouped.items():
        failed = [o for o in results if not o.passed]
        metadata = {
            "offending_rows": dg.MetadataValue.json({o.check.column or "key": o.offending_rows for o in results})
        }
        if failed:
            metadata["what_to_do"] = dg.MetadataValue.md("\n".join(f"- {o.what_to_do}" for o in failed))
            metadata["sample"] = dg.MetadataValue.json({o.check.column or "key": o.sample for o in failed})
        yield dg.AssetCheckResult(asset_key=dg.AssetKey(name), check_name=rule, passed=not failed, metadata=metadata)
