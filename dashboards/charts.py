"""Chart builders: pure functions from a frame the data module returned to an Altair chart.

They read figures, never compute one. Names are already joined in (a `member` column) where a chart
shows people. Dates are polars Date columns; shares and rates are fractions, shown as percentages.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from warehouse.formatting import ATTENDANCE_STATUSES, COMMITMENT_STATUSES, TIERS

TIER_COLOURS = {"high_risk": "#d7301f", "at_risk": "#fc8d59", "fit": "#91cf60", "healthy": "#1a9850"}
ATTENDANCE_COLOURS = {"present": "#1a9850", "late": "#91cf60", "excused": "#bdbdbd", "absent": "#d7301f"}
COMMITMENT_COLOURS = {
    "open": "#4c78a8",
    "done": "#1a9850",
    "partial": "#91cf60",
    "not_done": "#d7301f",
    "dropped": "#9e9e9e",
}


def _scale(colours: dict[str, str], labels: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=[labels[k] for k in colours], range=list(colours.values()))


def _percent_axis(title: str | None) -> alt.Axis:
    return alt.Axis(format="%", title=title)


# A chart with a row per person or group sizes its plot to the rows; Streamlit would otherwise fit the
# whole chart, axes included, into that height and squeeze the rows.
ROWS_DECIDE_HEIGHT = alt.AutoSizeParams(type="fit-x", contains="padding")
COMPONENTS = ["Health score", "Attendance", "Follow-through", "Airtime balance", "Retention", "Rating"]
COMPONENT_COLOURS = ["#1f4e4b", "#4c78a8", "#f58518", "#b279a2", "#54a24b", "#e45756"]


# -- programme lead ------------------------------------------------------------------------------
def component_heatmap(components: pl.DataFrame, group_order: list[str]) -> alt.Chart:
    """Groups (rows, in the given order) × health components, each 0–100; NULL components stay blank."""
    base = alt.Chart(components).encode(
        x=alt.X("component:N", title=None, sort=COMPONENTS, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("group:N", title=None, sort=group_order, axis=alt.Axis(labelLimit=220)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("score:Q", title="Score", scale=alt.Scale(domain=[0, 100], scheme="redyellowgreen")),
        tooltip=[
            alt.Tooltip("group:N", title="Group"),
            alt.Tooltip("component:N", title="Component"),
            alt.Tooltip("score:Q", title="Score", format=".0f"),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text("score:Q", format=".0f"),
        color=alt.condition((alt.datum.score > 80) | (alt.datum.score < 20), alt.value("white"), alt.value("#222")),
    )
    return (cells + labels).properties(height=24 * max(len(group_order), 1), autosize=ROWS_DECIDE_HEIGHT)


def health_trend(components: pl.DataFrame, tiers: pl.DataFrame) -> alt.Chart:
    """One group's health score and its components by month, with the tier thresholds (`health_tiers`)."""
    lines = (
        alt.Chart(components)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("score:Q", title="Score (0–100)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "component:N", title=None, sort=COMPONENTS, scale=alt.Scale(domain=COMPONENTS, range=COMPONENT_COLOURS)
            ),
            strokeWidth=alt.condition(alt.datum.component == "Health score", alt.value(4), alt.value(1.2)),
            opacity=alt.condition(alt.datum.component == "Health score", alt.value(1.0), alt.value(0.7)),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%b %Y"),
                alt.Tooltip("component:N", title="Component"),
                alt.Tooltip("score:Q", title="Score", format=".0f"),
            ],
        )
    )
    thresholds = tiers.filter(pl.col("min_score") > 0).select(
        pl.col("min_score").alias("score"),
        pl.format(
            "{} ≥ {}",
            pl.col("tier").replace_strict(TIERS, default=None).str.replace(r"^\S+ ", ""),
            pl.col("min_score").cast(pl.Int64),
        ).alias("label"),
    )
    rules = alt.Chart(thresholds).mark_rule(strokeDash=[4, 4], color="#999").encode(y="score:Q")
    rule_labels = (
        alt.Chart(thresholds)
        .mark_text(align="left", dx=4, dy=-6, color="#777", fontSize=10)
        .encode(y="score:Q", text="label:N", x=alt.value(0))
    )
    return (rules + rule_labels + lines).properties(height=320)


