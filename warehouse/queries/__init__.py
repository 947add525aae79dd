"""The one way a screen reads figures: the queries of the serving file, one module per role.

The dashboards' pages and the emails (notifications/) show the same figures because they call the same
functions here; a screen that an email repeats ("Before the next meeting" and the briefing) is one
function returning one dataclass, which the page renders and the email renders again with names and
texts added.

Each function takes a `Reader` (a `warehouse.db.ServingReader`, or the dashboards' cached one) first, and
declares once, with `@reads`, who may ask, how its rows are scoped, and which published tables it reads:

- `Role.LEAD`, `Role.ADMIN`: the whole programme (no scoping argument);
- `Role.FACILITATOR`: `Scope.GROUP` (the first argument is a group id) or `Scope.GROUPS` (a sequence of
  them): the viewer must facilitate each;
- `Role.MEMBER`: `Scope.MEMBER`, the first argument is the member's own id;
- `Role.SYSTEM`: the product's own runs, never a viewer: the sender (who sends each row only to the
  person it is about), and the look-ups that work out a viewer's roles before there is a viewer.

The dashboards' `ask(viewer, query, *args)` enforces the declaration; a test checks each declaration
against the tables' own `readers:` (warehouse/*/<table>.sql), and the SQL against the tables declared.
Figures are computed in the models: here SQL only selects, filters, joins and orders.

Modules: `facilitator`, `lead`, `member`, `admin`, `identity`; `pages` names the dashboards' pages, for the
router and for the links in emails.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

import polars as pl


class Reader(Protocol):
    def query(self, sql: str, params: Sequence[object] = ()) -> pl.DataFrame: ...


class Role(StrEnum):
    LEAD = "lead"
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    MEMBER = "member"
    SYSTEM = "system"


class Scope(StrEnum):
    PROGRAMME = "programme"  # every row the role may read; no scoping argument
    GROUP = "group"  # the first argument is a group id
    GROUPS = "groups"  # the first argument is a sequence of group ids
    MEMBER = "member"  # the first argument is a member id
    EVERYONE = "everyone"  # every member's rows, each for that member only (Role.SYSTEM)


# The `readers:` scope column a table must declare for a role's query of each scope (warehouse.models)
SCOPE_COLUMNS = {
    Scope.PROGRAMME: ("all",),
    Scope.GROUP: ("all", "group_id"),
    Scope.GROUPS: ("all", "group_id"),
    Scope.MEMBER: ("all", "member_id"),
    Scope.EVERYONE: ("all", "member_id"),
}


@dataclass(frozen=True)
class Declaration:
    role: Role
    scope: Scope
    tables: tuple[str, ...]


Q = TypeVar("Q", bound=Callable)
DECLARED: dict[str, Callable] = {}  # "module.function" -> every declared query


def reads(role: Role, *tables: str, scope: Scope = Scope.PROGRAMME) -> Callable[[Q], Q]:
    """Declare who may ask a query, how its rows are scoped, and the published tables it reads."""
    if role is Role.FACILITATOR and scope not in (Scope.GROUP, Scope.GROUPS):
        raise ValueError("a facilitator's query is scoped to a group or to groups")
    if role is Role.MEMBER and scope is not Scope.MEMBER:
        raise ValueError("a member's query is scoped to the member")

    def declare(query: Q) -> Q:
        query.declaration = Declaration(role, scope, tables)  # type: ignore[attr-defined]
        DECLARED[f"{query.__module__.rsplit('.', 1)[-1]}.{query.__name__}"] = query
        return query

    return declare


def declaration(query: Callable) -> Declaration:
    found = getattr(query, "declaration", None)
    if not isinstance(found, Declaration):
        raise TypeError(f"{query.__name__} is not a declared query (warehouse.queries.reads)")
    return found


def every_query() -> dict[str, Callable]:
    """Every declared query, by "module.function"."""
    from warehouse.queries import admin, facilitator, identity, lead, member  # noqa: F401  (they declare)

    return dict(DECLARED)
