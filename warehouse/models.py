"""The warehouse's models, each declared once, beside its SQL, in warehouse/<layer>/<name>.sql (or, for the
few that fit a statistical model, beside its Python, in warehouse/<layer>/<name>.py).

A model file is a header, a YAML block inside a leading `/* ... */` comment, then one SELECT, which is
built as a table of that name:

    /*
    description: what the table is, for the asset graph and the README.
    grain: one row per ...
    published: true            # copied into the serving file
    readers: {lead: all, facilitator: group_id, member: member_id}
    partition: group_id        # its rows for a group come from that group's rows alone: refreshed by group
    may_be_empty: why          # optional: why the synthetic programme may leave it empty (tests allow it)
    key: [meeting_id, member_id]
    columns:
      meeting_id:
        type: VARCHAR
        description: the meeting
        checks: [not_null, {references: fact_meeting_held.meeting_id}]
    */
    SELECT ...

Everything else is derived from these files: what a model reads (DuckDB's own parser, on the SELECT),
the build order, the published set, the Dagster assets and their blocking checks, and the README's
table sections (`python -m warehouse.docs`). The layers: `staging` reads only the fact tables (one
model per kind of fact, as of the as-of date), `intermediate` and `marts` read models, and the fact
tables derived from an event (warehouse/facts.py: already typed, ids renamed, so a figure from a new
kind of event needs no staging model of its own); only marts are published. A header that is wrong in
any way is a `ModelError` that names the file.

A Python model (intermediate or marts only) is for what SQL should not do, such as fitting a model with
scikit-learn. Its header is the module's docstring, the same YAML plus `reads:`, the tables it reads
(declared, since there is no one SELECT to derive them from, and enforced: `Inputs.query` refuses a
query that reads anything else). The module defines `build(inputs: Inputs) -> polars.DataFrame`, whose
columns are the declared ones in order; each is cast to its declared type, then checked like any table.

`partition` is a promise about the SQL, which lets a refresh rebuild only what new events touched
(warehouse/incremental.py): the model's rows for one value of that column (a group, a member) are what
its SELECT makes from its inputs' rows for that value alone. A staging model may be partitioned by
`group_id` (the group of the events' streams); any other model by a column that every input it reads
has, or the input is not partitioned itself (read whole). A model without `partition` (every Python
model) is rebuilt whole whenever anything it reads changed. The promise is tested, model by model,
against clean rebuilds (tests/integration/test_incremental.py). `refresh: daily` marks a costly
whole-programme model whose figures need not move with each event (a fitted statistical model): it is
rebuilt by whole refreshes only (each new as-of day, and `peerpulse materialize`), and a model that
reads it reads what the last of them made.
"""

from __future__ import annotations

import ast
import graphlib
import hashlib
import heapq
import importlib.util
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import duckdb
import yaml

from domain.errors import PeerPulseError
from warehouse.rules import AcceptedValues, Check, InRange, KeyIsUnique, NotNull, References

C = TypeVar("C", bound=Check)


class ModelKind(StrEnum):
    """How a model is written."""

    SQL = "sql"  # one SELECT after its header
    PYTHON = "python"  # the module's build(inputs), reading what `reads:` declares