def tier_mix(tiers: pl.DataFrame) -> alt.Chart:
    """How many groups were in each tier, month by month."""
    frame = tiers.with_columns(pl.col("tier").replace_strict(TIERS, default=None).alias("tier_label"))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("groups:Q", title="Groups"),
            color=alt.Color("tier_label:N", title="Tier", scale=_scale(TIER_COLOURS, TIERS)),
            order=alt.Order("tier_rank:Q"),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%b %Y"),
                alt.Tooltip("tier_label:N", title="Tier"),
                alt.Tooltip("groups:Q", title="Groups"),
            ],
        )
        .transform_calculate(tier_rank=f"indexof({list(TIERS.values())!r}, datum.tier_label)")
        .properties(height=260)
    )


def programme_trend(trends: pl.DataFrame) -> alt.Chart:
    """The median group's monthly figure, with a band holding the middle half of the groups."""
    base = alt.Chart(trends).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")),
        color=alt.Color("figure:N", title=None),
    )
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("lower_quartile:Q", axis=_percent_axis(None), scale=alt.Scale(domain=[0, 1])), y2="upper_quartile:Q"
    )
    median = base.mark_line(point=True).encode(
        y="median:Q",
        tooltip=[
            alt.Tooltip("month:T", title="Month", format="%b %Y"),
            alt.Tooltip("figure:N", title="Figure"),
            alt.Tooltip("median:Q", title="Median group", format=".0%"),
            alt.Tooltip("lower_quartile:Q", title="Lower quartile", format=".0%"),
            alt.Tooltip("upper_quartile:Q", title="Upper quartile", format=".0%"),
            alt.Tooltip("groups:Q", title="Groups"),
        ],
    )
    return (band + median).properties(height=300)


def retention_curves(curve: pl.DataFrame) -> alt.Chart:
    """Kaplan–Meier survival by month of membership, one step line per cohort ('all' drawn heavier)."""
    return (
        alt.Chart(curve)
        .mark_line(interpolate="step-after", point=False)
        .encode(
            x=alt.X("month:Q", title="Months since joining"),
            y=alt.Y("survival:Q", axis=_percent_axis("Still a member"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("cohort:N", title="Cohort (quarter joined)", sort=None),
            strokeWidth=alt.condition(alt.datum.cohort == "all", alt.value(3.5), alt.value(1.5)),
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("survival:Q", title="Still a member", format=".0%"),
                alt.Tooltip("at_risk:Q", title="Members at risk"),
                alt.Tooltip("dropouts:Q", title="Dropouts"),
            ],
        )
        .properties(height=340)
    )


def evaluation_intervals(evaluation: pl.DataFrame) -> alt.Chart:
    """Each score's ROC AUC (a point) with its 95% interval (a bar), against 0.5, which is guessing; the
    score in use drawn darker. Columns: model (words), auc, auc_low, auc_high, in_use."""
    base = alt.Chart(evaluation).encode(
        y=alt.Y("model:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        tooltip=[
            alt.Tooltip("model:N", title="Score"),
            alt.Tooltip("auc:Q", title="ROC AUC", format=".2f"),
            alt.Tooltip("auc_low:Q", title="95% interval from", format=".2f"),
            alt.Tooltip("auc_high:Q", title="to", format=".2f"),
        ],
    )
    scale = alt.Scale(domain=[0.3, 1.0])
    bars = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("auc_low:Q", title="ROC AUC (0.5 is guessing)", scale=scale), x2="auc_high:Q"
    )
    points = base.mark_point(filled=True, size=90).encode(
        x=alt.X("auc:Q", scale=scale),
        color=alt.condition(alt.datum.in_use, alt.value("#1f4e4b"), alt.value("#9e9e9e")),
    )
    guessing = alt.Chart(pl.DataFrame({"auc": [0.5]})).mark_rule(strokeDash=[4, 4], color="#d7301f").encode(x="auc:Q")
    return (bars + points + guessing).properties(height=30 * max(evaluation.height, 1), autosize=ROWS_DECIDE_HEIGHT)


