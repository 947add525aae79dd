"""Metadata that tells a person what a step did: counts, positions, and small previews."""

from __future__ import annotations

import dagster as dg
import polars as pl


def preview(frame: pl.DataFrame, rows: int = 5) -> dg.MetadataValue:
    """A markdown table of the first rows (the warehouse is pseudonymous: ids and figures only)."""
    head = frame.head(rows)
    if head.is_empty():
        return dg.MetadataValue.md("_no rows_")
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    for row in head.iter_rows():
        lines.append("| " + " | ".join("" if v is None else str(v) for v in row) + " |")
    return dg.MetadataValue.md("\n".join(lines))
