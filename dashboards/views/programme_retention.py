"""Programme lead: how long members stay, by the quarter they joined, and how well the dropout-risk
score foresees who leaves."""

import polars as pl
import streamlit as st

from dashboards import charts, people, ui
from dashboards.data import lead
from dashboards.identity import require_viewer
from warehouse import formatting as fmt

viewer = require_viewer()
st.title("Retention and dropout risk")
ui.published_caption()

st.subheader("How long members stay")
group_ids = lead.all_groups(viewer)["group_id"].to_list()
names = people.group_names(viewer, group_ids)
scope = st.selectbox(
    "Scope", ["programme", *group_ids], format_func=lambda s: "Whole programme" if s == "programme" else names.get(s, s)
)
curve = lead.retention(viewer, scope)
if curve.is_empty():
    ui.empty("No membership has started yet in this scope, so there is no retention curve.")
else:
    everyone = curve.filter(pl.col("cohort") == "all")
    tiles = st.columns(3)
    for tile, month in zip(tiles, (3, 6, 12), strict=True):
        at = everyone.filter(pl.col("month") == month)
        value = fmt.percent(at["survival"][0]) if not at.is_empty() else fmt.NO_DATA
        ui.metric(tile, ui.md("Still a member after {n} months", n=month), value, border=True)
    st.altair_chart(charts.retention_curves(curve), width="stretch")
    st.caption(
        "Kaplan–Meier estimate: members who left for a reason other than dropping out (moved, graduated, group "
        "closed) and members still active count until they left or until today, not as dropouts."
    )

st.subheader("Does the dropout-risk score see it coming?")
backtest, weights = lead.dropout_backtest(viewer), lead.dropout_weights(viewer)
if backtest.is_empty():
    ui.empty(
        "The dropout-risk backtest has not been run yet: it needs past meetings and some dropouts to score against."
    )
else:
    result = backtest.row(0, named=True)
    auc = result.get("auc")
    shown = fmt.NO_DATA if auc is None else f"{auc:.2f}"
    left, right = st.columns(2, gap="large")
    with left:
        ui.metric(
            st,
            "Backtest ROC AUC",
            shown,
            border=True,
            help="For every member at every past meeting, the score then against whether they dropped out "
            "within 90 days. 0.5 is guessing, 1.0 is perfect.",
        )
        if auc is not None:
            st.markdown(
                ui.md(
                    "Picking one member who dropped out within 90 days and one who did not, the score ranked the "
                    "leaver higher **{share}** of the time.",
                    share=fmt.percent(auc),
                )
            )
    with right:
        if not weights.is_empty():
            frame = weights.select(
                pl.col("reason").str.replace_all("_", " ").alias("signal"), pl.col("weight").cast(pl.Float64)
            )
            st.caption("Weights in use: each signal that fires adds its weight to a member's score (capped at 1).")
            st.altair_chart(charts.dropout_weights(frame), width="stretch")