def model_terms(terms: pl.DataFrame) -> alt.Chart:
    """What each figure of the score adds to the log-odds of dropping out, per standard deviation above
    the programme's average: right raises the risk, left lowers it. Columns: figure (words), coefficient."""
    return (
        alt.Chart(terms)
        .mark_bar()
        .encode(
            x=alt.X("coefficient:Q", title="Log-odds per standard deviation above average"),
            y=alt.Y("figure:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            color=alt.condition(alt.datum.coefficient > 0, alt.value("#d7301f"), alt.value("#4c78a8")),
            tooltip=[
                alt.Tooltip("figure:N", title="Figure"),
                alt.Tooltip("coefficient:Q", title="Log-odds per SD", format="+.2f"),
            ],
        )
        .properties(height=30 * max(terms.height, 1), autosize=ROWS_DECIDE_HEIGHT)
    )


# -- facilitator ---------------------------------------------------------------------------------
def attendance_heatmap(grid: pl.DataFrame) -> alt.Chart:
    """Members (rows) × meetings (columns, oldest first), coloured by attendance status."""
    frame = grid.with_columns(pl.col("status").replace_strict(ATTENDANCE_STATUSES, default=None).alias("status_label"))
    members = frame["member"].unique().sort().to_list()
    return (
        alt.Chart(frame)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("held_on:O", title=None, timeUnit="yearmonthdate", axis=alt.Axis(format="%-d %b", labelAngle=-45)),
            y=alt.Y("member:N", title=None, sort=members),
            color=alt.Color(
                "status_label:N", title="Attendance", scale=_scale(ATTENDANCE_COLOURS, ATTENDANCE_STATUSES)
            ),
            tooltip=[
                alt.Tooltip("member:N", title="Member"),
                alt.Tooltip("held_on:T", title="Meeting", format="%-d %b %Y"),
                alt.Tooltip("status_label:N", title="Attendance"),
            ],
        )
        .properties(height=22 * max(len(members), 1), autosize=ROWS_DECIDE_HEIGHT)
    )


