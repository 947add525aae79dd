"""The dropout warning judged against what the generator knows (issue 12): where nothing foretells a
dropout (`--precursor none`), no score finds anything; where most leavers fade first (`strong`), the
fitted score beats every baseline; and what dropout_risk publishes is scikit-learn's own fit.

Sizes, chosen so the assertions rest on the standard errors the evaluation itself reports, at a bounded
cost (about 60 s for both programmes on this project's shared 2-core machines):

- `none`, 300 groups × 24 months: about 270 dropouts fall in the held-out year, so each pooled AUC has a
  standard error near 0.018 (its bootstrap interval is about ±0.036), and 0.5 ± 0.05 is 2.8 standard
  errors. The fitted score, refitted on noise, is the most variable: over the five `none` programmes run
  while building this (tuning seed 901, held-out seeds 9101-9103 and this one, 4101) its AUC was 0.532,
  0.516, 0.513, 0.549 and 0.455. This seed's 0.455 is the lowest, inside the bound by 0.005: the seed was
  chosen before its result was known and is kept.
- `strong`, 160 groups × 24 months: the fitted score's gain over the best baseline (the mean of the last
  3 ratings) averaged +0.041 on the held-out programmes, whose paired-bootstrap standard error (0.014 at
  200 groups) scales to about 0.015 at this size: 2.7 of them; the other baselines trail by 0.08 or more.

24 months leave eight months of landmarks to fit on before the held-out year, enough for the 50
training dropouts that `enough_history` asks of a programme.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from domain.application import open_application
from domain.config import Settings
from domain.jsonl import commands_from
from synthetic import generate_programme
from tests.conftest import build_warehouse
from tests.integration.programmes import rows
from warehouse.dropout import FEATURES

UNTIL = date(2025, 12, 31)
SIZES = {"none": (300, 4101), "strong": (160, 4102)}  # groups, seed (no other test or the tuning uses them)


def warehouse_of(tmp_path_factory, precursor: str):
    groups, seed = SIZES[precursor]
    settings = Settings(home=tmp_path_factory.mktemp(precursor) / "home")
    with open_application(settings) as app:
        batches = generate_programme(groups=groups, months=24, seed=seed, until=UNTIL, precursor=precursor)
        for number, batch in enumerate(batches, start=1):
            app.apply_commands(commands_from(batch, f"seed batch {number}"), f"seed batch {number}")
    return build_warehouse(settings, UNTIL)


@pytest.fixture(scope="module")
def nothing_to_find(tmp_path_factory):
    con = warehouse_of(tmp_path_factory, "none")
    yield con
    con.close()


@pytest.fixture(scope="module")
def strong(tmp_path_factory):
    con = warehouse_of(tmp_path_factory, "strong")
    yield con
    con.close()


def pooled(con) -> dict[str, dict]:
    return {
        r["model"]: r
        for r in rows(con, "SELECT * FROM dropout_evaluation WHERE source = 'programme' AND cadence = 'all'")
    }


def test_where_nothing_foretells_a_dropout_no_score_finds_anything(nothing_to_find):
    found = pooled(nothing_to_find)
    assert found["dropout_model"]["enough_history"] and found["dropout_model"]["dropouts"] >= 200
    aucs = {model: row["auc"] for model, row in found.items()}
    assert all(abs(auc - 0.5) <= 0.05 for auc in aucs.values()), aucs


def test_where_leavers_fade_first_the_fitted_score_beats_every_baseline(strong):
    found = pooled(strong)
    model = found.pop("dropout_model")
    assert model["enough_history"] and model["in_use"]
    assert all(model["auc"] > baseline["auc"] for baseline in found.values()), {
        name: row["auc"] for name, row in [("dropout_model", model), *found.items()]
    }
    assert model["auc_gain"] == pytest.approx(model["auc"] - found[model["compared_with"]]["auc"])
    # it warns more of the year's dropouts in time than the first score did, and costs a facilitator
    # about one check-in a month
    assert model["recall_30d"] > found["rules_v1"]["recall_30d"]
    assert 0.3 <= model["alerts_per_facilitator_month"] <= 2.0


def test_what_dropout_risk_publishes_is_scikit_learns_fit_of_the_programmes_history(strong):
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    columns = list(FEATURES)
    figures = ", ".join(f"s.{c}::DOUBLE AS {c}" for c in columns)
    training = strong.sql(
        f"SELECT l.outcome_90d = 'dropped_out' AS dropped_out, {figures} FROM dropout_landmarks l "
        "JOIN member_risk_signals s USING (group_id, member_id, meeting_id) "
        "WHERE l.outcome_90d IN ('dropped_out', 'stayed')"
    ).pl()
    fitted = make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=1000)).fit(
        training.select(columns).to_numpy(), training["dropped_out"].to_numpy()
    )
    terms = {r["term"]: r for r in rows(strong, "SELECT * FROM dropout_model")}
    assert terms["intercept"]["coefficient"] == pytest.approx(fitted[-1].intercept_[0], rel=1e-6)
    assert [terms[c]["coefficient"] for c in columns] == pytest.approx(list(fitted[-1].coef_[0]), rel=1e-6)

    scored = strong.sql(
        f"SELECT r.member_id, r.group_id, r.probability, {figures} FROM dropout_risk r "
        "JOIN member_risk_signals s USING (group_id, member_id, meeting_id)"
    ).pl()
    expected = fitted.predict_proba(scored.select(columns).to_numpy())[:, 1]
    assert scored["probability"].to_numpy() == pytest.approx(expected, rel=1e-9, abs=1e-12)
    levels = rows(strong, "SELECT level, count(*) AS n FROM dropout_risk GROUP BY level")
    assert {r["level"] for r in levels} == {"low", "medium", "high"}
    # a member at medium or above is told why, in a reason the facilitator's page has words for
    reasons = pl.Series(r["reasons"] for r in rows(strong, "SELECT reasons FROM dropout_risk WHERE level <> 'low'"))
    assert (reasons != "").all() and np.isin(
        reasons.str.split(",").explode().unique(), list(set(FEATURES.values()))
    ).all()
