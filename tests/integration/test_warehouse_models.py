"""The models' declarations (warehouse/models.py): every header matches the table its SQL builds, what
each model reads is derived from its SQL, a wrong header is an error naming its file, the checks name
the rows that break them, and the README's table sections are generated from the headers."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from warehouse import checks, db, docs
from warehouse.incremental import refresh_models
from warehouse.models import ModelError, fact_tables, load, models, published


@pytest.fixture(scope="module")
def empty_warehouse(tmp_path_factory):
    """Every model built on no events: the tables exist with their columns, and no rows."""
    con = db.connect(tmp_path_factory.mktemp("empty") / "warehouse.duckdb")
    assert not refresh_models(con, date(2026, 6, 30), full=True).failed
    yield con
    con.close()


def test_every_header_declares_exactly_the_columns_its_table_has(empty_warehouse):
    for name, model in models().items():
        built = [(r[0], r[1]) for r in empty_warehouse.execute(f"DESCRIBE {name}").fetchall()]
        assert built == [(c.name, c.type) for c in model.columns], model.file


def test_what_each_model_reads_is_derived_from_its_sql():
    found = models()
    assert found["meeting_summary"].depends_on == ("meeting_airtime", "meeting_attendance", "meetings")
    assert found["meetings"].facts == ("fact_meeting_held",) and found["meetings"].depends_on == ()
    assert found["health_tiers"].depends_on == () and found["health_tiers"].facts == ()  # constants
    assert found["dropout_model"].kind == "python" and "dropout_evaluation" in found["dropout_model"].depends_on
    order = list(found)
    for name, model in found.items():
        assert all(order.index(read) < order.index(name) for read in model.depends_on), name
    assert [m.layer for m in found.values()][:9] == ["staging"] * 9  # staging first


def test_a_published_tables_readers_say_who_may_read_which_rows():
    airtime = published()["meeting_airtime"]
    assert dict(airtime.readers) == {"facilitator": "group_id", "member": "member_id"}
    assert airtime.scope("member") == "member_id" and airtime.scope("lead") is None
    assert published()["group_health"].scope("lead") == "all"
    assert all(m.readers == {} for m in models().values() if not m.published)


def test_the_readme_is_generated_from_the_headers():
    text = docs.README.read_text()
    assert docs.render(text) == text, "warehouse/README.md is stale: run `python -m warehouse.docs`"
    for model in models().values():
        assert f"### `{model.name}` — {model.grain}" in text
    assert docs.main(["--check"]) == 0
    stale = text.replace("| the meeting recorded `speaking_seconds` |", "| whatever it was |")
    assert stale != text and docs.render(stale) == text  # the generated sections are rewritten, the prose kept


def test_a_failed_check_names_the_offending_rows_by_key(empty_warehouse):
    con = empty_warehouse
    con.execute(
        "INSERT INTO meeting_attendance VALUES ('g1', 'm1', DATE '2026-01-05', 'ghost', 'present', true, false),"
        " ('g1', 'm1', DATE '2026-01-05', 'ghost', 'lost', true, false)"
    )
    try:
        model = models()["meeting_attendance"]
        outcomes = {o.check.name: o for o in checks.run_together(con, [(model, check, None) for check in model.checks])}
        reference = outcomes["member_id_references_exist"]
        assert (reference.passed, reference.offending_rows) == (False, 2)
        assert reference.sample[0] == {"meeting_id": "m1", "member_id": "ghost"}
        assert "fact_member_registered.member_id" in reference.what_to_do
        assert outcomes["status_accepted_values"].sample == [
            {"meeting_id": "m1", "member_id": "ghost", "status": "lost"}
        ]
        assert outcomes["key_is_unique"].sample == [{"meeting_id": "m1", "member_id": "ghost", "rows": 2}]
        assert outcomes["attended_not_null"].passed
    finally:
        con.execute("DELETE FROM meeting_attendance")


# -- a wrong header is an error naming its file ----------------------------------------------------------

GOOD = """/*
description: the groups
grain: one row per group
published: {published}
{readers}key: [group_id]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null]
*/
SELECT group_id FROM {reads}
"""


def write(root: Path, layer: str, name: str, text: str) -> None:
    (root / layer).mkdir(parents=True, exist_ok=True)
    (root / layer / f"{name}.sql").write_text(text)


def model_file(reads: str = "fact_group_formed", published: bool = False, readers: str = "") -> str:
    return GOOD.format(reads=reads, published=str(published).lower(), readers=readers)


def test_a_good_set_of_models_loads(tmp_path):
    write(tmp_path, "staging", "formed", model_file())
    write(tmp_path, "marts", "shown", model_file("formed", published=True, readers="readers: {lead: all}\n"))
    found = load(tmp_path)
    assert list(found) == ["formed", "shown"]
    assert found["shown"].depends_on == ("formed",) and found["formed"].facts == ("fact_group_formed",)


@pytest.mark.parametrize(
    "layer, text, message",
    [
        ("marts", model_file("formed").replace("grain:", "grian:"), "unknown key grian in the header"),
        (
            "marts",
            model_file("formed").replace("    checks: [not_null]", "    checks: [not_null]\n    units: none"),
            "unknown key units in column group_id",
        ),
        (
            "marts",
            model_file("formed").replace("    checks: [not_null]", "    checks: [unique]"),
            "unknown check 'unique'",
        ),
        (
            "marts",
            model_file("formed").replace("    checks: [not_null]", "    checks: [{range: [0, 1]}]"),
            "a range check needs a number",
        ),
        (
            "marts",
            model_file("formed").replace("key: [group_id]", "key: [member_id]"),
            "key is a list of the table's columns",
        ),
        (
            "marts",
            model_file("formed").replace("key: [group_id]", "key: [group_id]\nkey: [group_id]"),
            "key given twice",
        ),
        (
            "marts",
            model_file("formed").replace(
                "    checks: [not_null]", "    checks: [{references: fact_group_formed.nope}]"
            ),
            "references fact_group_formed.nope, which has no such column",
        ),
        ("marts", model_file("formed", published=True), "a published table declares its readers"),
        (
            "marts",
            model_file("formed", published=True, readers="readers: {member: member_id}\n"),
            "member is scoped by member_id, which the table does not have",
        ),
        (
            "marts",
            model_file("formed", published=True, readers="readers: {lead: group_id}\n"),
            "lead reads all, not 'group_id'",
        ),
        ("marts", model_file("formed", published=True, readers="readers: {coach: all}\n"), "unknown role 'coach'"),
        ("marts", model_file("nowhere"), "reads nowhere, which is neither a fact table nor a model"),
        ("marts", model_file("fact_meeting_held"), "only staging models read the declared fact tables"),
        ("staging", model_file("formed"), "a staging model reads only fact tables"),
        ("staging", model_file(published=True, readers="readers: {lead: all}\n"), "only marts are published"),
        ("marts", "SELECT 1 AS group_id\n", "starts with its header"),
        (
            "marts",
            model_file("formed").replace("SELECT group_id", "SELEKT group_id"),
            "not one SELECT DuckDB can parse",
        ),
        ("marts", model_file("formed") + "; SELECT 2\n", "holds 2 statements"),
        (
            "marts",
            model_file("formed").replace(
                "SELECT group_id FROM formed", "WITH formed AS (SELECT 1) SELECT * FROM formed"
            ),
            "the CTE formed has the name of a table",
        ),
    ],
)
def test_a_wrong_header_or_sql_is_an_error_naming_its_file(tmp_path, layer, text, message):
    write(tmp_path, "staging", "formed", model_file())
    write(tmp_path, layer, "wrong", text)
    with pytest.raises(ModelError) as raised:
        load(tmp_path)
    assert f"{tmp_path.name}/{layer}/wrong.sql" in str(raised.value)
    assert message in str(raised.value)


def test_a_cycle_is_an_error_naming_its_files(tmp_path):
    write(tmp_path, "marts", "chicken", model_file("egg"))
    write(tmp_path, "marts", "egg", model_file("chicken"))
    with pytest.raises(ModelError, match=r"in a cycle: chicken -> egg -> chicken .*marts/chicken.sql, .*marts/egg.sql"):
        load(tmp_path)


def test_a_built_table_that_differs_from_its_header_is_an_error_naming_its_file(tmp_path):
    write(tmp_path, "staging", "formed", model_file().replace("SELECT group_id", "SELECT group_id, cadence"))
    write(
        tmp_path,
        "marts",
        "shown",
        model_file("formed").replace(
            "    checks: [not_null]\n", "    checks: [not_null]\n  size:\n    type: BIGINT\n    description: its size\n"
        ),
    )
    found = load(tmp_path)
    con = db.connect(tmp_path / "warehouse.duckdb")
    try:
        db.set_as_of(con, date(2026, 6, 30))
        for model in found.values():
            con.execute(f"CREATE TABLE {model.name} AS {model.sql}")
        described = {m: [(r[0], r[1]) for r in con.execute(f"DESCRIBE {m}").fetchall()] for m in found}
    finally:
        con.close()
    assert found["formed"].mismatch(described["formed"]) == (
        f"{tmp_path.name}/staging/formed.sql: the built table has columns the header does not declare: cadence"
    )
    assert found["shown"].mismatch(described["shown"]) == (
        f"{tmp_path.name}/marts/shown.sql: the header declares columns the table does not have: size"
    )
    assert found["shown"].mismatch([("group_id", "BIGINT")]) == (
        f"{tmp_path.name}/marts/shown.sql: the header declares columns the table does not have: size; "
        "group_id is BIGINT, declared VARCHAR"
    )


def test_the_fact_tables_are_what_db_connect_creates():
    facts = fact_tables()
    assert "fact_meeting_held" in facts and "meeting_id" in facts["fact_meeting_held"]
    assert not set(facts) & set(models())


# -- Python models: the same header, `reads:` declared, build(inputs) -> polars ------------------------------

PYTHON = '''"""
description: the groups, counted in Python
grain: one row per group
published: false
key: [group_id]
reads: [{reads}]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null]
  members:
    type: BIGINT
    description: how many
