"""Any published table, read as its declaration allows: a figure added to the warehouse reaches a page
with no new query here.

Each published model declares, beside its SQL, which roles may read it and which column scopes their
rows (`readers: {lead: all, facilitator: group_id, member: member_id}`). A page asks for a table as one
of those roles; the table's own declaration decides, and a role it does not name gets nothing.
"""

from __future__ import annotations

import polars as pl

from dashboards.data.serving import figures, query
from dashboards.viewer import NotEntitled, Viewer
from warehouse.models import published


def _scope(table: str, role: str) -> str:
    model = published().get(table)
    column = model.readers.get(role) if model is not None else None
    if column is None:
        raise NotEntitled(f"the published table '{table}' is not for the {role} role")
    return column


def _as_lead(viewer: Viewer, table: str) -> tuple:
    viewer.require_lead()
    return (table, _scope(table, "lead"))


def _as_facilitator(viewer: Viewer, table: str, group_id: str) -> tuple:
    viewer.require_facilitator_of(group_id)
    return (table, _scope(table, "facilitator"), group_id)


def _as_member(viewer: Viewer, table: str) -> tuple:
    return (table, _scope(table, "member"), viewer.require_member())


def _rows(table: str, column: str, value: str | None) -> pl.DataFrame:
    # `table` and `column` come from the warehouse's own declarations, never from the page or the viewer
    if column == "all":
        return query(f"SELECT * FROM {table}")
    return query(f"SELECT * FROM {table} WHERE {column} = ?", value)


@figures(_as_lead)
def for_lead(publication: str, table: str, column: str) -> pl.DataFrame:
    """Every row of a table leads may read."""
    return _rows(table, column, None)


@figures(_as_facilitator)
def for_facilitator(publication: str, table: str, column: str, group_id: str) -> pl.DataFrame:
    """The rows of one of the viewer's groups, in a table facilitators may read."""
    return _rows(table, column, group_id)


@figures(_as_member)
def for_member(publication: str, table: str, column: str, member_id: str) -> pl.DataFrame:
    """The viewer's own rows, in a table members may read."""
    return _rows(table, column, member_id)
