"""Checks that block publication, generated from the models' headers: the column checks each header
declares (not_null, range, accepted_values, references) and one row per key, for every model.

A model's checks of one kind are one asset check (e.g. `group_health` / `in_range`, over every column
with a range), and all of a model's checks run as one step after it is built. A failing one stops
everything downstream of that model, and so the serving file; its result names, column by column, how
many rows break the rule and a sample of them by the table's key.
"""

from collections.abc import Iterator

import dagster as dg

from pipelines.defs.resources import Warehouse
from warehouse import checks
from warehouse.models import Check, Model, models


def _by_rule(model: Model) -> dict[str, list[Check]]:
    rules: dict[str, list[Check]] = {}
    for check in model.checks:
        rules.setdefault(check.rule, []).append(check)
    return rules


def model_checks(model: Model) -> dg.AssetChecksDefinition:
    rules = _by_rule(model)
    specs = [
        dg.AssetCheckSpec(
            rule, asset=model.name, blocking=True, description="; ".join(c.describe(model.key) for c in declared) + "."
        )
        for rule, declared in rules.items()
    ]

    @dg.multi_asset_check(
        specs=specs, name=f"{model.name}_checks", description=f"The checks {model.file} declares for {model.name}."
    )
    def run(warehouse: Warehouse) -> Iterator[dg.AssetCheckResult]:
        with warehouse.connect() as con:
            outcomes = {rule: [checks.run(con, model, c) for c in declared] for rule, declared in rules.items()}
        for rule, results in outcomes.items():
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

    return run


declared_checks = [model_checks(model) for model in models().values()]
