"""The queries of the serving file that more than one reader needs: the dashboards' pages and the
emails (notifications/) show the same figures because they run the same SQL.

Each function takes a `Reader` (a `warehouse.db.ServingReader`, or the dashboards' cached one) and the
ids it is scoped to; who may ask is the caller's to check (the dashboards' entitlements, the sender's
recipients). Figures are computed in the models: here SQL only selects, filters, joins and orders.

- `facilitator`: what one group's facilitator prepares a meeting with;
- `lead`: the programme's groups, tiers, risk counts and retention (never a person);
- `member`: members' own commitments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import polars as pl


class Reader(Protocol):
    def query(self, sql: str, params: Sequence[object] = ()) -> pl.DataFrame: ...
