"""Refresh the models from the facts: every model whole, or only the partitions that new events touched.

The facts hold every event up to a position; `model_state` says which position and as-of day the models
were last built for. A refresh brings the models to the facts' position:

- **Whole** (a *full* refresh) the first time, when the as-of day or any model's SQL changed, when asked,
  or when new events that a model reads belong to no group.
- **By partition** otherwise. New events belong to groups (the group of their stream, `facts.STREAM_GROUPS`).
  A model declared `partition: group_id` runs its SELECT again for those groups only, over its inputs
  narrowed to them (each input a CTE of the same name wrapped around the unchanged SQL), and the rows
  that came out different from the ones it held replace them, partition by partition. What changed is
  what its readers rebuild: the same groups, or, for a reader partitioned by another column
  (`member_engagement`, by member), that column's values in the rows that changed. A partition that
  came out the same stops there: a recorded meeting does not rebuild the memberships' readers. A model
  without a partition is rebuilt whole when anything it reads changed, and kept if it came out the same
  (the constant tables always do); a partitioned model that reads one that changed is rebuilt whole.

Everything a refresh writes (the models, their state, and which partitions changed, for publication) is
one DuckDB transaction, and the blocking checks run inside it, on the rows rebuilt: a failed check rolls
it all back, so the models always are the last figures that passed. A crash at any instant leaves the
models as they were, and the next refresh starts again from `model_state`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import duckdb

from warehouse import checks, facts
from warehouse.db import crash_if_asked, python_rows, scalar, set_as_of, sql_string
from warehouse.models import Model, ModelError, ModelKind, fingerprint, models
from warehouse.rules import References

STATE_DDL = """
CREATE TABLE IF NOT EXISTS model_state (
    id INTEGER PRIMARY KEY, last_position BIGINT NOT NULL, as_of DATE NOT NULL, models VARCHAR NOT NULL,
    epoch VARCHAR NOT NULL, published_position BIGINT, updated_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS model_changes (position BIGINT NOT NULL, model VARCHAR NOT NULL, partition_value VARCHAR);
"""


@dataclass(frozen=True)
class ModelState:
    last_position: int
    as_of: date
    models: str
    epoch: str  # changes with every full refresh: the serving files of another epoch are rebuilt whole
    published_position: int | None


class How(StrEnum):
    """How a refresh rebuilt a model."""

    WHOLE = "whole"
    PARTITIONS = "partitions"  # only the values of its partition column that changed
    UNCHANGED = "unchanged"


@dataclass
class Rebuilt:
    """What a refresh did to one model."""

    how: How
    rows: int = 0  # rows in the table after the refresh
    partitions: int = 0  # values of its partition column rebuilt (PARTITIONS)


@dataclass
class ModelsRefresh:
    as_of: date
    from_position: int
    to_position: int
    full: bool
    reason: str = ""  # why whole, in words
    groups: int = 0  # groups the new events touched (by partition)
    models: dict[str, Rebuilt] = field(default_factory=dict)
    outcomes: list[checks.Outcome] = field(default_factory=list)
    epoch: str = ""

    @property
    def nothing_to_do(self) -> bool:
        return not self.models

    @property
    def failed(self) -> list[checks.Outcome]:
        return [o for o in self.outcomes if not o.passed]

    @property
    def committed(self) -> bool:
        return bool(self.models) and not self.failed


def ensure_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(STATE_DDL)


def read_state(con: duckdb.DuckDBPyConnection) -> ModelState | None:
    ensure_state(con)
    row = con.execute(
        "SELECT last_position, as_of, models, epoch, published_position FROM model_state WHERE id = 1"
    ).fetchone()
    return ModelState(*row) if row else None


def mark_published(con: duckdb.DuckDBPyConnection, position: int) -> None:
    con.execute("UPDATE model_state SET published_position = ? WHERE id = 1", [position])


def refresh_models(
    con: duckdb.DuckDBPyConnection, as_of: date, full: bool = False, found: Mapping[str, Model] | None = None
) -> ModelsRefresh:
    """Bring the models up to the facts' position, as of `as_of`: by partition when it can, whole when
    it must or `full` asks. Returns what it did; with failed checks, nothing was kept. `found` is the
    warehouse's own models unless given (a test's models, loaded from its own folder)."""
    found = models() if found is None else found
    state = read_state(con)
    position = scalar(con, "SELECT last_position FROM projection_state WHERE id = 1") or 0
    result = ModelsRefresh(as_of, state.last_position if state else 0, position, full, "asked" if full else "")
    if not full:
        result.full, result.reason = _must_rebuild_whole(con, state, as_of, found)
    if not result.full and state is not None and state.last_position == position:
        return result  # a quiet store: nothing to rebuild, nothing to publish
    if not result.full:
        result.groups, why = _touched_groups(con, result.from_position, position, found)
        if why:
            result.full, result.reason = True, why
    result.epoch = uuid.uuid4().hex[:12] if result.full else state.epoch
    set_as_of(con, as_of)
    con.execute("BEGIN TRANSACTION")
    try:
        builder = _Builder(con, found, whole=result.full, as_of=as_of)
        for name in found:
            result.models[name] = builder.build(name)
            crash_if_asked(f"model-{name}-before-commit")
        result.outcomes = builder.run_checks()
        builder.count_rows()
        if result.failed:
            con.execute("ROLLBACK")
            return result
        _record(con, result, builder)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result


def _must_rebuild_whole(
    con: duckdb.DuckDBPyConnection, state: ModelState | None, as_of: date, found: Mapping[str, Model]
) -> tuple[bool, str]:
    if state is None:
        return True, "first build"
    if state.as_of != as_of:
        return True, f"the as-of day changed ({state.as_of} -> {as_of})"
    if state.models != fingerprint(found):
        return True, "the models changed"
    tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    missing = [name for name in found if name not in tables]
    if missing:
        return True, f"no table {missing[0]}"
    return False, ""


def _stream_groups() -> str:
    return " UNION ALL ".join(f"SELECT stream_id, group_id FROM {fact.name}" for fact in facts.STREAM_GROUPS)


def _touched_groups(
    con: duckdb.DuckDBPyConnection, after: int, up_to: int, found: Mapping[str, Model]
) -> tuple[int, str]:
    """The groups of the events in (after, up_to], in temp.touched_groups, and their events' positions, in
    temp.touched_positions; or why the models must be rebuilt whole instead."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_events AS "
        "SELECT position, topic, stream_id FROM event_log WHERE position > ? AND position <= ?",
        [after, up_to],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_event_groups AS "
        f"SELECT DISTINCT n.stream_id, g.group_id FROM new_events n JOIN ({_stream_groups()}) g USING (stream_id)"
    )
    of_no_group = {
        t
        for (t,) in con.execute(
            "SELECT DISTINCT topic FROM new_events WHERE stream_id NOT IN (SELECT stream_id FROM new_event_groups)"
        ).fetchall()
    }
    # an unpartitioned model rebuilds whole from its facts anyway; a partitioned one cannot place them
    read = {fact for model in found.values() if model.partition for fact in model.facts}
    for lands in facts.LANDINGS:
        if lands.event in of_no_group and lands.table.name in read:
            return 0, f"new {lands.event} events belong to no group and {lands.table.name} is read by partition"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE touched_groups AS SELECT DISTINCT group_id AS value FROM new_event_groups"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE touched_positions AS SELECT position FROM event_log WHERE stream_id IN "
        f"(SELECT stream_id FROM ({_stream_groups()}) WHERE group_id IN (SELECT value FROM touched_groups))"
    )
    return scalar(con, "SELECT count(*) FROM touched_groups"), ""


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return scalar(con, "SELECT current_database()")


