"""Fixtures of the integration tests."""

from __future__ import annotations

from datetime import date

import pytest

from domain.config import Settings
from tests.conftest import build_warehouse
from tests.integration.programmes import Programme


@pytest.fixture
def warehouse(tmp_path):
    """warehouse(programme_or_settings, as_of) -> an open DuckDB connection to the built warehouse."""
    opened = []

    def build(source: Programme | Settings, as_of: str):
        settings = source.store(tmp_path) if isinstance(source, Programme) else source
        for con in opened:  # one connection per warehouse file at a time
            con.close()
        opened.clear()
        con = build_warehouse(settings, date.fromisoformat(as_of))
        opened.append(con)
        return con

    yield build
    for con in opened:
        con.close()
