"""Programme lead: is attendance and follow-through getting better or worse, and how many groups are slipping."""

import polars as pl
import streamlit as st

from dashboards import charts, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from warehouse import formatting as fmt
from warehouse.queries import lead

viewer = require_viewer()
st.title("Attendance and follow-through")
ui.published_caption()

trends = ask(viewer, lead.programme_trends).with_columns(pl.col("figure").replace_strict(fmt.FIGURES))
if trends.is_empty():
    ui.empty("No group has held a meeting yet, so there is no trend to show.")
    st.stop()

latest_month = trends["month"].max()
tiles = st.columns(2)
for tile, figure in zip(tiles, fmt.FIGURES.values(), strict=True):
    rows = trends.filter(pl.col("figure") == figure).sort("month")
    if rows.is_empty():
        ui.metric(tile, ui.md("{figure}, median group", figure=figure), fmt.NO_DATA, border=True)
        continue
    last = rows.row(-1, named=True)
    previous = rows.row(-2, named=True) if rows.height > 1 else None
    before = None if previous is None else f"{fmt.percent(previous['median'])} in {fmt.month(previous['month'])}"
    ui.metric(
        tile,
        ui.md("{figure}, median group ({month})", figure=figure, month=fmt.month(last["month"])),
        fmt.percent(last["median"]),
        before,
        delta_color="off",
        delta_arrow="off",
        border=True,
    )

st.subheader("Month by month")
st.caption("The line is the median group; the band holds the middle half of the groups that month.")
st.altair_chart(charts.programme_trend(trends), width="stretch")
st.caption(
    "Attendance: attendees over roster size at the month's meetings. Follow-through: of the commitments falling "
    "due that month, the share done (partly done counts half; one still open counts as not done)."
)

st.subheader("Groups by health tier")
st.altair_chart(charts.tier_mix(ask(viewer, lead.tier_mix)), width="stretch")
st.caption(
    ui.md(
        "Latest month: {month}. A group counts in a month when it held a meeting in it.", month=fmt.month(latest_month)
    )
)