def airtime_shares(airtime: pl.DataFrame) -> alt.Chart:
    """Each meeting's airtime split between its participants."""
    return (
        alt.Chart(airtime)
        .mark_bar()
        .encode(
            x=alt.X("held_on:O", title=None, timeUnit="yearmonthdate", axis=alt.Axis(format="%-d %b", labelAngle=-45)),
            y=alt.Y("share:Q", stack="normalize", axis=_percent_axis("Share of the airtime")),
            color=alt.Color("member:N", title=None, scale=alt.Scale(scheme="tableau20")),
            order=alt.Order("member:N"),
            tooltip=[
                alt.Tooltip("member:N", title="Member"),
                alt.Tooltip("held_on:T", title="Meeting", format="%-d %b %Y"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
                alt.Tooltip("dominance_ratio:Q", title="× a fair share", format=".1f"),
                alt.Tooltip("minutes:Q", title="Minutes", format=".0f"),
            ],
        )
        .transform_calculate(minutes="datum.seconds / 60")
        .properties(height=320)
    )


def gini_trend(meetings: pl.DataFrame) -> alt.Chart:
    """Airtime inequality (Gini, 0 = everyone equal) meeting by meeting."""
    return (
        alt.Chart(meetings)
        .mark_line(point=True)
        .encode(
            x=alt.X("held_on:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("airtime_gini:Q", title="Airtime Gini", scale=alt.Scale(domain=[0, 1])),
            tooltip=[
                alt.Tooltip("held_on:T", title="Meeting", format="%-d %b %Y"),
                alt.Tooltip("airtime_gini:Q", title="Gini", format=".2f"),
                alt.Tooltip("top_speaker_share:Q", title="Top speaker's share", format=".0%"),
            ],
        )
        .properties(height=260)
    )


def lorenz_curve(shares: pl.DataFrame) -> alt.Chart:
    """One meeting's Lorenz curve: the quietest x% of participants held y% of the airtime. The further
    below the diagonal, the less equal the airtime."""
    ordered = shares.sort("share")
    n = ordered.height
    points = pl.DataFrame(
        {
            "people": [0.0] + [(i + 1) / n for i in range(n)],
            "airtime": [0.0] + ordered["share"].cum_sum().to_list(),
            "member": [""] + ordered["member"].to_list(),
        }
    )
    equality = (
        alt.Chart(pl.DataFrame({"people": [0.0, 1.0], "airtime": [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color="#999")
        .encode(x="people:Q", y="airtime:Q")
    )
    curve = (
        alt.Chart(points)
        .mark_area(line=True, point=True, opacity=0.25)
        .encode(
            x=alt.X(
                "people:Q", axis=_percent_axis("Share of participants, quietest first"), scale=alt.Scale(domain=[0, 1])
            ),
            y=alt.Y("airtime:Q", axis=_percent_axis("Share of the airtime"), scale=alt.Scale(domain=[0, 1])),
            tooltip=[
                alt.Tooltip("member:N", title="Up to"),
                alt.Tooltip("people:Q", title="Participants", format=".0%"),
                alt.Tooltip("airtime:Q", title="Airtime", format=".0%"),
            ],
        )
    )
    return (equality + curve).properties(height=320)


# -- member --------------------------------------------------------------------------------------
def commitment_timeline(commitments: pl.DataFrame) -> alt.Chart:
    """Each commitment from the meeting it was made at to when it closed (or falls due, if open)."""
    frame = commitments.with_columns(
        pl.coalesce("closed_on", "due_on").alias("until"),
        pl.col("status").replace_strict(COMMITMENT_STATUSES, default=None).alias("status_label"),
    )
    order = frame.sort("made_on")["label"].to_list()
    bars = (
        alt.Chart(frame)
        .mark_bar(cornerRadius=3, height=14)
        .encode(
            x=alt.X("made_on:T", title=None, axis=alt.Axis(format="%b %Y")),
            x2="until:T",
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=340)),
            color=alt.Color("status_label:N", title="Status", scale=_scale(COMMITMENT_COLOURS, COMMITMENT_STATUSES)),
            tooltip=[
                alt.Tooltip("label:N", title="Commitment"),
                alt.Tooltip("made_on:T", title="Made", format="%-d %b %Y"),
                alt.Tooltip("due_on:T", title="Due", format="%-d %b %Y"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("times_carried_forward:Q", title="Carried forward"),
            ],
        )
    )
    due = (
        alt.Chart(frame)
        .mark_tick(color="#333", thickness=2, size=16)
        .encode(x="due_on:T", y=alt.Y("label:N", sort=order))
    )
    return (bars + due).properties(height=24 * max(frame.height, 1), autosize=ROWS_DECIDE_HEIGHT)


def attendance_strip(attendance: pl.DataFrame) -> alt.Chart:
    """The viewer's own status at each meeting, one mark per meeting."""
    frame = attendance.with_columns(
        pl.col("status").replace_strict(ATTENDANCE_STATUSES, default=None).alias("status_label")
    )
    return (
        alt.Chart(frame)
        .mark_tick(thickness=4, size=30)
        .encode(
            x=alt.X("held_on:T", title=None, axis=alt.Axis(format="%b %Y")),
            color=alt.Color(
                "status_label:N",
                title=None,
                scale=_scale(ATTENDANCE_COLOURS, ATTENDANCE_STATUSES),
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
            tooltip=[
                alt.Tooltip("held_on:T", title="Meeting", format="%-d %b %Y"),
                alt.Tooltip("status_label:N", title="Attendance"),
            ],
        )
        .properties(height=40, autosize=ROWS_DECIDE_HEIGHT)
    )


def airtime_against_fair_share(airtime: pl.DataFrame) -> alt.Chart:
    """The viewer's share of each meeting's airtime, beside a fair share (the airtime split evenly)."""
    long = airtime.select(
        "held_on", pl.col("share").alias("Your share"), pl.col("fair_share").alias("A fair share")
    ).unpivot(index="held_on", variable_name="line", value_name="value")
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("held_on:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("value:Q", axis=_percent_axis("Share of the airtime")),
            color=alt.Color(
                "line:N", title=None, sort=["Your share", "A fair share"], scale=alt.Scale(range=["#2f6f6b", "#aaaaaa"])
            ),
            strokeDash=alt.condition(alt.datum.line == "A fair share", alt.value([5, 4]), alt.value([1, 0])),
            tooltip=[
                alt.Tooltip("held_on:T", title="Meeting", format="%-d %b %Y"),
                alt.Tooltip("line:N", title=" "),
                alt.Tooltip("value:Q", title="Share", format=".0%"),
            ],
        )
        .properties(height=280)
    )