"""

import polars as pl


def build(inputs):
    rows = inputs.query("SELECT group_id FROM {query}")
    return {result}
'''


def python_model(reads: str = "formed", query: str = "formed", result: str = "") -> str:
    result = result or 'rows.with_columns(pl.lit(3, dtype=pl.Int32).alias("members"))'
    return PYTHON.format(reads=reads, query=query, result=result)


def test_a_python_model_loads_builds_and_is_typed_as_declared(tmp_path):
    write(tmp_path, "staging", "formed", model_file())
    (tmp_path / "marts").mkdir()
    (tmp_path / "marts" / "counted.py").write_text(python_model())
    found = load(tmp_path)
    counted = found["counted"]
    assert (counted.kind, counted.depends_on, counted.sql) == ("python", ("formed",), "")
    con = db.connect(tmp_path / "warehouse.duckdb")
    try:
        con.execute(
            "INSERT INTO fact_group_formed (position, stream_id, group_id, cadence, formed_on) "
            "VALUES (1, 's', 'g1', 'monthly', DATE '2026-01-01')"
        )
        built = refresh_models(con, date(2026, 6, 30), full=True, found=found)
        assert (built.models["formed"].rows, built.models["counted"].rows) == (1, 1)
        assert [r[:2] for r in con.execute("DESCRIBE counted").fetchall()] == [
            ("group_id", "VARCHAR"),
            ("members", "BIGINT"),  # cast from polars' Int32 to the declared type
        ]
        assert con.execute("SELECT * FROM counted").fetchall() == [("g1", 3)]
    finally:
        con.close()


@pytest.mark.parametrize(
    "text, message",
    [
        (python_model(query="fact_group_formed"), "reads fact_group_formed, which its header does not declare"),
        (python_model(result="rows"), "build() returns the declared columns ['group_id', 'members'], not ['group_id']"),
    ],
)
def test_a_python_model_reads_only_what_it_declares_and_returns_its_columns(tmp_path, text, message):
    write(tmp_path, "staging", "formed", model_file())
    (tmp_path / "marts").mkdir()
    (tmp_path / "marts" / "counted.py").write_text(text)
    found = load(tmp_path)
    con = db.connect(tmp_path / "warehouse.duckdb")
    try:
        with pytest.raises(ModelError, match=re.escape(message)) as raised:
            refresh_models(con, date(2026, 6, 30), full=True, found=found)
        assert f"{tmp_path.name}/marts/counted.py" in str(raised.value)
        assert con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'counted'"
        ).fetchall() == [(0,)]
    finally:
        con.close()


@pytest.mark.parametrize(
    "layer, name, text, message",
    [
        ("marts", "counted.py", python_model().replace("reads: [formed]\n", ""), "declares what it reads: reads:"),
        (
            "marts",
            "counted.py",
            python_model().replace("def build(inputs)", "def make(inputs)"),
            "defines build(inputs)",
        ),
        ("marts", "counted.py", "def build(inputs):\n    pass\n", "starts with its header, a YAML docstring"),
        ("staging", "counted.py", python_model(), "a Python model is intermediate or marts"),
        ("marts", "counted.py", python_model(reads="nowhere"), "reads nowhere, which is neither"),
        ("marts", "counted.sql", model_file("formed").replace("key:", "reads: [formed]\nkey:"), "reads: is for Python"),
    ],
)
def test_a_wrong_python_model_is_an_error_naming_its_file(tmp_path, layer, name, text, message):
    write(tmp_path, "staging", "formed", model_file())
    (tmp_path / layer).mkdir(exist_ok=True)
    (tmp_path / layer / name).write_text(text)
    with pytest.raises(ModelError) as raised:
        load(tmp_path)
    assert f"{tmp_path.name}/{layer}/{name}" in str(raised.value) and message in str(raised.value)
