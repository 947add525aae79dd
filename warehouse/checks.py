"""The checks a model's header declares, run against its built table: each finds the offending rows
and names a few of them by the table's key, so a person can go and look.

The Dagster asset checks (pipelines/defs/refresh/checks.py) run these and block publication when one fails;
tests run them directly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import duckdb

from warehouse.models import Model
from warehouse.rules import Check, KeyIsUnique

SAMPLE = 5  # offending rows named in a failed check's result


@dataclass(frozen=True)
class Outcome:
    model: Model
    check: Check
    offending_rows: int
    sample: list[dict]  # the first offending rows, by key: the key's columns and the checked column

    @property
    def passed(self) -> bool:
        return self.offending_rows == 0

    @property
    def what_to_do(self) -> str:
        """What the failure means and where to look, for the person reading the check's result."""
        if self.passed:
            return ""
        many = self.offending_rows != 1
        rows = f"{self.offending_rows} row{'s' if many else ''} of {self.model.name}"
        named = f"the sample names {'the first' if many else 'it'} by ({', '.join(self.model.key)})"
        column = self.model.column(self.check.column) if self.check.column else None
        remedy = column.remedy if column is not None else ""
        return self.check.what_to_do(rows, many, named, self.model.file, self.model.key, remedy)


def offending_rows_sql(model: Model, check: Check, where: str | None = None) -> tuple[str, list]:
    """A SELECT of the rows of `model` that break `check` (with its parameters): the key's columns and the
    checked column; for a unique key, each duplicated key with its count. With `where` (a condition on the
    table's columns), only those rows are checked: for a unique key, every row sharing a key with one of
    them."""
    key = ", ".join(f'"{k}"' for k in model.key)
    table = model.name
    if isinstance(check, KeyIsUnique):
        if where is not None:
            same_key = " AND ".join(f'u."{k}" = k."{k}"' for k in model.key)
            sharing = f"SELECT 1 FROM {model.name} u WHERE ({where}) AND {same_key}"
            table = f"(SELECT * FROM {model.name} k WHERE EXISTS ({sharing}))"
        return f'SELECT {key}, count(*) AS "rows" FROM {table} GROUP BY ALL HAVING count(*) > 1', []
    if where is not None:
        table = f"(SELECT * FROM {model.name} WHERE {where})"
    column = f'"{check.column}"'
    shown = key if check.column in model.key else f"{key}, {column}"
    condition, params = check.condition(column, model.column(check.column).type, table, where is not None)
    return f"SELECT {shown} FROM {table} t WHERE {condition}", params


def run(con: duckdb.DuckDBPyConnection, model: Model, check: Check, where: str | None = None) -> Outcome:
    """Run one check: on the whole table, or on the rows `where` selects (the partitions a refresh rebuilt)."""
    sql, params = offending_rows_sql(model, check, where)
    cursor = con.execute(
        f"SELECT *, count(*) OVER () AS offending_rows FROM ({sql}) ORDER BY ALL LIMIT {SAMPLE}", params
    )
    names = [d[0] for d in cursor.description]
    found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    count = found[0].pop("offending_rows") if found else 0
    for row in found[1:]:
        row.pop("offending_rows")
    return Outcome(model, check, count, [{k: _plain(v) for k, v in row.items()} for row in found])


def run_together(con: duckdb.DuckDBPyConnection, planned: list[tuple[Model, Check, str | None]]) -> list[Outcome]:
    """Many checks (each a model, a check, and the rows it is narrowed to, if any) in one query that
    counts what breaks each; only a check that failed is run again, for its sample."""
    if not planned:
        return []
    parts, params = [], []
    for i, (model, check, where) in enumerate(planned):
        sql, found = offending_rows_sql(model, check, where)
        parts.append(f"SELECT {i} AS i, count(*) AS n FROM ({sql})")
        params += found
    counts = dict(con.execute(" UNION ALL ".join(parts), params).fetchall())
    return [
        run(con, model, check, where) if counts.get(i) else Outcome(model, check, 0, [])
        for i, (model, check, where) in enumerate(planned)
    ]


def _plain(value: object) -> object:
    """A value as JSON can hold it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value
