"""Every query of `warehouse.queries` declares who may ask it and which published tables it reads; the
declaration must agree with the tables' own `readers:` (warehouse/*/<table>.sql) and with the SQL the
query really runs (each is run here on a small published programme, through a reader that records it)."""

from __future__ import annotations

import inspect
import re
from datetime import date

import pytest

from tests.integration.programmes import Programme
from warehouse.db import ServingReader
from warehouse.models import published
from warehouse.queries import SCOPE_COLUMNS, Role, declaration, every_query

AS_OF = date(2026, 7, 5)
ARGUMENTS = {  # a value for each parameter name a query takes
    "group_id": "north",
    "group_ids": ("north",),
    "member_id": "ana",
    "meeting_id": "n-1",
    "by": date(2026, 7, 7),
    "today": AS_OF,
    "first": date(2026, 7, 1),
    "last": date(2026, 7, 31),
    "scope": "programme",
    "meetings": 12,
}


class Recording:
    def __init__(self, reader: ServingReader):
        self.reader, self.sql = reader, []

    def query(self, sql, params=()):
        self.sql.append(sql)
        return self.reader.query(sql, params)


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    from pipelines.refresh import refresh

    p = Programme().group("north", "2026-05-01", cadence="weekly").facilitator("north", "kim", "2026-05-01")
    for member in ("ana", "bob"):
        p.join("north", member, "2026-05-01")
    p.meeting("north", "n-1", "2026-06-30", {"ana": "present", "bob": "absent"}, {"ana": 300}, ["ana"])
    p.commit("c-1", "ana", "n-1", "2026-07-06")
    settings = p.store(tmp_path_factory.mktemp("queries"))
    refresh(settings, as_of=AS_OF, full=True, say=lambda _: None)
    reader = ServingReader(settings.serving_path)
    yield reader
    reader.close()


QUERIES = every_query()


def test_there_are_queries_for_every_role():
    assert {declaration(q).role for q in QUERIES.values()} == set(Role)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_query_reads_only_tables_its_role_may_read(name):
    declared = declaration(QUERIES[name])
    tables = published()
    assert declared.tables, f"{name} declares no table"
    for table in declared.tables:
        assert table in tables, f"{name} reads {table}, which is not published"
        if declared.role is Role.SYSTEM:
            # the product's own look-ups hand each row to the member it is about, or keep it to itself
            assert tables[table].readers.get("member") in ("all", "member_id"), (name, table)
            continue
        scope = tables[table].readers.get(declared.role.value)
        assert scope is not None, f"{name} is for {declared.role}, whom {table} does not list in its readers"
        assert scope in SCOPE_COLUMNS[declared.scope], f"{name}: {table} scopes {declared.role} by {scope}"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_sql_a_query_runs_reads_the_tables_it_declares(name, serving):
    query = QUERIES[name]
    parameters = list(inspect.signature(query).parameters)[1:]
    recording = Recording(serving)
    query(recording, *(ARGUMENTS[p] for p in parameters if p in ARGUMENTS))
    ran = " ".join(recording.sql)
    # the tables after FROM and JOIN, less the query's own CTEs and table functions
    read = set(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", ran, flags=re.IGNORECASE)) - {"unnest", "recent"}
    assert read == set(declaration(query).tables), name
