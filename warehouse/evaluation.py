"""How well a score ranks an outcome: ROC AUC, and its 95% interval from a bootstrap over whole groups.

The AUC is the chance that a case with the outcome was scored above one without it, ties counting half
(Mann–Whitney). Points of one group are not independent (same facilitator, same mood, the same member
seen at several landmarks), so the interval resamples groups, not points: each draw takes as many groups
as there are, with replacement, and every point of a group drawn k times counts k times. The draws come
from a fixed seed, so the same data give the same interval (the warehouse is rebuilt, never migrated).

Plain numpy arithmetic, no fitting: `sklearn.metrics.roc_auc_score` gives the same AUC (a test checks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DRAWS = 1000  # bootstrap resamples: enough for stable 2.5% and 97.5% percentiles
SEED = 20260101
CHUNK = 100  # draws weighed at once, to bound memory on large programmes


def auc(scores: Sequence[float], outcomes: Sequence[bool]) -> float | None:
    """P(a case with the outcome scored above one without), ties counting half; None without both."""
    found = _weighted_auc(np.asarray(scores, dtype=float), np.asarray(outcomes, dtype=bool), None)
    return None if np.isnan(found[0]) else float(found[0])


def auc_interval(
    scores: Sequence[float], outcomes: Sequence[bool], groups: Sequence[str], draws: int = DRAWS, seed: int = SEED
) -> tuple[float | None, float | None]:
    """The 2.5th and 97.5th percentiles of the AUC over `draws` resamples of whole groups; None, None
    when the AUC is not defined, or not in most draws."""
    return interval(resampled_aucs(scores, outcomes, groups, draws, seed))


def resampled_aucs(
    scores: Sequence[float], outcomes: Sequence[bool], groups: Sequence[str], draws: int = DRAWS, seed: int = SEED
) -> np.ndarray:
    """The AUC on each of `draws` resamples of whole groups (NaN where a resample lacks a case or a
    non-case). The same seed and groups draw the same resamples, so two scores' arrays pair up.

    A draw weighs every point of a group by the times k the group was drawn, so its AUC's numerator is
    the sum over pairs of groups (g, h) of k_g · k_h · wins(g, h), where wins(g, h) is what the cases of g
    win over the non-cases of h (ties half). That groups × groups table is made once, and each draw is
    then a product with it; without room for the table (more than PAIR_TABLE_GROUPS groups) each draw
    weighs every point instead. Both give the same AUCs."""
    scores, outcomes = np.asarray(scores, dtype=float), np.asarray(outcomes, dtype=bool)
    names, group_of = np.unique(np.asarray(groups, dtype=object).astype(str), return_inverse=True)
    if outcomes.size == 0 or outcomes.all() or not outcomes.any():
        return np.full(draws, np.nan)
    wins = _wins_by_group_pair(scores, outcomes, group_of, len(names)) if len(names) <= PAIR_TABLE_GROUPS else None
    cases = np.bincount(group_of, weights=outcomes, minlength=len(names))
    others = np.bincount(group_of, weights=~outcomes, minlength=len(names))
    rng = np.random.default_rng(seed)
    found = []
    for first in range(0, draws, CHUNK):
        n = min(CHUNK, draws - first)
        times_drawn = rng.multinomial(len(names), np.full(len(names), 1 / len(names)), size=n).astype(float)
        if wins is None:
            found.append(_weighted_auc(scores, outcomes, times_drawn[:, group_of]))
            continue
        pairs = (times_drawn @ cases) * (times_drawn @ others)
        with np.errstate(invalid="ignore", divide="ignore"):
            found.append(np.where(pairs > 0, ((times_drawn @ wins) * times_drawn).sum(axis=1) / pairs, np.nan))
    return np.concatenate(found)


PAIR_TABLE_GROUPS = 4000  # a groups × groups table of at most 128 MB


def _wins_by_group_pair(scores: np.ndarray, outcomes: np.ndarray, group_of: np.ndarray, groups: int) -> np.ndarray:
    """wins[g, h]: over the cases of group g and the non-cases of group h, the pairs the case scored above,
    ties counting half."""
    case_scores, case_groups = scores[outcomes], group_of[outcomes]
    other_scores, other_groups = scores[~outcomes], group_of[~outcomes]
    order = np.lexsort((other_scores, other_groups))  # by group, then score
    other_scores, other_groups = other_scores[order], other_groups[order]
    bounds = np.searchsorted(other_groups, np.arange(groups + 1))
    wins = np.zeros((groups, groups))
    for h in np.flatnonzero(np.diff(bounds)):
        block = other_scores[bounds[h] : bounds[h + 1]]
        below = np.searchsorted(block, case_scores, side="left")
        tied = np.searchsorted(block, case_scores, side="right") - below
        wins[:, h] = np.bincount(case_groups, weights=below + 0.5 * tied, minlength=groups)
    return wins


def interval(values: np.ndarray) -> tuple[float | None, float | None]:
    """The 2.5th and 97.5th percentiles of resampled values; None, None if most are NaN."""
    known = values[~np.isnan(values)]
    if known.size < values.size / 2:
        return None, None
    low, high = np.percentile(known, [2.5, 97.5])
    return float(low), float(high)


def _weighted_auc(scores: np.ndarray, outcomes: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """The AUC under each row of `weights` (draws × points; None: every point once), by sorting once:
    per distinct score, the weight of cases and non-cases; each case beats the non-cases below its score
    and ties half of those at it."""
    weights = np.ones((1, scores.size)) if weights is None else weights
    order = np.argsort(scores, kind="stable")
    ordered = scores[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if ordered.size else np.array([], dtype=int)
    if starts.size == 0:
        return np.full(weights.shape[0], np.nan)
    case = outcomes[order].astype(float)
    w = weights[:, order]
    cases = np.add.reduceat(w * case, starts, axis=1)
    others = np.add.reduceat(w * (1 - case), starts, axis=1)
    others_below = np.cumsum(others, axis=1) - others
    wins = (cases * (others_below + 0.5 * others)).sum(axis=1)
    pairs = cases.sum(axis=1) * others.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, wins / pairs, np.nan)


def share_interval(
    outcomes: Sequence[bool], groups: Sequence[str], draws: int = DRAWS, seed: int = SEED
) -> tuple[float | None, float | None]:
    """The 2.5th and 97.5th percentiles of the share of `outcomes` that are true, over `draws` resamples
    of whole groups; None, None without outcomes."""
    outcomes = np.asarray(outcomes, dtype=float)
    if outcomes.size == 0:
        return None, None
    names, group_of = np.unique(np.asarray(groups, dtype=object).astype(str), return_inverse=True)
    per_group = np.bincount(group_of, weights=outcomes, minlength=len(names))
    size = np.bincount(group_of, minlength=len(names)).astype(float)
    times_drawn = np.random.default_rng(seed).multinomial(len(names), np.full(len(names), 1 / len(names)), size=draws)
    shares = (times_drawn @ per_group) / (times_drawn @ size)
    low, high = np.percentile(shares, [2.5, 97.5])
    return float(low), float(high)