HERE = Path(__file__).resolve().parent
LAYERS = ("staging", "intermediate", "marts")  # in the order they are built
ROLES = ("lead", "admin", "facilitator", "member")
# What each role's rows are scoped by: every row, or the rows whose column holds the viewer's ids
# (the groups a facilitator facilitates; a member's own member id).
SCOPES = {"lead": ("all",), "admin": ("all",), "facilitator": ("all", "group_id"), "member": ("all", "member_id")}
PLAIN_TYPES = ("VARCHAR", "DATE", "TIMESTAMP", "BIGINT", "INTEGER", "DOUBLE", "BOOLEAN")  # README, "Plain types"
NUMERIC_TYPES = ("BIGINT", "INTEGER", "DOUBLE")
TABLE_KEYS = {
    "description", "grain", "published", "readers", "contract", "partition", "refresh", "key", "columns", "notes",
    "reads", "may_be_empty",
}  # fmt: skip
STREAM_PARTITION = "group_id"  # what events are partitioned by: the group their stream belongs to (facts.STREAM_GROUPS)
REQUIRED_TABLE_KEYS = {"description", "grain", "published", "key", "columns"}
COLUMN_KEYS = {"type", "description", "checks", "extra", "remedy"}
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ModelError(PeerPulseError):
    """A model's .sql file is wrong: its header, its SQL, or what it reads. The message names the file."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    checks: tuple[Check, ...] = ()
    extra: bool = False  # in a contract table: added after the contract's columns
    remedy: str = ""  # what to record when recorded data breaks one of its checks (e.g. correct_airtime)

    @property
    def not_null(self) -> bool:
        return any(isinstance(c, NotNull) for c in self.checks)

    def check(self, kind: type[C]) -> C | None:
        return next((c for c in self.checks if isinstance(c, kind)), None)


@dataclass(frozen=True)
class Model:
    name: str
    layer: str  # staging | intermediate | marts
    path: Path
    sql: str  # the SELECT, without the header
    description: str
    grain: str  # "one row per ..."
    published: bool
    readers: Mapping[str, str]  # role -> "all" or the column that scopes its rows; an absent role may not read
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    notes: str = ""
    contract: bool = False  # one of the warehouse contract's tables (warehouse/README.md)
    partition: str | None = None  # the column it is refreshed by (a group, a member), or None: rebuilt whole
    daily: bool = False  # `refresh: daily`: rebuilt by whole refreshes only (the day changed, or asked)
    depends_on: tuple[str, ...] = ()  # the models it reads, from its SQL
    facts: tuple[str, ...] = ()  # the fact tables it reads, from its SQL
    kind: ModelKind = ModelKind.SQL
    may_be_empty: str | None = None  # why the table may hold no row on the synthetic programme (the tests')

    @property
    def reads(self) -> tuple[str, ...]:
        return self.depends_on + self.facts

    def build_function(self):
        """A Python model's `build(inputs) -> polars.DataFrame`, its module loaded from its file."""
        name = f"warehouse.{self.layer}.{self.name}"
        spec = importlib.util.spec_from_file_location(name, self.path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.build

    @property
    def file(self) -> str:
        """The path people know it by: warehouse/<layer>/<name>.sql."""
        return f"{self.path.parent.parent.name}/{self.path.parent.name}/{self.path.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def checks(self) -> tuple[Check, ...]:
        """Every blocking check: each column's, then one row per key."""
        return tuple(check for column in self.columns for check in column.checks) + (KeyIsUnique(),)

    def scope(self, role: str) -> str | None:
        """The column that scopes the rows `role` may read ("all" for every row), or None: it may not."""
        return self.readers.get(role)

    def mismatch(self, built: list[tuple[str, str]]) -> str | None:
        """How the built table's (column, type) pairs differ from the declared columns, or None."""
        declared = dict((c.name, c.type) for c in self.columns)
        if built == list(declared.items()):
            return None
        built_types = dict(built)
        problems = []
        if undeclared := [name for name in built_types if name not in declared]:
            problems.append(f"the built table has columns the header does not declare: {', '.join(undeclared)}")
        if missing := [name for name in declared if name not in built_types]:
            problems.append(f"the header declares columns the table does not have: {', '.join(missing)}")
        problems += [
            f"{name} is {kind}, declared {declared[name]}"
            for name, kind in built
            if name in declared and kind != declared[name]
        ]
        if not problems:
            problems.append(
                f"the header declares the columns in another order than the SELECT makes them: {', '.join(built_types)}"
            )
        return f"{self.file}: " + "; ".join(problems)


# -- loading -------------------------------------------------------------------------------------


@cache
def models() -> Mapping[str, Model]:
    """Every model of warehouse/, in build order (each after everything it reads)."""
    return MappingProxyType(load(HERE))


def published() -> dict[str, Model]:
    """The tables copied into the serving file, in build order."""
    return {name: m for name, m in models().items() if m.published}


@cache
def derived_fact_tables() -> set[str]:
    """The fact tables made from an event that nobody declared a shape for (warehouse/facts.py)."""
    from warehouse import facts

    declared = {lands.table.name for lands in facts.DECLARED}
    return {lands.table.name for lands in facts.LANDINGS} - declared


def fact_tables() -> dict[str, tuple[str, ...]]:
    """The tables the models are built on (warehouse/facts.py, which `db.connect` creates), with their columns."""
    from warehouse import facts

    return {
        "projection_state": ("id", "last_position", "updated_at"),
        **{table.name: table.column_names for table in facts.TABLES},
    }


def load(directory: Path, facts: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, Model]:
    """The models of `directory`/<layer>/*.sql, checked and in build order."""
    facts = fact_tables() if facts is None else facts
    parser = duckdb.connect(":memory:")
    try:
        found: dict[str, tuple[Model, set[str], set[str]]] = {}
        for layer in LAYERS:
            paths = [*(directory / layer).glob("*.sql"), *(directory / layer).glob("[!_]*.py")]
            for path in sorted(paths, key=lambda p: p.name):
                model, reads, ctes = (_read_python if path.suffix == ".py" else _read)(path, layer, parser)
                if model.name in found:
                    raise ModelError(f"{model.file}: a model named {model.name} is also {found[model.name][0].file}")
                found[model.name] = (model, reads, ctes)
    finally:
        parser.close()
    resolved = {name: _resolve(model, reads, ctes, found, facts) for name, (model, reads, ctes) in found.items()}
    ordered = _build_order(resolved)
    for model in ordered.values():
        _check_references(model, ordered, facts)
        _check_partition(model, ordered)
    return ordered


class _StrictLoader(yaml.CSafeLoader):
    """yaml.safe_load, except that a key given twice is an error instead of the last one silently winning.
    LibYAML's parser (PyYAML's wheels carry it): the pure-Python one took seconds of every build."""


def _no_duplicate_keys(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    twice = sorted({str(k) for k in keys if keys.count(k) > 1})
    if twice:
        raise yaml.constructor.ConstructorError(None, None, f"{', '.join(twice)} given twice", node.start_mark)
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


def _read(path: Path, layer: str, parser: duckdb.DuckDBPyConnection) -> tuple[Model, set[str], set[str]]:
    file = f"{path.parent.parent.name}/{layer}/{path.name}"
    name = path.stem
    if not NAME.match(name):
        raise ModelError(f"{file}: a model's name is lower_snake_case (it names the table)")
    text = path.read_text()
    if not text.startswith("/*") or "*/" not in text:
        raise ModelError(f"{file}: starts with its header, a YAML block inside /* ... */ (see warehouse/models.py)")
    header, sql = text[2:].split("*/", 1)
    declared = _header(file, header)
    if "reads" in declared:
        raise ModelError(f"{file}: what a SQL model reads follows from its SELECT; reads: is for Python models")
    reads, ctes = _tables_read(file, sql, parser)
    return _declared(file, name, layer, path, declared, sql.strip() + "\n"), reads, ctes


def _read_python(path: Path, layer: str, parser: duckdb.DuckDBPyConnection) -> tuple[Model, set[str], set[str]]:
    file = f"{path.parent.parent.name}/{layer}/{path.name}"
    name = path.stem
    if not NAME.match(name):
        raise ModelError(f"{file}: a model's name is lower_snake_case (it names the table)")
    if layer == "staging":
        raise ModelError(
            f"{file}: staging models are SQL (one per kind of fact); a Python model is intermediate or marts"
        )
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except SyntaxError as e:
        raise ModelError(f"{file}: is not valid Python: {e}") from None
    header = ast.get_docstring(tree, clean=False)
    if header is None:
        raise ModelError(f"{file}: starts with its header, a YAML docstring (see warehouse/models.py)")
    if not any(isinstance(node, ast.FunctionDef) and node.name == "build" for node in tree.body):
        raise ModelError(f"{file}: defines build(inputs), which returns the table's rows as a polars DataFrame")
    declared = _header(file, header)
    reads = declared.get("reads")
    if not (isinstance(reads, list) and reads and all(isinstance(r, str) and NAME.match(r) for r in reads)):
        raise ModelError(f"{file}: a Python model declares what it reads: reads: [table, ...]")
    return _declared(file, name, layer, path, declared, ""), set(reads), set()


def _header(file: str, header: str) -> dict:
    try:
        declared = yaml.load(header, Loader=_StrictLoader)
    except yaml.YAMLError as e:
        raise ModelError(f"{file}: the header is not valid YAML: {e}") from None
    if not isinstance(declared, dict):
        raise ModelError(f"{file}: the header is a YAML mapping of {', '.join(sorted(TABLE_KEYS))}")
    _require_keys(file, "the header", declared, TABLE_KEYS, REQUIRED_TABLE_KEYS)
    return declared


def _declared(file: str, name: str, layer: str, path: Path, declared: dict, sql: str) -> Model:
    published = _flag(file, declared, "published")
    contract = _flag(file, declared, "contract", default=False)
    columns = _columns(file, declared["columns"], contract)
    names = [c.name for c in columns]
    key = declared["key"]
    if not (isinstance(key, list) and key and all(k in names for k in key) and len(set(key)) == len(key)):
        raise ModelError(f"{file}: key is a list of the table's columns that identify a row (declared: {key!r})")
    readers = _readers(file, declared, published, names)
    partition = declared.get("partition")
    if partition is not None and partition not in names:
        raise ModelError(
            f"{file}: partition names the column its rows are refreshed by; it has no column {partition!r}"
        )
    if declared.get("refresh", "on change") not in ("on change", "daily"):
        raise ModelError(f"{file}: refresh is `daily` (rebuilt once a day, and by materialize) or left out")
    if partition is not None and path.suffix == ".py":
        raise ModelError(f"{file}: a Python model is rebuilt whole; partition is for SQL models")
    if partition is not None and layer == "staging" and partition != STREAM_PARTITION:
        raise ModelError(
            f"{file}: a staging model is partitioned by {STREAM_PARTITION} (the group of the events' streams), "
            f"not {partition}"
        )
    if published and layer != "marts":
        raise ModelError(f"{file}: only marts are published; move it to marts/ or make it published: false")
    if contract and not published:
        raise ModelError(f"{file}: a contract table is published")
    for field in ("description", "grain", "notes", "may_be_empty"):
        if field in declared and not (isinstance(declared[field], str) and declared[field].strip()):
            raise ModelError(f"{file}: {field} is text")
    return Model(
        name=name,
        layer=layer,
        path=path,
        sql=sql,
        description=" ".join(declared["description"].split()),
        grain=" ".join(declared["grain"].split()),
        published=published,
        readers=readers,
        key=tuple(key),
        columns=tuple(columns),
        notes=(declared.get("notes") or "").strip(),
        contract=contract,
        partition=partition,
        daily=declared.get("refresh") == "daily",
        kind=ModelKind.PYTHON if path.suffix == ".py" else ModelKind.SQL,
        may_be_empty=" ".join(declared["may_be_empty"].split()) if "may_be_empty" in declared else None,
    )


def _require_keys(file: str, where: str, found: dict, allowed: set[str], required: set[str]) -> None:
    unknown = sorted(str(k) for k in set(found) - allowed)
    if unknown:
        raise ModelError(f"{file}: unknown key {', '.join(unknown)} in {where} (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(found))
    if missing:
        raise ModelError(f"{file}: {where} lacks {', '.join(missing)}")


def _flag(file: str, declared: dict, key: str, default: bool | None = None) -> bool:
    value = declared.get(key, default)
    if not isinstance(value, bool):
        raise ModelError(f"{file}: {key} is true or false")
    return value


def _columns(file: str, declared: object, contract: bool) -> list[Column]:
    if not (isinstance(declared, dict) and declared):
        raise ModelError(f"{file}: columns is a mapping of each column's name to its type, description and checks")
    columns = []
    for name, spec in declared.items():
        where = f"column {name}"
        if not (isinstance(name, str) and NAME.match(name)):
            raise ModelError(f"{file}: {name!r} is not a column name (lower_snake_case)")
        if not isinstance(spec, dict):
            raise ModelError(f"{file}: {where} is a mapping of type, description and checks")
        _require_keys(file, where, spec, COLUMN_KEYS, {"type", "description"})
        kind = spec["type"]
        if not (isinstance(kind, str) and kind.removesuffix("[]") in PLAIN_TYPES):
            raise ModelError(
                f"{file}: {where}: type {kind!r} is not one of {', '.join(PLAIN_TYPES)} "
                "(or a list of one, e.g. DOUBLE[])"
            )
        if not (isinstance(spec["description"], str) and spec["description"].strip()):
            raise ModelError(f"{file}: {where}: description is text")
        extra = spec.get("extra", False)
        if not isinstance(extra, bool):
            raise ModelError(f"{file}: {where}: extra is true or false")
        if extra and not contract:
            raise ModelError(f"{file}: {where}: extra marks a column added to a contract table; this is not one")
        if not isinstance(spec.get("checks") or [], list):
            raise ModelError(f"{file}: {where}: checks is a list")
        checks = tuple(_check(file, name, kind, c) for c in spec.get("checks") or [])
        kinds = [type(c) for c in checks]
        if len(set(kinds)) != len(kinds):
            raise ModelError(f"{file}: {where}: a check is given twice")
        remedy = spec.get("remedy", "")
        if not isinstance(remedy, str):
            raise ModelError(f"{file}: {where}: remedy is text")
        columns.append(
            Column(name, kind, " ".join(spec["description"].split()), checks, extra, " ".join(remedy.split()))
        )
    if contract:
        extras = [c.extra for c in columns]
        if True in extras and not all(extras[extras.index(True) :]):
            raise ModelError(f"{file}: a contract table's extra columns come after its contract columns")
    return columns


def _check(file: str, column: str, kind: str, spec: object) -> Check:
    where = f"column {column}"
    if spec == "not_null":
        return NotNull(column)
    if not (isinstance(spec, dict) and len(spec) == 1):
        raise ModelError(
            f"{file}: {where}: unknown check {spec!r} (checks: not_null, {{range: [low, high]}}, "
            "{accepted_values: [...]}, {references: table.column})"
        )
    [(name, argument)] = spec.items()
    if name == "range":
        bounds = argument if isinstance(argument, list) and len(argument) == 2 else [None, None]
        if not (
            all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in bounds)
            and bounds != [None, None]
            and (None in bounds or bounds[0] <= bounds[1])
        ):
            raise ModelError(f"{file}: {where}: range is [low, high], one of them null if open (e.g. [0, null])")
        if kind not in NUMERIC_TYPES:
            raise ModelError(f"{file}: {where}: a range check needs a number, not {kind}")
        low, high = (None if v is None else float(v) for v in bounds)
        return InRange(column, low=low, high=high)
    if name == "accepted_values":
        if not (isinstance(argument, list) and argument and all(isinstance(v, str) for v in argument)):
            raise ModelError(f"{file}: {where}: accepted_values is a list of codes")
        return AcceptedValues(column, values=tuple(argument))
    if name == "references":
        if not (isinstance(argument, str) and re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", argument)):
            raise ModelError(f"{file}: {where}: references is table.column")
        table, table_column = argument.split(".")
        return References(column, table=table, table_column=table_column)
    raise ModelError(f"{file}: {where}: unknown check {name!r} (checks: not_null, range, accepted_values, references)")


def _readers(file: str, declared: dict, published: bool, columns: list[str]) -> Mapping[str, str]:
    if "readers" not in declared:
        if published:
            raise ModelError(
                f"{file}: a published table declares its readers (e.g. readers: {{lead: all}}; "
                "{} if no dashboard role reads it)"
            )
        return MappingProxyType({})
    if not published:
        raise ModelError(f"{file}: readers are for published tables; this one is not published")
    readers = declared["readers"]
    if not isinstance(readers, dict):
        raise ModelError(f"{file}: readers is a mapping of role to scope, e.g. {{lead: all, facilitator: group_id}}")
    for role, scope in readers.items():
        if role not in ROLES:
            raise ModelError(f"{file}: unknown role {role!r} in readers (roles: {', '.join(ROLES)})")
        if scope not in SCOPES[role]:
            raise ModelError(f"{file}: readers: {role} reads {' or '.join(SCOPES[role])}, not {scope!r}")
        if scope != "all" and scope not in columns:
            raise ModelError(f"{file}: readers: {role} is scoped by {scope}, which the table does not have")
    return MappingProxyType(dict(readers))


def tables_read(sql: str, file: str = "a query") -> set[str]:
    """The tables a SELECT reads (its CTEs left out), by DuckDB's own parser."""
    parser = duckdb.connect(":memory:")
    try:
        return _tables_read(file, sql, parser)[0]
    finally:
        parser.close()


def _tables_read(file: str, sql: str, parser: duckdb.DuckDBPyConnection) -> tuple[set[str], set[str]]:
    """The tables the SELECT reads and the names of its CTEs, by DuckDB's own parser (no binding)."""
    tree = json.loads(parser.execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise ModelError(f"{file}: the SQL is not one SELECT DuckDB can parse: {tree.get('error_message')}")
    if len(tree["statements"]) != 1:
        raise ModelError(f"{file}: holds {len(tree['statements'])} statements; a model is one SELECT")
    tables: set[str] = set()
    ctes: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                tables.add(node["table_name"])
            if isinstance(node.get("cte_map"), dict):
                ctes.update(entry["key"] for entry in node["cte_map"]["map"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree["statements"])
    return tables - ctes, ctes


def _resolve(model: Model, reads: set[str], ctes: set[str], found: dict, facts: Mapping) -> Model:
    shadowed = sorted(ctes & (set(found) | set(facts)))
    if shadowed:
        raise ModelError(f"{model.file}: the CTE {', '.join(shadowed)} has the name of a table; rename it")
    unknown = sorted(reads - set(found) - set(facts))
    if unknown:
        raise ModelError(f"{model.file}: reads {', '.join(unknown)}, which is neither a fact table nor a model")
    depends_on = tuple(sorted(reads & set(found)))
    read_facts = tuple(sorted(reads & set(facts)))
    if model.layer == "staging" and depends_on:
        raise ModelError(
            f"{model.file}: a staging model reads only fact tables, not {', '.join(depends_on)}; "
            "move it to intermediate/ or marts/"
        )
    unstaged = sorted(set(read_facts) - derived_fact_tables())
    if model.layer != "staging" and unstaged:
        raise ModelError(
            f"{model.file}: only staging models read the declared fact tables ({', '.join(unstaged)}); "
            "read them through a staging model"
        )
    return replace(model, depends_on=depends_on, facts=read_facts)


def _build_order(found: dict[str, Model]) -> dict[str, Model]:
    """A topological order (graphlib), staging first and by name among the models that are ready."""
    sorter = graphlib.TopologicalSorter({name: m.depends_on for name, m in found.items()})
    try:
        sorter.prepare()
    except graphlib.CycleError as e:
        cycle = _from_smallest(e.args[1])
        raise ModelError(
            f"{found[cycle[0]].file}: the models read each other in a cycle: {' -> '.join(cycle)} "
            f"({', '.join(found[n].file for n in cycle[:-1])})"
        ) from None
    ready: list[tuple[int, str]] = []
    ordered: dict[str, Model] = {}
    while sorter.is_active():
        for name in sorter.get_ready():
            heapq.heappush(ready, (LAYERS.index(found[name].layer), name))
        _, name = heapq.heappop(ready)
        ordered[name] = found[name]
        sorter.done(name)
    return ordered


def _from_smallest(cycle: list[str]) -> list[str]:
    """graphlib's cycle (each node reads the one before it, the first repeated last), read the other way
    (each reads the next) and started at its smallest name."""
    nodes = list(reversed(cycle[:-1]))
    start = nodes.index(min(nodes))
    nodes = nodes[start:] + nodes[:start]
    return [*nodes, nodes[0]]


def _check_references(model: Model, ordered: dict[str, Model], facts: Mapping[str, tuple[str, ...]]) -> None:
    upstream = _upstream(model, ordered)
    for check in model.checks:
        if not isinstance(check, References):
            continue
        if check.table in facts:
            found = check.table_column in facts[check.table]
        elif check.table in upstream:
            found = check.table_column in ordered[check.table].column_names
        else:
            raise ModelError(
                f"{model.file}: column {check.column} references {check.table}, which is neither a fact "
                "table nor a model this one reads (so it might not be built yet)"
            )
        if not found:
            raise ModelError(
                f"{model.file}: column {check.column} references {check.table}.{check.table_column}, "
                "which has no such column"
            )


def _check_partition(model: Model, ordered: dict[str, Model]) -> None:
    """A partitioned model's inputs can be narrowed to its partitions: each is partitioned by the same
    column, or has that column (its changed rows say which of ours changed), or is read whole."""
    # A model that is not daily may read a daily one (dropout_risk scores with the day's dropout_model):
    # between whole refreshes it reads the table the day's whole refresh made.
    if model.partition is None:
        return
    for name in model.depends_on:
        read = ordered[name]
        if read.partition not in (None, model.partition) and model.partition not in read.column_names:
            raise ModelError(
                f"{model.file}: partition: {model.partition}, but it reads {name}, which is partitioned by "
                f"{read.partition} and has no {model.partition} column; drop the partition or read another table"
            )


def fingerprint(found: Mapping[str, Model]) -> str:
    """What every model is, in one digest: a refresh after any model changed rebuilds them all."""
    digest = hashlib.sha256()
    for model in found.values():
        made_by = model.path.read_text() if model.kind is ModelKind.PYTHON else model.sql  # a Python model: its module
        digest.update(
            json.dumps(
                [model.name, made_by, model.partition, model.daily, [(c.name, c.type) for c in model.columns]]
            ).encode()
        )
    return digest.hexdigest()[:16]


def _upstream(model: Model, ordered: dict[str, Model]) -> set[str]:
    seen: set[str] = set()
    todo = list(model.depends_on)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(ordered[name].depends_on)
    return seen
