"""Programme lead: every group's health this month, the groups slipping first, and why.

Group names only: never a member's name, a commitment or a note. Dropout risk is counted, not named.
"""

import polars as pl
import streamlit as st

from dashboards import charts, people, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from warehouse import formatting as fmt
from warehouse.queries import lead

ATTENTION = 20  # groups in the component breakdown

viewer = require_viewer()
st.title("Programme portfolio")
ui.published_caption()

groups = ask(viewer, lead.portfolio)
if groups.is_empty():
    ui.empty(
        "No group has a health score yet. A group's health is measured for each month in which it held a "
        "meeting: record a meeting, run `peerpulse materialize`, and it appears here."
    )
    st.stop()

tiers = ask(viewer, lead.health_tiers)
names = people.group_names(viewer, groups["group_id"])
groups = ui.named(groups, names, column="group_id", alias="group")
running = groups.filter(pl.col("active_members") > 0)
closed = groups.height - running.height

tiles = st.columns(len(tiers) + 1)
for tile, tier in zip(tiles, tiers["tier"].to_list(), strict=False):
    ui.metric(tile, ui.md("{tier}", tier=fmt.tier(tier)), running.filter(pl.col("tier") == tier).height, border=True)
ui.metric(tiles[-1], "High dropout risk", int(running["high_risk_members"].sum()), border=True)
check_ins = ask(viewer, lead.check_in_counts)
if not check_ins.is_empty():
    open_now, checked = int(check_ins["open_commitments"].sum()), int(check_ins["checked_in"].sum())
    stuck = int(check_ins["at_risk"].sum() + check_ins["blocked"].sum())
    st.caption(
        ui.md(
            "Between meetings: {checked} of {open} open commitments checked in on in the last 30 days; "
            "{stuck} of those at risk or blocked (counts only).",
            checked=checked,
            open=open_now,
            stuck=stuck,
        )
    )

st.subheader("Groups, those needing attention first")
cuts = ", ".join(  # highest tier first: "healthy ≥ 80, fit ≥ 65, at risk ≥ 50"
    f"{fmt.tier(tier).split(' ', 1)[-1].lower()} ≥ {score:g}"
    for tier, score in reversed(list(zip(tiers["tier"], tiers["min_score"], strict=True)))
    if score > 0
)
st.caption(
    ui.md(
        "Each group's latest month with a meeting. Health is 0–100: {cuts}, high risk below. Dropout risk is counted "
        "in members, never named.{closed}",
        cuts=cuts,
        closed=f" {fmt.count(closed, 'group')} with no active members left {'is' if closed == 1 else 'are'} not shown."
        if closed
        else "",
    )
)
table = ui.table(
    running,
    pl.col("group").alias("Group"),
    ui.shown("tier", fmt.tier, "Tier"),
    pl.col("health_score").alias("Health"),
    pl.col("health_trend").alias("Last 12 months"),
    ui.shown("attendance_rate", fmt.percent, "Attendance"),
    ui.shown("follow_through_rate", fmt.percent, "Follow-through"),
    ui.shown("airtime_gini", fmt.gini, "Airtime Gini"),
    ui.shown("retention_12m", fmt.percent, "12-month retention"),
    ui.shown("avg_rating", fmt.rating, "Rating"),
    pl.col("high_risk_members").alias("High dropout risk"),
    pl.col("medium_risk_members").alias("Medium dropout risk"),
    ui.shown("month", fmt.month, "Month"),
)
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "Health": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f"),
        "Last 12 months": st.column_config.LineChartColumn(y_min=0, y_max=100, help="Health score, month by month"),
        "Airtime Gini": st.column_config.TextColumn(help="0 = everyone speaks equally; higher = a few dominate"),
        "High dropout risk": st.column_config.NumberColumn(help="Members at high dropout risk (a count, never names)"),
        "Medium dropout risk": st.column_config.NumberColumn(
            help="Members at medium dropout risk (a count, never names)"
        ),
    },
)

with st.expander("What the health score is worth: how well it foretold later losses"):
    validation = ask(viewer, lead.health_validation)
    own = validation.filter(pl.col("source") == "programme")
    enough = own["enough_history"].any()
    evidence = own if enough else validation.filter(pl.col("source") == "synthetic_weak")
    if enough:
        st.caption(
            "On this programme's own history: for each group and month whose next six months have passed, did "
            "the group lose 2 or more members (dropped out or removed) in those six months?"
        )
    else:
        st.caption(
            ui.md(
                "This programme's history is too short to check the health score against later losses ({n} "
                "group-months followed by 2 or more; 30 are needed). Below, synthetic programmes where some "
                "leavers fade a little first (docs/metrics.md): a test of the method, not of your groups.",
                n=own.filter(pl.col("kind") == "score")["with_losses"].sum(),
            )
        )
    figures = evidence.filter(pl.col("kind") != "tier")
    st.dataframe(
        ui.table(
            figures,
            pl.col("figure").replace_strict(fmt.HEALTH_FIGURES, default=None).alias("Figure"),
            ui.shown("weight", fmt.percent, "Weight in the score"),
            ui.shown("auc", fmt.auc, "ROC AUC (0.5 is guessing)"),
            ui.shown(("auc_low", "auc_high"), fmt.interval, "95% interval"),
        ),
        hide_index=True,
    )
    by_tier = evidence.filter(pl.col("kind") == "tier")
    st.dataframe(
        ui.table(
            by_tier,
            ui.shown("figure", fmt.tier, "Tier"),
            ui.shown("loss_rate", fmt.percent, "Lost 2 or more in the next six months"),
            ui.shown(
                ("loss_rate_low", "loss_rate_high"),
                lambda low, high: f"{fmt.percent(low)}–{fmt.percent(high)}",
                "95% interval",
            ),
            pl.col("group_months").alias("Group-months"),
        ),
        hide_index=True,
    )

st.subheader("What makes up their health")
attention = running.head(ATTENTION)
if running.height > ATTENTION:
    st.caption(
        ui.md(
            "The {n} groups needing attention most, each component 0–100 (the weight the score gives each is in "
            '"What the health score is worth" above).',
            n=ATTENTION,
        )
    )
components = ask(viewer, lead.health_components, tuple(attention["group_id"]))
latest = components.join(attention.select("group_id", "month", "group"), on=["group_id", "month"])
st.altair_chart(charts.component_heatmap(latest, attention["group"].to_list()), width="stretch")

st.subheader("One group over time")
group_id = st.selectbox("Group", running["group_id"].to_list() or groups["group_id"].to_list(), format_func=names.get)
st.altair_chart(charts.health_trend(ask(viewer, lead.health_components, (group_id,)), tiers), width="stretch")
