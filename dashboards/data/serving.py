"""The serving file as the pages read it, and the one shape every query takes.

- Results are cached by the arguments a query runs with *and* by the serving file's identity
  (`warehouse.db.file_identity`), so a new publication by `peerpulse materialize` is read on the next page
  load, without a restart.
- `published_position()` says which events the figures include (the log position of the last one), so a
  page that has just saved events can tell its viewer when they are in the figures.
- `figures(entitlement)` is that shape: the entitlement refuses what the viewer may not see and turns the
  viewer into the ids they may see; only those ids reach the query and its cache key, never the viewer,
  so no viewer can be served rows cached for another.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from dashboards.viewer import Viewer
from domain.config import Settings
from warehouse.db import ServingReader, file_identity

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


@st.cache_resource(show_spinner=False, on_release=ServingReader.close)
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


# -- entitlements: (viewer, *arguments) -> the arguments the query runs with --------------------------
Entitlement = Callable[..., tuple]


def programme_lead(viewer: Viewer, *args: Any) -> tuple:
    viewer.require_lead()
    return args


def programme_admin(viewer: Viewer, *args: Any) -> tuple:
    viewer.require_admin()
    return args


def facilitator_of_group(viewer: Viewer, group_id: str, *args: Any) -> tuple:
    viewer.require_facilitator_of(group_id)
    return (group_id, *args)


def groups_facilitated(viewer: Viewer, *args: Any) -> tuple:
    return (tuple(viewer.facilitates), *args)


def oneself(viewer: Viewer, *args: Any) -> tuple:
    return (viewer.require_member(), *args)


def figures(entitlement: Entitlement) -> Callable[[Callable[..., pl.DataFrame]], Callable[..., pl.DataFrame]]:
    """Make `run(publication, *arguments)` a query for a viewer: `query(viewer, *args)` checks the
    entitlement, then runs (or serves from cache) `run` with the current publication and the arguments
    the entitlement returned."""

    def decorate(run: Callable[..., pl.DataFrame]) -> Callable[..., pl.DataFrame]:
        cached = st.cache_data(**CACHE)(run)

        def for_viewer(viewer: Viewer, *args: Any) -> pl.DataFrame:
            return cached(current(), *entitlement(viewer, *args))

        for_viewer.__name__, for_viewer.__qualname__, for_viewer.__doc__ = run.__name__, run.__qualname__, run.__doc__
        for_viewer.clear = cached.clear  # type: ignore[attr-defined]
        return for_viewer

    return decorate
