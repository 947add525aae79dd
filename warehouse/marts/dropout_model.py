"""
description: >
  The dropout score in use, as published (docs/metrics.md, "Dropout risk"): refitted once a day (every
  whole rebuild) on all of the programme's history whose 90-day outcome is known, it is the model
  dropout_evaluation chose (the logistic regression, or the baseline that beat it), term by term.
  dropout_risk scores each member with it, at every refresh. Without enough history to fit, it is the
  share of the last 6 meetings missed, as it is.
grain: one row per term of the score in use (the intercept, then each figure it weighs)
published: true
readers: {lead: all}
reads: [dropout_evaluation, dropout_landmarks, member_risk_signals, dropout_levels]
refresh: daily
key: [term]
columns:
  model:
    type: VARCHAR
    description: the score in use (dropout_evaluation's row with in_use)
    checks: [not_null]
  term:
    type: VARCHAR
    description: "`intercept`, or the figure weighed: a column of member_risk_signals"
    checks: [not_null]
  reason:
    type: VARCHAR
    description: the reason code the figure gives a facilitator when it raises the score; NULL for the intercept
  coefficient:
    type: DOUBLE
    description: >
      what the figure adds to the log-odds of dropping out within 90 days per standard deviation above
      its center (the intercept: the log-odds of a member whose every figure is at its center)
    checks: [not_null]
  center:
    type: DOUBLE
    description: the figure's mean over the points fitted on; a member whose figure is unknown counts at it
  scale:
    type: DOUBLE
    description: the figure's standard deviation over the points fitted on
    checks: [{range: [0, null]}]
  calibrated:
    type: BOOLEAN
    description: >
      true: the score is a probability, 1 / (1 + exp(−(intercept + Σ coefficient · (value − center) /
      scale))); false (too little history): the score is the figure's value as it is
    checks: [not_null]
  reason_from:
    type: DOUBLE
    description: >
      the least a figure adds to the score to be named as a reason: 0.2 on the log-odds when calibrated;
      else the medium level's min_absence_rate
    checks: [not_null]
  fitted_points:
    type: BIGINT
    description: landmark points fitted on (spells at 30-day landmarks whose 90-day outcome is known); 0 without a fit
    checks: [not_null]
  fitted_dropouts:
    type: BIGINT
    description: of those, the points followed by a dropout within 90 days
    checks: [not_null]
"""

from __future__ import annotations

import polars as pl

from warehouse.db import Inputs
from warehouse.dropout import POINT_COLUMNS, REASON_FROM, fit, scorer, terms, with_figures

COLUMNS = ("group_id", "member_id", "meeting_id", "held_on", *POINT_COLUMNS)


def build(inputs: Inputs) -> pl.DataFrame:
    [(in_use, calibrated)] = inputs.query(
        "SELECT model, enough_history FROM dropout_evaluation WHERE source = 'programme' AND in_use AND cadence = 'all'"
    ).rows()
    chosen = scorer(in_use)
    fitted, points, dropouts = None, 0, 0
    if calibrated:
        landmarks = with_figures(
            inputs.query("SELECT * FROM dropout_landmarks"),
            inputs.query(f"SELECT {', '.join(dict.fromkeys(COLUMNS))} FROM member_risk_signals WHERE on_roster"),
            "meeting_id",
        ).filter(pl.col("outcome_90d").is_in(["dropped_out", "stayed"]))
        fitted = fit(landmarks, chosen.columns)
        points, dropouts = landmarks.height, int((landmarks["outcome_90d"] == "dropped_out").sum())
    medium = inputs.query("SELECT min_absence_rate FROM dropout_levels WHERE level = 'medium'").item()
    rows = [
        {
            "model": in_use,
            **term,
            "calibrated": calibrated,
            "reason_from": REASON_FROM if calibrated else medium,
            "fitted_points": points,
            "fitted_dropouts": dropouts,
        }
        for term in terms(fitted, chosen.columns)
    ]
    return pl.DataFrame(rows, schema=SCHEMA)


SCHEMA = {
    "model": pl.String,
    "term": pl.String,
    "reason": pl.String,
    "coefficient": pl.Float64,
    "center": pl.Float64,
    "scale": pl.Float64,
    "calibrated": pl.Boolean,
    "reason_from": pl.Float64,
    "fitted_points": pl.Int64,
    "fitted_dropouts": pl.Int64,
}
