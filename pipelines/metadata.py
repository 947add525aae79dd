"""Metadata that tells a person what an asset is: a model's declared columns, as Dagster shows them."""

from __future__ import annotations

import dagster as dg

from warehouse.models import Model
from warehouse.rules import NotNull


def column_schema(model: Model) -> dg.TableSchema:
    """The model's declared columns, as Dagster shows a table's schema (with each column's checks)."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=column.name,
                type=column.type,
                description=column.description,
                constraints=dg.TableColumnConstraints(
                    nullable=not column.not_null,
                    unique=model.key == (column.name,),
                    other=[check.describe(model.key) for check in column.checks if not isinstance(check, NotNull)],
                ),
            )
            for column in model.columns
        ]
    )
