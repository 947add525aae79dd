"""Checks that block publication, generated from the models' headers: the column checks each header
declares (not_null, range, accepted_values, references) and one row per key, for every model.

A model's checks of one kind are one asset check (e.g. `group_health` / `in_range`, over every column
with a range). They run inside the models' refresh (warehouse.incremental), on the rows it rebuilt,
before anything is committed: a failing one rolls the refresh back, fails the step, and so stops the
serving file. Its result names, column by column, how many rows break the rule and a sample of them by
the table's key.
"""

from collections.abc import Iterator

import dagster as dg

from warehouse.checks import Outcome
from warehouse.models import Check, Model, models


def _by_rule(model: Model) -> dict[str, list[Check]]:
    rules: dict[str, list[Check]] = {}
    for check in model.checks:
        rules.setdefault(check.rule, []).append(check)
    return rules


def check_specs(model: Model) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            rule, asset=model.name, blocking=True, description="; ".join(c.describe(model.key) for c in declared) + "."
        )
        for rule, declared in _by_rule(model).items()
    ]


def check_results(outcomes: list[Outcome]) -> Iterator[dg.AssetCheckResult]:
    """One result per model and kind of check. A model the refresh left unchanged was not checked again:
    it passes as it did when it last changed (the result says so)."""
    grouped: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        grouped.setdefault((outcome.model.name, outcome.check.rule), []).append(outcome)
    for model in models().values():
        for rule in _by_rule(model):
            results = grouped.get((model.name, rule))
            if results is None:
                yield dg.AssetCheckResult(
                    asset_key=dg.AssetKey(model.name),
                    check_name=rule,
                    passed=True,
                    metadata={"checked": "not again: the table did not change since it last passed"},
                )
                continue
            failed = [o for o in results if not o.passed]
            metadata = {
                "offending_rows": dg.MetadataValue.json({o.check.column or "key": o.offending_rows for o in results})
            }
            if failed:
                metadata["what_to_do"] = dg.MetadataValue.md("\n".join(f"- {o.what_to_do}" for o in failed))
                metadata["sample"] = dg.MetadataValue.json({o.check.column or "key": o.sample for o in failed})
            yield dg.AssetCheckResult(
                asset_key=dg.AssetKey(model.name), check_name=rule, passed=not failed, metadata=metadata
            )
