"""Programme lead: how long members stay, by the quarter they joined, and what the dropout warning is
worth: measured on the programme's own held-out history when it has enough, beside simple baselines,
claiming no more than the evaluation shows."""

import polars as pl
import streamlit as st

from dashboards import charts, people, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from warehouse import formatting as fmt
from warehouse.queries import lead

viewer = require_viewer()
st.title("Retention and dropout risk")
ui.published_caption()

st.subheader("How long members stay")
group_ids = ask(viewer, lead.all_groups)["group_id"].to_list()
names = people.group_names(viewer, group_ids)
scope = st.selectbox(
    "Scope", ["programme", *group_ids], format_func=lambda s: "Whole programme" if s == "programme" else names.get(s, s)
)
curve = ask(viewer, lead.retention, scope)
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

st.subheader("Does the dropout warning see it coming?")
evaluation = ask(viewer, lead.dropout_evaluation)
own = evaluation.filter((pl.col("source") == "programme") & (pl.col("cadence") == "all"))
if own.is_empty():
    ui.empty("The dropout warning has not been evaluated yet: run `peerpulse materialize`.")
    st.stop()
in_use = own.filter("in_use").row(0, named=True)
levels = ask(viewer, lead.dropout_levels)
medium = levels.filter(pl.col("level") == "medium").row(0, named=True)
high = levels.filter(pl.col("level") == "high").row(0, named=True)

