"""The serving file as the pages read it, and the one shape every query takes.

- Results are cached by the arguments a query runs with *and* by the serving file's identity
  (`warehouse.db.file_identity`), so a new publication by `peerpulse materialize` is read on the next page
  load, without a restart.
- `published_position()` says which events the figures include (the log position of the last one), so a
  page that has just saved events can tell its viewer when they are in the figures.
- `ask(viewer, query, *args)` is that shape, for every query of `warehouse.queries`: the query's own
  declaration (`@reads`) refuses what the viewer may not see; only the arguments reach the query and its
  cache key, never the viewer, so no viewer can be served rows cached for another.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl
import streamlit as st

from dashboards.process_wide import shared
from dashboards.viewer import NotEntitled, Viewer
from domain.config import Settings
from warehouse.db import ServingReader, file_identity
from warehouse.queries import Declaration, Role, Scope, declaration, every_query

CACHE = {"show_spinner": False, "max_entries": 2000, "ttl": 3600}


class NothingPublished(Exception):
    """There is no serving file yet: `peerpulse materialize` has not run."""


class WarehouseIncomplete(Exception):
    """The serving file lacks a table or column the dashboards read: it predates this version."""


@dataclass(frozen=True)
class Publication:
    key: str  # changes with every publication (warehouse.db.file_identity): part of every cache key
    published_at: datetime


def serving_path() -> Path:
    return Settings.from_env().serving_path


def publication() -> Publication | None:
    path = serving_path()
    try:
        identity = file_identity(path)
        published_at = datetime.fromtimestamp(os.stat(path).st_mtime)
    except FileNotFoundError:
        return None
    return Publication(":".join(map(str, identity)), published_at)


def current() -> str:
    found = publication()
    if found is None:
        raise NothingPublished("nothing has been published yet: run `peerpulse materialize`")
    return found.key


def published_position() -> int | None:
    """The position in the event log of the last event the published figures include
    (`publication_state.last_position`), or None before the first publication. Cheap: one stat of the
    serving file, and one query per publication (cached by it)."""
    found = publication()
    return None if found is None else _position(found.key)


@st.cache_data(**CACHE)
def _position(publication_key: str) -> int | None:
    try:
        frame = query("SELECT last_position FROM publication_state")
    except (NothingPublished, WarehouseIncomplete):  # gone since, or published by an older version
        return None
    return int(frame["last_position"][0]) if frame.height else None


@shared(close=lambda reader: reader.close())  # not st.cache_resource: no Streamlit message can close it (process_wide)
def _reader(path: str) -> ServingReader:
    return ServingReader(Path(path))


def query(sql: str, *params: object) -> pl.DataFrame:
    reader = _reader(str(serving_path()))
    try:
        return reader.query(sql, params)
    except FileNotFoundError:
        raise NothingPublished("nothing has been published yet: run `peerpulse materialize`") from None
    except duckdb.CatalogException as e:
        raise WarehouseIncomplete(
            "the serving file lacks a table the dashboards read; run `peerpulse materialize` to rebuild it"
        ) from e


class _Pages:
    """`query` as a `warehouse.queries.Reader`: the queries the pages share with the emails run through it."""

    def query(self, sql: str, params: Sequence[object] = ()) -> pl.DataFrame:
        return query(sql, *params)


PAGES = _Pages()
T = TypeVar("T")


def _entitled(viewer: Viewer, declared: Declaration, args: tuple) -> None:
    """Refuse a viewer the query's declaration does not let ask, with these arguments."""
    if declared.role is Role.LEAD:
        viewer.require_lead()
    elif declared.role is Role.ADMIN:
        viewer.require_admin()
    elif declared.role is Role.FACILITATOR:
        groups = (args[0],) if declared.scope is Scope.GROUP else tuple(args[0])
        for group_id in groups:
            viewer.require_facilitator_of(group_id)
    elif declared.role is Role.MEMBER:
        if args[0] != viewer.require_member():
            raise NotEntitled("a member sees only their own figures")
    else:
        raise NotEntitled("this query is the product's own, never a viewer's")


def ask(viewer: Viewer, query: Callable[..., T], *args: Any) -> T:
    """Run a declared query of `warehouse.queries` for a viewer: its declaration (`@reads`) decides whether
    this viewer may ask it with these arguments; then it runs, or is served from cache, keyed by the
    query, the current publication and the arguments, never by the viewer."""
    declared = declaration(query)
    _entitled(viewer, declared, args)
    return _run(_name(query), current(), *args)


def system(query: Callable[..., T], *args: Any) -> T:
    """Run one of the product's own queries (`Role.SYSTEM`: the look-ups that work out who is signing in),
    cached by publication and arguments."""
    if declaration(query).role is not Role.SYSTEM:
        raise NotEntitled("a viewer's query is asked with `ask`")
    return _run(_name(query), current(), *args)


def _name(query: Callable) -> str:
    return f"{query.__module__.rsplit('.', 1)[-1]}.{query.__name__}"


@st.cache_data(**CACHE)
def _run(name: str, publication: str, *args: Any) -> Any:
    return every_query()[name](PAGES, *args)
