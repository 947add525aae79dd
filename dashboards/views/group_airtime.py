"""Facilitator: who speaks how much, meeting by meeting, and whether it is getting more or less equal."""

import polars as pl
import streamlit as st

from dashboards import charts, people, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from warehouse import formatting as fmt
from warehouse.queries import facilitator

viewer = require_viewer()
group, name = ui.choose_group(viewer)
group_id = group["group_id"]

st.title(ui.md("Airtime in {name}", name=name))
ui.published_caption()

airtime = ask(viewer, facilitator.airtime, group_id)
if airtime.is_empty():
    ui.empty(
        ui.md(
            "No meeting of {name} has recorded who spoke for how long. Airtime comes from a Zoom or Teams export "
            "(`peerpulse import-zoom`, `peerpulse import-teams`) or from `speaking_seconds` in an import.",
            name=name,
        )
    )
    st.stop()
meetings = ask(viewer, facilitator.meetings, group_id).filter(pl.col("airtime_gini").is_not_null())
alerts = ask(viewer, facilitator.dominance_alerts, group_id)
names = people.member_names(viewer, group_id, pl.concat([airtime["member_id"], alerts["member_id"]]))
airtime = ui.named(airtime, names)

last = meetings.row(-1, named=True) if meetings.height else None
tiles = st.columns(3)
ui.metric(
    tiles[0],
    "Airtime Gini, last meeting",
    fmt.gini(last and last["airtime_gini"]),
    help="0 = everyone spoke equally; the closer to 1, the more a few people did the talking.",
    border=True,
)
ui.metric(tiles[1], "Top speaker's share, last meeting", fmt.percent(last and last["top_speaker_share"]), border=True)
ui.metric(
    tiles[2], "Dominance alerts, last 3 meetings", alerts.filter(pl.col("recent"))["member_id"].n_unique(), border=True
)

st.subheader("Share of the airtime, meeting by meeting")
st.altair_chart(charts.airtime_shares(airtime), width="stretch")

left, right = st.columns(2)
with left:
    st.subheader("Is it getting more equal?")
    if meetings.is_empty():
        ui.empty("Airtime inequality needs at least two participants who spoke.")
    else:
        st.altair_chart(charts.gini_trend(meetings), width="stretch")
with right:
    st.subheader("Lorenz curve")
    held = airtime.select("meeting_id", "held_on").unique().sort("held_on", descending=True)
    meeting_id = st.selectbox(
        "Meeting",
        held["meeting_id"].to_list(),
        format_func=dict(zip(held["meeting_id"], (fmt.day(d) for d in held["held_on"]), strict=True)).get,
    )
    st.altair_chart(charts.lorenz_curve(airtime.filter(pl.col("meeting_id") == meeting_id)), width="stretch")

st.subheader("Dominance alerts")
st.caption(
    "A member took at least twice a fair share at a meeting, and at 2 of their last 3 airtime meetings at which they "
    "did not present (whoever presents holds the floor, so those meetings are passed over)."
)
if alerts.is_empty():
    ui.empty("No dominance alert in this group's history.")
else:
    st.dataframe(
        ui.table(
            ui.named(alerts, names),
            pl.col("member").alias("Member"),
            ui.shown("held_on", fmt.day, "Meeting"),
            ui.shown("dominance_ratio", fmt.times_fair_share, "Airtime"),
        ),
        hide_index=True,
    )
