"""Small pieces several pages share: the 'as of' line, empty states, choosing one of your groups."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import streamlit as st

from dashboards import data, people
from dashboards import formatting as fmt
from dashboards.viewer import Viewer

CHOSEN_GROUP_KEY = "peerpulse_facilitated_group"


def published_caption() -> None:
    found = data.publication()
    if found is not None:
        st.caption(f"Figures as published {fmt.day(found.published_at)} at {found.published_at:%H:%M}.")


def empty(message: str) -> None:
    st.info(message, icon="ℹ️")


def named(frame: pl.DataFrame, names: Mapping[str, str], column: str = "member_id", alias: str = "member") -> pl.DataFrame:
    return frame.with_columns(pl.col(column).replace_strict(dict(names), default=fmt.NO_DATA).alias(alias))


def choose_group(viewer: Viewer) -> tuple[dict, str]:
    """One of the groups the viewer facilitates, and its name: the one whose meeting comes soonest,
    unless they chose another (the choice carries over between the facilitator's pages)."""
    overviews = data.group_overviews(viewer)
    names = people.group_names(viewer, overviews["group_id"])
    group_ids = overviews["group_id"].to_list()
    chosen = st.session_state.get(CHOSEN_GROUP_KEY)
    if chosen not in group_ids:
        chosen = group_ids[0]
    if len(group_ids) > 1:
        chosen = st.sidebar.selectbox(
            "Group",
            group_ids,
            index=group_ids.index(chosen),
            format_func=lambda g: names.get(g, g),
        )
        st.session_state[CHOSEN_GROUP_KEY] = chosen
    viewer.require_facilitator_of(chosen)
    return overviews.row(group_ids.index(chosen), named=True), names[chosen]


def shown(column: str, formatter, alias: str) -> pl.Expr:
    """A column as people read it (`fmt.percent`, `fmt.day`, ...); a NULL figure reads as a dash."""
    return pl.col(column).map_elements(formatter, return_dtype=pl.String, skip_nulls=False).alias(alias)
