"""The readers every session shares live outside Streamlit's caches (issue 21, defect 4): clearing them,
as Streamlit's `clear_cache` message did for any websocket, neither closes nor replaces a reader another
session may be in the middle of using. Only `process_wide.close_all()` (the tests', between stores) does."""

from __future__ import annotations

import streamlit as st

from dashboards import process_wide
from dashboards.data import serving


def test_clearing_streamlits_caches_leaves_the_shared_readers_open(tmp_path):
    path = str(tmp_path / "serving.duckdb")
    reader = serving._reader(path)
    closed = []
    reader.close = lambda: closed.append(True)  # what Streamlit's on_release called, when it held them
    st.cache_resource.clear()
    st.cache_data.clear()
    assert serving._reader(path) is reader
    assert closed == []
    process_wide.close_all()
    assert closed == [True]
    assert serving._reader(path) is not reader


def test_one_object_per_argument_made_once_even_when_asked_at_once():
    from concurrent.futures import ThreadPoolExecutor

    made = []

    @process_wide.shared(close=lambda _: None)
    def thing(key: str) -> object:
        made.append(key)
        return object()

    with ThreadPoolExecutor(8) as pool:
        found = set(map(id, pool.map(thing, ["a"] * 64)))
    assert len(found) == 1 and made == ["a"]
    assert thing("b") is not thing("a")
    process_wide.close_all()
