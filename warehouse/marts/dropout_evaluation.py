"""
description: >
  How well the dropout warning, and simple baselines beside it, foresaw dropouts on a year of the
  programme's own history it was not fitted on, judged as a facilitator would judge it (docs/metrics.md,
  "Dropout risk", "Evaluation"): one outcome per membership spell and 90-day landmark, a warning counting
  only 30 days or more before the member left and before they had missed 3 meetings in a row, `removed`
  kept apart from `dropped_out`, per cadence and pooled, with 95% intervals from a bootstrap over groups.
  `in_use` marks the score dropout_risk publishes.
grain: one row per model and cadence (`all`, then each cadence the programme's groups meet at)
published: true
readers: {lead: all}
reads: [dropout_landmarks, member_risk_signals, memberships, group_formations, facilitator_assignments, dropout_levels,
  synthetic_dropout_evaluation]
refresh: daily
key: [source, model, cadence]
columns:
  source:
    type: VARCHAR
    description: >
      `programme`: this programme's own held-out history; `synthetic_strong`, `synthetic_weak`,
      `synthetic_late`, `synthetic_none`: held-out synthetic programmes of that precursor
      (synthetic_dropout_evaluation; pooled rows only), where the truth is known
    checks:
      [not_null, {accepted_values: [programme, synthetic_strong, synthetic_weak, synthetic_late, synthetic_none]}]
  model:
    type: VARCHAR
    description: >
      `dropout_model` (the logistic regression), or a baseline: `absence_rate_last_6` (share of the last 6
      meetings missed), `missed_last_2` (of the last 2), `rating_last_3` (mean of the last 3 ratings),
      `rules_v1` (the first score, hand-set rules)
    checks: [not_null, {accepted_values: [dropout_model, absence_rate_last_6, missed_last_2, rating_last_3, rules_v1]}]
  cadence:
    type: VARCHAR
    description: "`all`, or the cadence of the groups the row is about"
    checks: [not_null, {accepted_values: [all, weekly, biweekly, monthly, quarterly]}]
  auc:
    type: DOUBLE
    description: >
      ROC AUC over the held-out landmark points whose outcome was dropped out or stayed: the chance a
      member who dropped out 30 to 120 days later was scored above one who stayed, ties half. NULL with
      fewer than 10 dropouts
    checks: [{range: [0, 1]}]
  auc_low:
    type: DOUBLE
    description: the 2.5th percentile of the AUC over 1,000 resamples of whole groups
    checks: [{range: [0, 1]}]
  auc_high:
    type: DOUBLE
    description: the 97.5th percentile
    checks: [{range: [0, 1]}]
  auc_gain:
    type: DOUBLE
    description: >
      auc minus the AUC of compared_with on the same points (0 for compared_with itself): how much better
      than the best baseline the score ranked
    checks: [{range: [-1, 1]}]
  auc_gain_low:
    type: DOUBLE
    description: >
      the 2.5th percentile of the gain over the same 1,000 resamples of groups for both (a paired
      bootstrap): above 0, the score is clearly better than the baseline on this history
    checks: [{range: [-1, 1]}]
  auc_gain_high:
    type: DOUBLE
    description: the 97.5th percentile of the gain; below 0, clearly worse
    checks: [{range: [-1, 1]}]
  spells:
    type: BIGINT
    description: membership spells scored at the held-out landmarks
    checks: [not_null, {range: [0, null]}]
  dropouts:
    type: BIGINT
    description: of those, the spells that dropped out 30 to 120 days after a held-out landmark (each once)
    checks: [not_null, {range: [0, null]}]
  removals:
    type: BIGINT
    description: spells removed 30 to 120 days after a held-out landmark, kept apart (neither case nor non-case)
    checks: [not_null, {range: [0, null]}]
  recall_30d:
    type: DOUBLE
    description: >
      of the spells that dropped out in the held-out year, the share the score put at medium level or
      above at a roster meeting 120 to 30 days before they left, before they had missed 3 in a row
    checks: [{range: [0, 1]}]
  alerts_per_facilitator_month:
    type: DOUBLE
    description: >
      members put at medium level or above (each counted once a month) over the months each facilitator's
      groups met in, in the held-out year: the check-ins the score asks of a facilitator each month
    checks: [{range: [0, null]}]
  in_use:
    type: BOOLEAN
    description: the score dropout_risk publishes
    checks: [not_null]
  enough_history:
    type: BOOLEAN
    description: >
      the programme's history holds at least 50 dropouts to fit on and 30 in the held-out year: enough to
      fit the model and judge it; without it, dropout_risk publishes the share of meetings missed, as it is
    checks: [not_null]
  compared_with:
    type: VARCHAR
    description: >
      the baseline with the highest pooled AUC (`absence_rate_last_6`, `missed_last_2` or `rating_last_3`),
      which auc_gain is taken against; NULL when none has an AUC
notes: |
  The held-out year is the last four evaluation landmarks (dropout_landmarks), 90 days apart, the last
  120 days before the as-of date; every score that is fitted is fitted on the landmarks whose 90-day
  outcome was known before the first of them. The model is used when its pooled AUC is at least the best
  baseline's (`absence_rate_last_6`, `missed_last_2`, `rating_last_3`); else that baseline, made a
  probability on the same history. Each score alerts at its own medium level: a probability of at least
  dropout_levels' medium min_probability, or for `rules_v1` its first cut, 0.25 (without enough history,
  `absence_rate_last_6` alerts at min_absence_rate).
"""