def _values(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[str]:
    return [value for (value,) in con.execute(sql, params or []).fetchall()]


def _one_of(column: str, values: list[str], alias: str = "") -> str:
    """`column` is one of `values`: a list of literals, so DuckDB can skip the row groups of a table
    ordered by that column (the serving files, the models built whole) instead of probing every row."""
    qualified = f'{alias}."{column}"' if alias else f'"{column}"'
    return f"{qualified} IN ({', '.join(sql_string(v) for v in values)})" if values else "false"


class _Builder:
    """Rebuilds the models in order, each whole or by partition, remembering which partitions changed."""

    def __init__(self, con: duckdb.DuckDBPyConnection, found: Mapping[str, Model], whole: bool, as_of: date):
        self.con, self.found, self.whole_refresh, self.as_of = con, found, whole, as_of
        self.main = _catalog(con) + ".main"
        self.rebuilt: dict[str, Rebuilt] = {}
        # for each model rebuilt by partition, the values that changed of each partition column it has
        # (its own: what to copy and check; another: what a reader partitioned by it rebuilds)
        self.changed: dict[str, dict[str, list[str]]] = {}
        self.partition_columns = sorted({m.partition for m in found.values() if m.partition})
        self.touched_groups = [] if whole else _values(con, "SELECT value FROM temp.main.touched_groups ORDER BY value")

    def build(self, name: str) -> Rebuilt:
        model = self.found[name]
        if self.whole_refresh:
            rebuilt = self._whole(model)
        elif model.daily:
            rebuilt = Rebuilt(How.UNCHANGED)
        elif model.partition is None:
            rebuilt = self._unpartitioned(model)
        else:
            rebuilt = self._partitions(model)
        self.rebuilt[name] = rebuilt
        return rebuilt

    def count_rows(self) -> None:
        """Each rebuilt table's rows, in one query (for the report)."""
        names = [name for name, r in self.rebuilt.items() if r.how is not How.UNCHANGED]
        if names:
            counted = " UNION ALL ".join(
                f"SELECT {sql_string(name)}, count(*) FROM {self.main}.{name}" for name in names
            )
            for name, rows in self.con.execute(counted).fetchall():
                self.rebuilt[name].rows = rows

    # -- whole ------------------------------------------------------------------------------------
    def _select(self, model: Model) -> str:
        """The model's rows: its SELECT, or for a Python model the frame its build() made (registered in
        this connection as python_rows, cast to the declared types)."""
        if model.kind is not ModelKind.PYTHON:
            return model.sql
        self.con.register("python_rows", python_rows(self.con, model, self.as_of))
        typed = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in model.columns)
        return f"SELECT {typed} FROM python_rows"

    def _whole(self, model: Model, sql: str | None = None) -> Rebuilt:
        # a partitioned table is kept in the order of its partition: a refresh's narrowing skips the rest
        order = f' ORDER BY "{model.partition}"' if model.partition else ""
        self.con.execute(
            f"CREATE OR REPLACE TABLE {self.main}.{model.name} AS SELECT * FROM ({sql or self._select(model)}){order}"
        )
        if sql is None:
            described = self.con.execute(f"DESCRIBE {self.main}.{model.name}").fetchall()
            mismatch = model.mismatch([(column, kind) for column, kind, *_ in described])
            if mismatch:
                raise ModelError(mismatch)
        return Rebuilt(How.WHOLE)

    def _unpartitioned(self, model: Model) -> Rebuilt:
        reads_something = bool(model.depends_on or model.facts)
        if reads_something and not model.facts and not any(self._changed(r) for r in model.depends_on):
            return Rebuilt(How.UNCHANGED)
        if not any(model.name in m.depends_on for m in self.found.values()):
            return self._whole(model)  # nothing reads it: whether it really changed matters to no one
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE rebuilt AS {self._select(model)}")
        if not self._differ(f"{self.main}.{model.name}"):
            return Rebuilt(How.UNCHANGED)
        return self._whole(model, "FROM temp.main.rebuilt")

    # -- by partition -----------------------------------------------------------------------------
    def _partitions(self, model: Model) -> Rebuilt:
        column = model.partition
        if any(self.rebuilt[read].how is How.WHOLE for read in model.depends_on):
            return self._whole(model)  # an input changed everywhere
        values = set(self.touched_groups) if model.layer == "staging" else set()
        for read in model.depends_on:
            values.update(self.changed.get(read, {}).get(column, ()))
        if not values:
            return Rebuilt(How.UNCHANGED)
        values = sorted(values)
        table = f"{self.main}.{model.name}"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE rebuilt AS {self._narrowed_sql(model, values)}")
        read = any(model.name in m.depends_on for m in self.found.values())
        if not read:  # nobody reads it: its partitions are replaced, whether or not they came out the same
            self.con.execute("CREATE OR REPLACE TEMP TABLE differ AS FROM temp.main.rebuilt")
        elif not self._differ(f"(SELECT * FROM {table} WHERE {_one_of(column, values)})"):
            return Rebuilt(How.UNCHANGED)
        stray, *found = self.con.execute(
            f'SELECT (SELECT count(*) FROM temp.main.rebuilt WHERE "{column}" IS NULL OR NOT {_one_of(column, values)})'
            + "".join(
                f', (SELECT coalesce(list(DISTINCT "{c}"::VARCHAR ORDER BY "{c}"), []) FROM temp.main.differ)'
                for c in self.partition_columns
                if c in model.column_names
            )
        ).fetchone()
        if stray:
            raise ModelError(
                f"{model.file}: declares partition: {column}, but from its inputs narrowed to some values of "
                f"{column} it made {stray} rows for others (or none): its rows for one {column} depend on "
                "other rows; drop the partition"
            )
        # the rows that differ, old and new: the partitions (and other columns' values) that changed
        self.changed[model.name] = changed = dict(
            zip([c for c in self.partition_columns if c in model.column_names], found, strict=True)
        )
        if not read:
            changed[column] = values
        self.con.execute(f"DELETE FROM {table} WHERE {_one_of(column, changed[column])}")
        self.con.execute(
            f"INSERT INTO {table} SELECT * FROM temp.main.rebuilt WHERE {_one_of(column, changed[column])}"
        )
        return Rebuilt(How.PARTITIONS, partitions=len(changed[column]))

    def _narrowed_sql(self, model: Model, values: list[str]) -> str:
        """The model's SELECT over its inputs narrowed to `values` of its partition column: each input
        with that column (or, for a staging model, each fact table, to the touched groups' events) is
        replaced by a CTE of the same name; an unpartitioned input is read whole."""
        column = model.partition
        narrowed = []
        for name in model.depends_on:
            read = self.found[name]
            if read.partition is not None and column in read.column_names:
                narrowed.append(f"{name} AS (SELECT * FROM {self.main}.{name} WHERE {_one_of(column, values)})")
        for name in model.facts:
            narrowed.append(
                f"{name} AS (SELECT * FROM {self.main}.{name} "
                "WHERE position IN (SELECT position FROM temp.main.touched_positions))"
            )
        sql = model.sql.strip().rstrip(";")
        return f"WITH {', '.join(narrowed)} SELECT * FROM ({sql})" if narrowed else sql

    # -- helpers ----------------------------------------------------------------------------------
    def _differ(self, before: str) -> bool:
        """Whether temp.rebuilt differs from the rows `before` (a table, or a narrowed SELECT of one): the
        rows in one and not the other, both ways, go to temp.differ."""
        [(rows,)] = self.con.execute(
            "CREATE OR REPLACE TEMP TABLE differ AS "
            f"(SELECT * FROM temp.main.rebuilt EXCEPT ALL SELECT * FROM {before}) "
            f"UNION ALL (SELECT * FROM {before} EXCEPT ALL SELECT * FROM temp.main.rebuilt)"
        ).fetchall()
        return bool(rows)

    def _changed(self, name: str) -> bool:
        return self.rebuilt[name].how is not How.UNCHANGED

    # -- checks -----------------------------------------------------------------------------------
    def run_checks(self) -> list[checks.Outcome]:
        """Every check of every model rebuilt, on the rows rebuilt (all of them, if rebuilt whole)."""
        planned = []
        for name, rebuilt in self.rebuilt.items():
            if rebuilt.how is How.UNCHANGED:
                continue
            model = self.found[name]
            where = None
            if rebuilt.how is How.PARTITIONS:
                where = _one_of(model.partition, self.changed[name][model.partition])
            for check in model.checks:
                narrowed = where
                if isinstance(check, References) and check.table in self.found and self._changed(check.table):
                    referenced = self.found[check.table]
                    if referenced.partition != model.partition or self.rebuilt[check.table].how is How.WHOLE:
                        narrowed = None  # what it points at changed elsewhere too
                planned.append((model, check, narrowed))
        return checks.run_together(self.con, planned)


def _record(con: duckdb.DuckDBPyConnection, result: ModelsRefresh, builder: _Builder) -> None:
    """The models' new state, and which published partitions changed (what publication copies)."""
    position = result.to_position
    if result.full:
        con.execute("DELETE FROM model_changes")
        con.execute("INSERT INTO model_changes VALUES (?, '*', NULL)", [position])
    else:
        for name, rebuilt in result.models.items():
            model = builder.found[name]
            if not model.published or rebuilt.how is How.UNCHANGED:
                continue
            if rebuilt.how is How.WHOLE:
                con.execute("INSERT INTO model_changes VALUES (?, ?, NULL)", [position, name])
            else:
                con.execute(
                    "INSERT INTO model_changes SELECT ?, ?, unnest(?::VARCHAR[])",
                    [position, name, builder.changed[name][model.partition]],
                )
    con.execute(
        "INSERT OR REPLACE INTO model_state VALUES (1, ?, ?, ?, ?, NULL, now()::TIMESTAMP)",
        [position, result.as_of, fingerprint(builder.found), result.epoch],
    )
