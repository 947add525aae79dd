"""The dropout warning: who is likely to drop out in the next 90 days, fitted on the programme's own
history, judged the way a facilitator would judge it, and used only if it beats simple baselines.

- **The model** is scikit-learn's logistic regression on a few figures a facilitator would recognise
  (`FEATURES`, each a column of member_risk_signals): missing values take the training mean, each
  figure is standardised, and the fit minimises log loss, so its output is a probability, calibrated on
  the history it was fitted on (dropout_calibration shows how well it holds on held-out history). A
  logistic regression rather than a Cox model: the question asked is a probability over one horizon
  (90 days), which it answers directly; its coefficients publish as a table and score in plain SQL;
  and, with a handful of features, a more flexible model has nothing to gain that the held-out test
  would show. Each feature maps to a reason a facilitator understands (`FEATURES`' values).
- **The points** are membership spells at landmarks 30 days apart (dropout_landmarks), each scored on
  the member's latest roster meeting then, and labelled by whether the spell ended `dropped_out` within
  90 days. `removed` (the organisation's decision) and other leaves are left out of the fit, not
  counted as staying.
- **The baselines** are single figures: the share of the last 6 meetings missed, how many of the last
  2 were missed, the mean of the last 3 ratings, each made a probability by a one-feature logistic
  regression; and the first score (`rules_v1`), with its own levels.
- **Held out**: the last four 90-day landmarks (a year) are judged by a fit on the landmarks whose
  90-day outcome was known before the first of them, never on the future of the spells it scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from warehouse import evaluation

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# The model's figures (columns of member_risk_signals), each with the reason it gives a facilitator.
FEATURES = {
    "absence_rate_last_6": "low_attendance",
    "missed_in_a_row": "consecutive_absences",
    "rating_last_3": "low_ratings",
    "rating_drop": "ratings_falling",
    "airtime_ratio_last_3": "going_quiet",
    "follow_through_last_3": "missed_commitments",
    "overdue_commitments": "missed_commitments",
    "new_member": "new_member",
}
# The reason each baseline gives, when it is the score in use.
BASELINE_REASONS = {
    "absence_rate_last_6": "low_attendance",
    "missed_last_2": "low_attendance",
    "rating_last_3": "low_ratings",
}
REASON_FROM = 0.2  # a figure is named as a reason when it adds this much to the log-odds (odds × 1.22)
MODEL = "dropout_model"
BASELINES = ("absence_rate_last_6", "missed_last_2", "rating_last_3")
RULES = "rules_v1"  # the first score: hand-set rules and weights, with its own levels
RULES_MEDIUM = 0.25  # the first score's medium level (docs/metrics.md, "Dropout risk", rules_v1)
UNCALIBRATED = "absence_rate_last_6"  # what is used, as it is, while there is too little history to fit

HORIZON_DAYS = 90  # the model's probability is of dropping out within this many days
USEFUL_DAYS = (30, 120)  # a warning counts for a leave this many days ahead: too late before 30
HELD_OUT_LANDMARKS = 4  # the last 4 evaluation landmarks, 90 days apart: a year of held-out history
MIN_TRAINING_DROPOUTS = 50  # fewer, and there is not enough history to fit and judge on
MIN_HELD_OUT_DROPOUTS = 30
MIN_AUC_DROPOUTS = 10  # an AUC over fewer dropouts than this is not published (NULL)


@dataclass(frozen=True)
class Scorer:
    name: str
    columns: tuple[str, ...]
    fitted: bool = True  # a logistic regression on the columns; else the one column is the score itself


SCORERS = (
    Scorer(MODEL, tuple(FEATURES)),
    *(Scorer(name, (name,)) for name in BASELINES),
    Scorer(RULES, ("rules_score",), fitted=False),
)
POINT_COLUMNS = ("rules_score", "missed_last_2", *FEATURES)


def pipeline() -> Pipeline:
    """Mean imputation, standardisation, L2-regularised logistic regression (scikit-learn's defaults)."""
    # Imported here: scikit-learn takes seconds to import, which a programme too small to fit never pays.
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        SimpleImputer(strategy="mean", keep_empty_features=True),
        StandardScaler(),
        LogisticRegression(C=1.0, max_iter=1000),
    )


