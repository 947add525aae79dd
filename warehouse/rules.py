"""The kinds of check a model's header can declare, one class each: what the header calls it, its rule in
words, the SQL that finds the rows breaking it, and what a person should do when some do.

A new kind of check is one class here and its line in `models._check` (which reads the header);
`checks.py` runs any of them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

Condition = tuple[str, list]  # a SQL condition on the checked table (alias t) and its parameters

DEFAULT_REMEDY = "the SQL or its header is wrong; correct it and materialize again"


@dataclass(frozen=True)
class Check:
    """A blocking check on a column (or, for `KeyIsUnique`, on the table's key)."""

    column: str | None

    rule: ClassVar[str]  # the check's name as a kind: a table's checks of one rule run as one asset check

    @property
    def name(self) -> str:
        return f"{self.column}_{self.rule}"

    def describe(self, key: tuple[str, ...] = ()) -> str:
        """The rule in words, for the asset check, the error and the README."""
        raise NotImplementedError

    @property
    def in_docs(self) -> str:
        """The rule as the README's column table puts it, in a few words."""
        return self.describe()

    def condition(self, column: str, column_type: str, table: str, narrowed: bool) -> Condition:
        """The condition a row breaking the check meets: `column` is the quoted column, `table` the
        (possibly narrowed) table checked, `narrowed` whether only some of its rows are checked."""
        raise NotImplementedError

    def what_to_do(self, rows: str, many: bool, named: str, file: str, key: tuple[str, ...], remedy: str) -> str:
        """What a failure means and where to look: `rows` counts them, `named` says how the sample names
        them, `remedy` is what the column's header says to record (or empty)."""
        return (
            f"{rows} break{'' if many else 's'} a rule {file} declares "
            f"({self.describe(key)}); {named}: {remedy or DEFAULT_REMEDY}"
        )


@dataclass(frozen=True)
class NotNull(Check):
    rule: ClassVar[str] = "not_null"

    def describe(self, key: tuple[str, ...] = ()) -> str:
        return f"{self.column} is never NULL"

    @property
    def in_docs(self) -> str:
        return "not null"

    def condition(self, column: str, column_type: str, table: str, narrowed: bool) -> Condition:
        return f"{column} IS NULL", []


@dataclass(frozen=True)
class InRange(Check):
    low: float | None = None
    high: float | None = None

    rule: ClassVar[str] = "in_range"

    @property
    def bounds(self) -> str:
        """The bounds in words: 0–1, ≥ 0, ≤ 10."""
        if self.low is not None and self.high is not None:
            return f"{self.low:g}–{self.high:g}"
        return f"≥ {self.low:g}" if self.low is not None else f"≤ {self.high:g}"

    def describe(self, key: tuple[str, ...] = ()) -> str:
        return f"{self.column} is {self.bounds} where known (NULL: no data)"

    def condition(self, column: str, column_type: str, table: str, narrowed: bool) -> Condition:
        outside, params = [], []
        if self.low is not None:
            outside.append(f"{column} < ?")
            params.append(self.low)
        if self.high is not None:
            outside.append(f"{column} > ?")
            params.append(self.high)
        if column_type == "DOUBLE":
            outside.append(f"isnan({column})")
        return " OR ".join(outside), params


@dataclass(frozen=True)
class AcceptedValues(Check):
    values: tuple[str, ...] = ()

    rule: ClassVar[str] = "accepted_values"

    def describe(self, key: tuple[str, ...] = ()) -> str:
        return f"{self.column} is one of {', '.join(self.values)} (or NULL)"

    @property
    def in_docs(self) -> str:
        return "one of " + ", ".join(f"`{v}`" for v in self.values)

    def condition(self, column: str, column_type: str, table: str, narrowed: bool) -> Condition:
        return f"{column} IS NOT NULL AND {column} NOT IN (SELECT unnest(?::VARCHAR[]))", [list(self.values)]


@dataclass(frozen=True)
class References(Check):
    table: str = ""  # the table and column an id must be found in
    table_column: str = ""

    rule: ClassVar[str] = "references_exist"

    def describe(self, key: tuple[str, ...] = ()) -> str:
        return f"every {self.column} is found in {self.table}.{self.table_column}"

    @property
    def in_docs(self) -> str:
        return f"found in `{self.table}.{self.table_column}`"

    def condition(self, column: str, column_type: str, table: str, narrowed: bool) -> Condition:
        if narrowed:  # the few ids of the rows checked, looked up in one pass over the table they point at
            return (
                f'{column} IS NOT NULL AND {column} NOT IN (SELECT f."{self.table_column}" FROM {self.table} f '
                f'SEMI JOIN {table} s ON f."{self.table_column}" = s.{column})'
            ), []
        return (
            f"{column} IS NOT NULL AND NOT EXISTS "
            f'(SELECT 1 FROM {self.table} f WHERE f."{self.table_column}" = t.{column})'
        ), []

    def what_to_do(self, rows: str, many: bool, named: str, file: str, key: tuple[str, ...], remedy: str) -> str:
        return (
            f"{rows} name{'' if many else 's'} a {self.column} that the event log never recorded "
            f"({self.table}.{self.table_column}); {named}: look for the events that name it"
        )


@dataclass(frozen=True)
class KeyIsUnique(Check):
    """One row per key: every model has it, on its declared key (column is None)."""

    column: str | None = None

    rule: ClassVar[str] = "key_is_unique"

    @property
    def name(self) -> str:
        return self.rule

    def describe(self, key: tuple[str, ...] = ()) -> str:
        return f"one row per ({', '.join(key)})"