if in_use["enough_history"]:
    st.markdown(
        ui.md(
            "Measured on the last year of this programme's own history, which the scores were not fitted on: "
            "**{spells}** membership spells, **{dropouts}** of which dropped out. A warning counts only if it "
            "came 30 days or more before the member left, and before they had missed 3 meetings in a row; "
            "members who were removed are kept apart ({removals}).",
            spells=in_use["spells"],
            dropouts=in_use["dropouts"],
            removals=in_use["removals"],
        )
    )
    score = own.filter(pl.col("model") == "dropout_model").row(0, named=True)
    baseline = own.filter(pl.col("model") == score["compared_with"]).row(0, named=True)
    tiles = st.columns(4)
    ui.metric(
        tiles[0],
        "The fitted score, ROC AUC",
        fmt.auc(score["auc"]),
        fmt.interval(score["auc_low"], score["auc_high"]),
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="The chance it ranked a member who went on to drop out above one who stayed; 0.5 is guessing. "
        "Below it, the 95% interval (a bootstrap over groups).",
    )
    ui.metric(
        tiles[1],
        ui.md("Best baseline: {name}", name=fmt.model(baseline["model"]).lower()),
        fmt.auc(baseline["auc"]),
        fmt.interval(baseline["auc_low"], baseline["auc_high"]),
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    ui.metric(
        tiles[2],
        "Dropouts warned in time",
        fmt.percent(in_use["recall_30d"]),
        border=True,
        help="Of the year's dropouts, the share on the check-in list (medium or high) at a meeting 30 to "
        "120 days before they left, by the score in use.",
    )
    ui.metric(
        tiles[3],
        "Check-ins a facilitator-month",
        fmt.ratio_plain(in_use["alerts_per_facilitator_month"]),
        border=True,
        help="Members put on the check-in list in a month, per facilitator, by the score in use.",
    )
    if score["in_use"]:
        better = score["auc_gain_low"] is not None and score["auc_gain_low"] > 0
        st.markdown(
            ui.md(
                "The check-in list uses **the fitted score**: on this history it ranked leavers above stayers "
                "{verdict} the best simple baseline, {baseline} (AUC {gain}, 95% interval {interval}).",
                verdict="clearly better than" if better else "about as well as (not clearly better than)",
                baseline=fmt.model(baseline["model"]).lower(),
                gain=f"{score['auc_gain']:+.2f}",
                interval=fmt.interval(score["auc_gain_low"], score["auc_gain_high"], signed=True),
            )
        )
    else:
        st.markdown(
            ui.md(
                "The fitted score did no better than **{baseline}** on this history (AUC {gain}, 95% "
                "interval {interval}), so the check-in list uses that baseline instead, made a probability on "
                "the same history.",
                baseline=fmt.model(in_use["model"]).lower(),
                gain=fmt.NO_DATA if score["auc_gain"] is None else f"{score['auc_gain']:+.2f}",
                interval=fmt.interval(score["auc_gain_low"], score["auc_gain_high"], signed=True),
            )
        )
    shown = evaluation.filter(pl.col("source") == "programme")
else:
    st.info(
        ui.md(
            "This programme's history is still too short to measure a dropout warning on: {dropouts} dropouts in "
            "the last year, where 30 are needed (and 50 before it, to fit a score on). Until there are, a member is "
            "on the check-in list when they missed half or more of their last 6 meetings, and nothing is "
            "claimed here of how well that foresees dropouts in this programme.",
            dropouts=in_use["dropouts"],
        ),
        icon="ℹ️",
    )
    st.markdown(
        "What the method did on **synthetic programmes**, where the truth is known (held-out programmes, "
        "docs/metrics.md): a test of the method, not of your members. Your programme could be anywhere in "
        "this range."
    )
    shown = evaluation.filter(pl.col("source").str.starts_with("synthetic_"))

sources = [source for source in fmt.SOURCES if source in set(shown["source"])]  # strongest signal first
if sources:
    shown = pl.concat([shown.filter(pl.col("source") == source) for source in sources], how="vertical")
for source in sources:
    pooled = shown.filter((pl.col("source") == source) & (pl.col("cadence") == "all") & pl.col("auc").is_not_null())
    if pooled.is_empty():
        continue
    st.caption(ui.md("On {source}: each score's ROC AUC and its 95% interval.", source=fmt.SOURCES.get(source, source)))
    st.altair_chart(
        charts.evaluation_intervals(pooled.with_columns(pl.col("model").replace_strict(fmt.MODELS, default=None))),
        width="stretch",
    )

table = shown.filter(pl.col("cadence") == "all") if in_use["enough_history"] else shown
st.dataframe(
    ui.table(
        table,
        pl.col("source").replace_strict(fmt.SOURCES, default=None).alias("Evidence from"),
        pl.col("model").replace_strict(fmt.MODELS, default=None).alias("Score"),
        pl.col("cadence").replace_strict(fmt.CADENCES, default=None).alias("Groups"),
        ui.shown("auc", fmt.auc, "ROC AUC"),
        ui.shown(("auc_low", "auc_high"), fmt.interval, "95% interval"),
        ui.shown("recall_30d", fmt.percent, "Dropouts warned in time"),
        ui.shown("alerts_per_facilitator_month", fmt.ratio_plain, "Check-ins a facilitator-month"),
        pl.col("dropouts").alias("Dropouts"),
        pl.when(pl.col("in_use")).then(pl.lit("✓")).otherwise(pl.lit("")).alias("In use"),
    ),
    hide_index=True,
)
if in_use["enough_history"]:
    with st.expander("By cadence"):
        st.dataframe(
            ui.table(
                evaluation.filter((pl.col("source") == "programme") & (pl.col("cadence") != "all")),
                pl.col("cadence").replace_strict(fmt.CADENCES, default=None).alias("Groups"),
                pl.col("model").replace_strict(fmt.MODELS, default=None).alias("Score"),
                ui.shown("auc", fmt.auc, "ROC AUC"),
                ui.shown(("auc_low", "auc_high"), fmt.interval, "95% interval"),
                ui.shown("recall_30d", fmt.percent, "Dropouts warned in time"),
                pl.col("dropouts").alias("Dropouts"),
            ),
            hide_index=True,
        )

st.subheader("What the check-in list weighs")
terms = ask(viewer, lead.dropout_model).filter(pl.col("term") != "intercept")
if terms.row(0, named=True)["calibrated"]:
    st.caption(
        ui.md(
            "The score in use, refitted on this programme's history once a day: a probability of dropping "
            "out within 90 days. Medium from {medium}, high from {high}.",
            medium=fmt.percent(medium["min_probability"]),
            high=fmt.percent(high["min_probability"]),
        )
    )
    st.altair_chart(
        charts.model_terms(terms.with_columns(pl.col("term").replace_strict(fmt.TERMS, default=None).alias("figure"))),
        width="stretch",
    )
else:
    st.caption(
        ui.md(
            "The share of their last 6 meetings a member missed: medium from {medium}, high from {high}. No "
            "probability: there is not yet the history to calibrate one.",
            medium=fmt.percent(medium["min_absence_rate"]),
            high=fmt.percent(high["min_absence_rate"]),
        )
    )