def matrix(rows: pl.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    return rows.select(pl.col(c).cast(pl.Float64) for c in columns).to_numpy()


def fit(rows: pl.DataFrame, columns: tuple[str, ...]) -> Pipeline:
    """Fitted on landmark rows whose 90-day outcome is dropped out or stayed."""
    known = rows.filter(pl.col("outcome_90d").is_in(["dropped_out", "stayed"]))
    return pipeline().fit(matrix(known, columns), (known["outcome_90d"] == "dropped_out").to_numpy())


def probability(fitted: Pipeline, rows: pl.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    return fitted.predict_proba(matrix(rows, columns))[:, 1]


def reason(column: str) -> str:
    return FEATURES.get(column) or BASELINE_REASONS[column]


def terms(fitted: Pipeline | None, columns: tuple[str, ...]) -> list[dict]:
    """The score as published: the intercept, then for each column its coefficient on (value − center) /
    scale (a missing value counts as the center). `dropout_risk` scores with exactly this. Without a fit
    (too little history), the one column's value is the score: coefficient 1, center 0, scale 1."""
    if fitted is None:
        [column] = columns
        return [
            {"term": "intercept", "reason": None, "coefficient": 0.0, "center": None, "scale": None},
            {"term": column, "reason": reason(column), "coefficient": 1.0, "center": 0.0, "scale": 1.0},
        ]
    _, scaler, regression = fitted.named_steps.values()
    rows = [
        {
            "term": "intercept",
            "reason": None,
            "coefficient": float(regression.intercept_[0]),
            "center": None,
            "scale": None,
        }
    ]
    for i, column in enumerate(columns):
        rows.append(
            {
                "term": column,
                "reason": reason(column),
                "coefficient": float(regression.coef_[0][i]),
                "center": float(scaler.mean_[i]),
                "scale": float(scaler.scale_[i]),
            }
        )
    return rows


def scorer(name: str) -> Scorer:
    return next(s for s in SCORERS if s.name == name)


# -- the points ------------------------------------------------------------------------------------------


def with_figures(landmarks: pl.DataFrame, points: pl.DataFrame, meeting: str) -> pl.DataFrame:
    """The landmark rows with the member's figures at the meeting named by the `meeting` column."""
    figures = points.select("group_id", "member_id", "meeting_id", "held_on", *POINT_COLUMNS)
    return landmarks.filter(pl.col(meeting).is_not_null()).join(
        figures.rename({"meeting_id": meeting}), on=["group_id", "member_id", meeting], how="inner"
    )


@dataclass(frozen=True)
class Split:
    """Training rows (90-day outcome known before the held-out year) and held-out evaluation rows."""

    held_out_from: date | None  # the first held-out landmark
    training: pl.DataFrame
    held_out: pl.DataFrame  # evaluation landmarks from held_out_from, scored at their warning meeting

    @property
    def training_dropouts(self) -> int:
        return _dropouts(self.training, "outcome_90d")

    @property
    def held_out_dropouts(self) -> int:
        return _dropouts(self.held_out, "warning_outcome")


def split(landmarks: pl.DataFrame, points: pl.DataFrame) -> Split:
    evaluation_days = sorted(landmarks.filter("evaluation_landmark")["landmark"].unique().to_list())
    if not evaluation_days:
        empty = with_figures(landmarks.clear(), points.clear(), "meeting_id")
        return Split(None, empty, empty)
    first = evaluation_days[-HELD_OUT_LANDMARKS:][0]
    training = with_figures(
        landmarks.filter(pl.col("landmark") <= first - timedelta(days=HORIZON_DAYS)), points, "meeting_id"
    )
    held_out = with_figures(
        landmarks.filter(pl.col("evaluation_landmark") & (pl.col("landmark") >= first)),
        points,
        "warning_meeting_id",
    )
    return Split(first, training, held_out)


def _dropouts(rows: pl.DataFrame, outcome: str) -> int:
    """Distinct spells that dropped out in their window (one outcome per spell)."""
    return rows.filter(pl.col(outcome) == "dropped_out").select("group_id", "member_id", "spell_no").n_unique()


# -- judging a score as a facilitator would ----------------------------------------------------------------


@dataclass(frozen=True)
class Levels:
    """When a score alerts (dropout_levels): at `medium` or above, the member is on the check-in list."""

    medium_probability: float
    high_probability: float
    medium_absence_rate: float  # while there is too little history to fit: absence_rate_last_6 as it is
    high_absence_rate: float

    @classmethod
    def from_table(cls, table: pl.DataFrame) -> Levels:
        level = {row["level"]: row for row in table.iter_rows(named=True)}
        return cls(
            level["medium"]["min_probability"],
            level["high"]["min_probability"],
            level["medium"]["min_absence_rate"],
            level["high"]["min_absence_rate"],
        )


@dataclass(frozen=True)
class History:
    """What the evaluation reads, beyond the landmark rows: every roster row's figures, the spells, each
    group's cadence, and who facilitated each group when."""

    points: pl.DataFrame  # member_risk_signals rows on the roster
    spells: pl.DataFrame  # memberships
    cadences: pl.DataFrame  # group_id, cadence
    facilitators: pl.DataFrame  # facilitator_assignments
    as_of: date


def evaluate(landmarks: pl.DataFrame, history: History, levels: Levels) -> list[dict]:
    """One row per score and cadence (`all` first), over the held-out year: AUC with its group-bootstrap
    interval, spells, dropouts, removals, recall per dropout and alerts per facilitator-month at the
    level each score alerts at; `in_use` marks the one dropout_risk publishes."""
    data = split(landmarks, history.points)
    enough = data.training_dropouts >= MIN_TRAINING_DROPOUTS and data.held_out_dropouts >= MIN_HELD_OUT_DROPOUTS
    # below this there is no AUC to publish, so nothing is fitted (and scikit-learn is not even imported)
    can_fit = data.training_dropouts >= MIN_AUC_DROPOUTS and data.held_out_dropouts >= MIN_AUC_DROPOUTS
    period = _held_out_period(history, data.held_out_from)
    fits = {s.name: fit(data.training, s.columns) for s in SCORERS if s.fitted and can_fit}
    cadences = ["all", *sorted(history.cadences["cadence"].unique().to_list())]

    scored = {}  # name -> (held-out scores, alerts over the period), for the scores that can be judged
    for scorer in SCORERS:
        # the rules and, without enough history, the share of meetings missed are used as they are
        as_it_is = scorer.name == RULES or (scorer.name == UNCALIBRATED and not enough)
        fitted = None if as_it_is else fits.get(scorer.name)
        if as_it_is or fitted is not None:
            scored[scorer.name] = (
                _scores(scorer, fitted, data.held_out),
                _alerts(scorer, fitted, period.points, levels),
            )
    pooled = {name: _auc(data.held_out, scores) for name, (scores, _) in scored.items()}
    best_baseline = max((b for b in BASELINES if pooled.get(b) is not None), key=pooled.get, default=None)
    in_use = choose(pooled, enough)

    rows = []
    for cadence in cadences:
        chosen = np.ones(data.held_out.height, dtype=bool)
        if cadence != "all":
            chosen = (data.held_out["cadence"] == cadence).to_numpy()
        points = data.held_out.filter(pl.Series(chosen))
        resampled = {name: _resampled(points, scores[chosen]) for name, (scores, _) in scored.items()}
        baseline = None  # the best baseline's AUC here, and on each resample
        if best_baseline and resampled[best_baseline] is not None:
            baseline = (_auc(points, scored[best_baseline][0][chosen]), resampled[best_baseline])
        for scorer in SCORERS:
            scores, flagged = scored.get(scorer.name, (None, None))
            rows.append(
                {
                    "model": scorer.name,
                    "cadence": cadence,
                    **_auc_row(
                        points, None if scores is None else scores[chosen], resampled.get(scorer.name), baseline
                    ),
                    "recall_30d": None if flagged is None else _recall(period, flagged, cadence),
                    "alerts_per_facilitator_month": None if flagged is None else _burden(period, flagged, cadence),
                    "in_use": scorer.name == in_use,
                    "enough_history": enough,
                    "compared_with": best_baseline,
                }
            )
    return rows


def choose(pooled_auc: dict[str, float | None], enough_history: bool) -> str:
    """The model if its held-out AUC is at least the best baseline's; else that baseline; and, without
    enough history to judge, the share of meetings missed as it is."""
    if not enough_history or pooled_auc.get(MODEL) is None:
        return UNCALIBRATED
    best = max(BASELINES, key=lambda name: pooled_auc.get(name) or 0.0)  # ties: the first in BASELINES
    return MODEL if pooled_auc[MODEL] >= (pooled_auc.get(best) or 0.0) else best


def _scores(scorer: Scorer, fitted: Pipeline | None, rows: pl.DataFrame) -> np.ndarray:
    """The fitted probability, or without a fit the one column as it is."""
    if fitted is None:
        return rows[scorer.columns[0]].cast(pl.Float64).fill_null(0.0).to_numpy()
    return probability(fitted, rows, scorer.columns)


def _auc(rows: pl.DataFrame, scores: np.ndarray) -> float | None:
    """The AUC on the points judged (dropped out or stayed); None below MIN_AUC_DROPOUTS dropouts."""
    if _dropouts(rows, "warning_outcome") < MIN_AUC_DROPOUTS:
        return None
    judged, cases, _ = _judged(rows)
    return evaluation.auc(scores[judged], cases)


def _judged(rows: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which points are judged (dropped out or stayed), and, of those, the cases and their groups."""
    judged = rows["warning_outcome"].is_in(["dropped_out", "stayed"]).to_numpy()
    return judged, (rows["warning_outcome"] == "dropped_out").to_numpy()[judged], rows["group_id"].to_numpy()[judged]


def _resampled(rows: pl.DataFrame, scores: np.ndarray) -> np.ndarray | None:
    """The score's AUC on each resample of groups, None below MIN_AUC_DROPOUTS dropouts."""
    judged, cases, groups = _judged(rows)
    if _dropouts(rows, "warning_outcome") < MIN_AUC_DROPOUTS:
        return None
    return evaluation.resampled_aucs(scores[judged], cases, groups)


def _auc_row(
    rows: pl.DataFrame,
    scores: np.ndarray | None,
    resampled: np.ndarray | None,
    baseline: tuple[float, np.ndarray] | None,
) -> dict:
    """The AUC on the points judged, its interval (from `resampled`, the score's AUCs on each resample of
    groups), its gain over the best baseline (`baseline`: its AUC, and its AUCs on the same resamples) with
    that gain's interval, and the counts."""
    judged, cases, _ = _judged(rows)
    auc = low = high = gain = gain_low = gain_high = None
    if resampled is not None:
        auc = evaluation.auc(scores[judged], cases)
        low, high = evaluation.interval(resampled)
        if baseline is not None:
            gain = auc - baseline[0]
            gain_low, gain_high = evaluation.interval(resampled - baseline[1])
    return {
        "auc": auc,
        "auc_low": low,
        "auc_high": high,
        "auc_gain": gain,
        "auc_gain_low": gain_low,
        "auc_gain_high": gain_high,
        "spells": rows.select("group_id", "member_id", "spell_no").n_unique(),
        "dropouts": _dropouts(rows, "warning_outcome"),
        "removals": rows.filter(pl.col("warning_outcome") == "removed")
        .select("group_id", "member_id", "spell_no")
        .n_unique(),
    }


@dataclass(frozen=True)
class Period:
    """The held-out year, from its first landmark to the as-of date: the roster rows a warning could come
    from (with cadence and facilitator), and the spells that dropped out in its windows."""

    start: date
    points: pl.DataFrame  # from 90 days before the start: a warning for an early dropout comes from then
    dropouts: pl.DataFrame


def _held_out_period(history: History, held_out_from: date | None) -> Period:
    start = held_out_from or history.as_of
    early, late = USEFUL_DAYS
    # every roster row a warning for a held-out dropout could come from, and every meeting of the year
    points = (
        history.points.filter(pl.col("held_on") >= start - timedelta(days=late - early))
        .join(history.cadences, on="group_id")
        .sort("group_id", "held_on")
        .join_asof(
            # who facilitated the group that day: its latest assignment on or before it
            history.facilitators.sort("group_id", "assigned_on", "position").select(
                "group_id", pl.col("assigned_on").alias("held_on"), pl.col("member_id").alias("facilitator")
            ),
            on="held_on",
            by="group_id",
            strategy="backward",
            check_sortedness=False,  # sorted above, within each group
        )
        .with_columns(pl.col("facilitator").fill_null(pl.lit("group ") + pl.col("group_id")))
    )
    dropouts = history.spells.filter(
        (pl.col("leave_reason") == "dropped_out")
        & (pl.col("left_on") > start + timedelta(days=early))
        & (pl.col("left_on") <= history.as_of)
    ).join(history.cadences, on="group_id")
    return Period(start, points, dropouts)


def _alerts(scorer: Scorer, fitted: Pipeline | None, points: pl.DataFrame, levels: Levels) -> np.ndarray:
    """Whether each roster row is at medium level or above, as this score would be used: a fitted one by
    its probability; the rules at their first cut; the share of meetings missed, unfitted, at its own."""
    if fitted is not None:
        return probability(fitted, points, scorer.columns) >= levels.medium_probability
    cut = RULES_MEDIUM if scorer.name == RULES else levels.medium_absence_rate
    return points[scorer.columns[0]].cast(pl.Float64).fill_null(0.0).to_numpy() >= cut


def _recall(period: Period, flagged: np.ndarray, cadence: str) -> float | None:
    """Of the held-out dropouts, the share warned at a roster meeting 120 to 30 days before they left, and
    before they had missed 3 in a row."""
    early, late = USEFUL_DAYS
    dropouts = period.dropouts if cadence == "all" else period.dropouts.filter(pl.col("cadence") == cadence)
    if dropouts.is_empty():
        return None
    rows = period.points.with_columns(pl.Series("flagged", flagged)).join(
        dropouts.select("group_id", "member_id", "spell_no", "left_on"), on=["group_id", "member_id", "spell_no"]
    )
    window = rows.filter(
        (pl.col("held_on") >= pl.col("left_on") - timedelta(days=late))
        & (pl.col("held_on") <= pl.col("left_on") - timedelta(days=early))
    ).sort("held_on", "meeting_no")
    before_three = window.filter(
        (pl.col("missed_in_a_row") >= 3).cum_sum().over(["group_id", "member_id", "spell_no"]) == 0
    )
    warned = before_three.filter("flagged").select("group_id", "member_id", "spell_no").n_unique()
    return warned / dropouts.height


def _burden(period: Period, flagged: np.ndarray, cadence: str) -> float | None:
    """Check-ins asked of a facilitator per month: distinct (member, month) flagged at a meeting of the
    held-out year, over the (facilitator, month) pairs in which their groups met."""
    year = period.points.with_columns(
        pl.Series("flagged", flagged), pl.col("held_on").dt.truncate("1mo").alias("month")
    ).filter(pl.col("held_on") >= period.start)
    if cadence != "all":
        year = year.filter(pl.col("cadence") == cadence)
    facilitator_months = year.select("facilitator", "month").n_unique()
    if not facilitator_months:
        return None
    alerts = year.filter("flagged").select("group_id", "member_id", "month").n_unique()
    return alerts / facilitator_months
