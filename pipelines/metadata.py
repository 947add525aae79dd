"""Metadata that tells a person what a step did: counts, positions, and small previews."""

from __future__ import annotations

import dagster as dg
import polars as pl

from warehouse.models import Model


def preview(frame: pl.DataFrame, rows: int = 5) -> dg.MetadataValue:
    """A markdown table of the first rows (the warehouse is pseudonymous: ids and figures only)."""
    head = frame.head(rows)
    if head.is_empty():
        return dg.MetadataValue.md("_no rows_")
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    for row in head.iter_rows():
        lines.append("| " + " | ".join("" if v is None else str(v) for v in row) + " |")
    return dg.MetadataValue.md("\n".join(lines))


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
                    other=[check.describe(model.key) for check in column.checks if check.kind != "not_null"],
                ),
            )
            for column in model.columns
        ]
    )
