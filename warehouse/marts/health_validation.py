"""
description: >
  How well the health score, and each of its components, foretold later losses on the programme's own
  history (docs/metrics.md, "Group health", the evidence): for each group-month whose next six months
  have passed, the ROC AUC of the figure (lower = worse) against losing 2 or more members
  (`dropped_out` or `removed`) in those six months, with a 95% interval from a bootstrap over groups;
  and, for each tier, how often its group-months were followed by such losses.
grain: one row per component, the score, and each tier
published: true
readers: {lead: all}
reads: [group_health, group_month_losses, health_weights, health_tiers, synthetic_health_validation]
refresh: daily
key: [source, kind, figure]
columns:
  source:
    type: VARCHAR
    description: >
      `programme`: this programme's own history; `synthetic_strong`, `synthetic_weak`, `synthetic_late`,
      `synthetic_none`: held-out synthetic programmes of that precursor (synthetic_health_validation)
    checks:
      [not_null, {accepted_values: [programme, synthetic_strong, synthetic_weak, synthetic_late, synthetic_none]}]
  kind:
    type: VARCHAR
    description: "`component`, `score` (the health score) or `tier`"
    checks: [not_null, {accepted_values: [component, score, tier]}]
  figure:
    type: VARCHAR
    description: the component (health_weights.component), `health_score`, or the tier (health_tiers.tier)
    checks: [not_null]
  weight:
    type: DOUBLE
    description: a component's weight in the score (health_weights); NULL for the others
    checks: [{range: [0, 1]}]
  auc:
    type: DOUBLE
    description: >
      the chance that a group-month followed by 2 or more losses had the lower figure of it and one that
      was not (ties half), over the group-months where the figure is known; NULL for tiers, and with fewer
      than 10 group-months with losses
    checks: [{range: [0, 1]}]
  auc_low:
    type: DOUBLE
    description: the 2.5th percentile of the AUC over 1,000 resamples of whole groups
    checks: [{range: [0, 1]}]
  auc_high:
    type: DOUBLE
    description: the 97.5th percentile
    checks: [{range: [0, 1]}]
  group_months:
    type: BIGINT
    description: group-months counted (the figure known, or in the tier)
    checks: [not_null, {range: [0, null]}]
  with_losses:
    type: BIGINT
    description: of those, the ones followed by 2 or more losses in six months
    checks: [not_null, {range: [0, null]}]
  loss_rate:
    type: DOUBLE
    description: with_losses / group_months; NULL when there are none
    checks: [{range: [0, 1]}]
  loss_rate_low:
    type: DOUBLE
    description: the 2.5th percentile of loss_rate over 1,000 resamples of whole groups
    checks: [{range: [0, 1]}]
  loss_rate_high:
    type: DOUBLE
    description: the 97.5th percentile
    checks: [{range: [0, 1]}]
  enough_history:
    type: BOOLEAN
    description: the programme has 30 or more group-months followed by 2 or more losses, in 20 or more groups
    checks: [not_null]
notes: |
  Nothing here is fitted: the weights and cuts are constants (health_weights, health_tiers), so the whole
  history validates them. The AUC is the share of (with losses, without) pairs of group-months in which
  the one with losses scored lower.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from warehouse import evaluation
from warehouse.db import Inputs

LOSSES = 2  # "2 or more dropouts in the next 6 months"
MIN_AUC_CASES = 10
MIN_CASES, MIN_GROUPS = 30, 20


def build(inputs: Inputs) -> pl.DataFrame:
    months = inputs.query(
        "SELECT h.*, l.losses_6m FROM group_health h JOIN group_month_losses l USING (group_id, month)"
    ).with_columns((pl.col("losses_6m") >= LOSSES).alias("lost"))
    weights = inputs.query("SELECT component, weight FROM health_weights ORDER BY component_order")
    tiers = inputs.query("SELECT tier FROM health_tiers ORDER BY tier_order")["tier"].to_list()
    cases = months.filter("lost")
    enough = cases.height >= MIN_CASES and cases["group_id"].n_unique() >= MIN_GROUPS

    rows = [
        {"kind": "component", "figure": component, "weight": weight, **_validated(months, f"{component}_component")}
        for component, weight in weights.rows()
    ]
    rows.append({"kind": "score", "figure": "health_score", "weight": None, **_validated(months, "health_score")})
    for tier in tiers:
        in_tier = months.filter(pl.col("tier") == tier)
        rows.append({"kind": "tier", "figure": tier, "weight": None, **_counts(in_tier), "auc": None})
    own = pl.DataFrame([{"source": "programme", **row, "enough_history": enough} for row in rows], schema=SCHEMA)
    synthetic = inputs.query("SELECT * FROM synthetic_health_validation").select(
        pl.format("synthetic_{}", "precursor").alias("source"),
        *(c for c in SCHEMA if c not in ("source", "enough_history")),
        pl.lit(True).alias("enough_history"),
    )
    return pl.concat([own.select(list(SCHEMA)), synthetic.cast(SCHEMA)])


def _validated(months: pl.DataFrame, column: str) -> dict:
    known = months.filter(pl.col(column).is_not_null())
    found = _counts(known)
    if found["with_losses"] >= MIN_AUC_CASES and found["with_losses"] < known.height:
        lower_is_worse = -known[column].to_numpy().astype(float)
        lost, groups = known["lost"].to_numpy(), known["group_id"].to_numpy()
        found["auc"] = evaluation.auc(lower_is_worse, lost)
        found["auc_low"], found["auc_high"] = evaluation.auc_interval(lower_is_worse, lost, groups)
    return found


def _counts(months: pl.DataFrame) -> dict:
    lost = months["lost"].to_numpy()
    low, high = evaluation.share_interval(lost, months["group_id"].to_numpy())
    return {
        "auc": None,
        "auc_low": None,
        "auc_high": None,
        "group_months": months.height,
        "with_losses": int(lost.sum()),
        "loss_rate": float(np.mean(lost)) if lost.size else None,
        "loss_rate_low": low,
        "loss_rate_high": high,
    }


SCHEMA = {
    "source": pl.String,
    "kind": pl.String,
    "figure": pl.String,
    "weight": pl.Float64,
    "auc": pl.Float64,
    "auc_low": pl.Float64,
    "auc_high": pl.Float64,
    "group_months": pl.Int64,
    "with_losses": pl.Int64,
    "loss_rate": pl.Float64,
    "loss_rate_low": pl.Float64,
    "loss_rate_high": pl.Float64,
    "enough_history": pl.Boolean,
}
