"""Member: my own commitments, how I followed them through, and what is still open. Nobody else's."""

import polars as pl
import streamlit as st

from dashboards import charts, people, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from warehouse import formatting as fmt
from warehouse.queries import member

viewer = require_viewer()
st.title("My commitments")
ui.published_caption()

commitments = ask(viewer, member.commitments, viewer.member_id)
if commitments.is_empty():
    ui.empty(
        "You have not made a commitment yet. When you commit to an action at a meeting, it appears here with its "
        "due date, and how you followed it through once the group has followed it up."
    )
    st.stop()
summary = ask(viewer, member.engagement, viewer.member_id).row(0, named=True)
texts = people.commitment_texts(viewer, commitments["commitment_id"])
groups = people.group_names(viewer, commitments["group_id"])

tiles = st.columns(4)
ui.metric(
    tiles[0],
    "Follow-through",
    fmt.percent(summary["follow_through_rate"]),
    border=True,
    help=ui.md(
        "Over the {counted} followed up or overdue: done counts fully, partly done half, not done, "
        "dropped or overdue nothing.",
        counted=fmt.count(summary["counted"], "commitment"),
    ),
)
ui.metric(tiles[1], "Open", summary["open"], border=True)
ui.metric(tiles[2], "Overdue", summary["overdue"], border=True)
ui.metric(
    tiles[3],
    "Carried forward",
    summary["carried_forward"],
    border=True,
    help="Commitments whose due date was moved at a follow-up, at least once.",
)

commitments = commitments.with_columns(
    pl.col("commitment_id").replace_strict(texts, default=fmt.NO_DATA).alias("text"),
    pl.col("group_id").replace_strict(groups, default=fmt.NO_DATA).alias("group"),
)

st.subheader("Open now")
still_open = commitments.filter(pl.col("status") == "open").sort("due_on")
if still_open.is_empty():
    ui.empty("Nothing open: every commitment you made has been followed up.")
else:
    st.dataframe(
        ui.table(
            still_open,
            pl.col("text").alias("Commitment"),
            ui.shown("due_on", fmt.day, "Due"),
            pl.when(pl.col("overdue")).then(pl.lit("⏰ Overdue")).otherwise(pl.lit("Open")).alias("Status"),
            pl.col("times_carried_forward").alias("Times carried forward"),
            pl.col("group").alias("Group"),
        ),
        hide_index=True,
    )

st.subheader("Timeline")
recent = commitments.head(20)
recent = recent.with_columns(  # formatted here, not by polars: see ui.table
    pl.Series(
        "label",
        [
            None if d is None or t is None else f"{fmt.day(d)} · {t[:60]}"
            for d, t in zip(recent["made_on"], recent["text"], strict=True)
        ],
        dtype=pl.String,
    )
)
shown = "Your commitments" if commitments.height <= recent.height else f"Your last {recent.height} commitments"
st.caption(
    ui.md(
        "{shown}, from the meeting where you made each one to when it was closed; the tick is the due date.",
        shown=shown,
    )
)
st.altair_chart(charts.commitment_timeline(recent), width="stretch")

st.subheader("All my commitments")
st.dataframe(
    ui.table(
        commitments,
        pl.col("text").alias("Commitment"),
        ui.shown("made_on", fmt.day, "Made"),
        ui.shown("due_on", fmt.day, "Due"),
        ui.shown("status", fmt.commitment_status, "Status"),
        ui.shown("closed_on", fmt.day, "Closed"),
        pl.col("times_carried_forward").alias("Times carried forward"),
        pl.col("group").alias("Group"),
    ),
    hide_index=True,
)