from __future__ import annotations

import polars as pl

from warehouse.db import Inputs
from warehouse.dropout import POINT_COLUMNS, History, Levels, evaluate

COLUMNS = ("group_id", "member_id", "meeting_id", "held_on", "meeting_no", "spell_no", *POINT_COLUMNS)


def build(inputs: Inputs) -> pl.DataFrame:
    history = History(
        points=inputs.query(f"SELECT {', '.join(dict.fromkeys(COLUMNS))} FROM member_risk_signals WHERE on_roster"),
        spells=inputs.query("SELECT * FROM memberships"),
        cadences=inputs.query("SELECT group_id, cadence FROM group_formations"),
        facilitators=inputs.query("SELECT group_id, member_id, assigned_on, position FROM facilitator_assignments"),
        as_of=inputs.as_of,
    )
    levels = Levels.from_table(inputs.query("SELECT * FROM dropout_levels"))
    rows = evaluate(inputs.query("SELECT * FROM dropout_landmarks"), history, levels)
    own = pl.DataFrame([{"source": "programme", **row} for row in rows], schema=SCHEMA)
    synthetic = inputs.query("SELECT * FROM synthetic_dropout_evaluation").select(
        pl.format("synthetic_{}", "precursor").alias("source"),
        "model",
        pl.lit("all").alias("cadence"),
        *(c for c in SCHEMA if c not in ("source", "model", "cadence", "enough_history", "compared_with")),
        pl.lit(True).alias("enough_history"),
        "compared_with",
    )
    return pl.concat([own, synthetic.cast(SCHEMA)])


SCHEMA = {
    "source": pl.String,
    "model": pl.String,
    "cadence": pl.String,
    "auc": pl.Float64,
    "auc_low": pl.Float64,
    "auc_high": pl.Float64,
    "auc_gain": pl.Float64,
    "auc_gain_low": pl.Float64,
    "auc_gain_high": pl.Float64,
    "spells": pl.Int64,
    "dropouts": pl.Int64,
    "removals": pl.Int64,
    "recall_30d": pl.Float64,
    "alerts_per_facilitator_month": pl.Float64,
    "in_use": pl.Boolean,
    "enough_history": pl.Boolean,
    "compared_with": pl.String,
}
