"""The evaluation's arithmetic (warehouse/evaluation.py) against independent computations: the AUC against
a plain double loop and scikit-learn's `roc_auc_score`, each bootstrap draw against scikit-learn's
weighted AUC on the same groups drawn, and the share's interval against a plain loop."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from warehouse import evaluation


def double_loop_auc(scores, outcomes) -> float:
    cases = [s for s, o in zip(scores, outcomes, strict=True) if o]
    others = [s for s, o in zip(scores, outcomes, strict=True) if not o]
    wins = sum(1.0 if c > n else 0.5 if c == n else 0.0 for c in cases for n in others)
    return wins / (len(cases) * len(others))


@pytest.fixture
def points():
    rng = np.random.default_rng(3)
    outcomes = rng.random(400) < 0.15
    scores = np.round(rng.normal(size=400) + 0.8 * outcomes, 1)  # rounded: many ties
    groups = np.array([f"g{i % 37}" for i in range(400)])
    return scores, outcomes, groups


def test_the_auc_is_the_mann_whitney_share_with_ties_half(points):
    scores, outcomes, _ = points
    assert evaluation.auc(scores, outcomes) == pytest.approx(double_loop_auc(scores, outcomes), abs=1e-12)
    assert evaluation.auc(scores, outcomes) == pytest.approx(roc_auc_score(outcomes, scores), abs=1e-12)
    assert evaluation.auc([1, 2, 3], [False, False, True]) == 1.0
    assert evaluation.auc([1, 1, 1], [False, True, True]) == 0.5  # all tied: guessing
    assert evaluation.auc([1, 2], [True, True]) is None and evaluation.auc([], []) is None


def test_each_bootstrap_draw_is_the_auc_on_whole_groups_drawn_with_replacement(points):
    scores, outcomes, groups = points
    draws = evaluation.resampled_aucs(scores, outcomes, groups, draws=20, seed=11)
    # the same groups drawn, by the same generator: each drawn k times weighs k times
    names, group_of = np.unique(groups, return_inverse=True)
    times_drawn = np.random.default_rng(11).multinomial(len(names), np.full(len(names), 1 / len(names)), size=20)
    for draw, counts in zip(draws, times_drawn, strict=True):
        weights = counts[group_of]
        assert draw == pytest.approx(roc_auc_score(outcomes, scores, sample_weight=weights), abs=1e-12)
    assert len(set(np.round(draws, 12))) > 15  # the draws differ


def test_the_interval_is_stable_contains_the_auc_and_narrows_with_more_groups(points):
    scores, outcomes, groups = points
    low, high = evaluation.auc_interval(scores, outcomes, groups)
    assert (low, high) == evaluation.auc_interval(scores, outcomes, groups)  # a fixed seed
    assert low < evaluation.auc(scores, outcomes) < high
    wide = np.tile(scores, 4), np.tile(outcomes, 4), np.concatenate([[f"{g}-{k}" for g in groups] for k in range(4)])
    narrow_low, narrow_high = evaluation.auc_interval(*wide)
    assert narrow_high - narrow_low < high - low
    assert evaluation.auc_interval(scores, np.zeros(400, dtype=bool), groups) == (None, None)


def test_a_scores_gain_over_itself_is_exactly_nothing_and_the_pairing_narrows_the_gain(points):
    scores, outcomes, groups = points

    def gain(a, b):  # as the dropout evaluation takes it: one resampling shared by both scores
        return evaluation.interval(
            evaluation.resampled_aucs(a, outcomes, groups) - evaluation.resampled_aucs(b, outcomes, groups)
        )

    assert gain(scores, scores) == (0.0, 0.0)
    noisy = scores + np.random.default_rng(5).normal(scale=0.5, size=scores.size)
    low, high = gain(scores, noisy)
    point = evaluation.auc(scores, outcomes) - evaluation.auc(noisy, outcomes)
    assert low < point < high
    # paired: narrower than the two intervals taken apart would suggest
    a_low, a_high = evaluation.auc_interval(scores, outcomes, groups)
    b_low, b_high = evaluation.auc_interval(noisy, outcomes, groups)
    assert high - low < (a_high - a_low) + (b_high - b_low)


def test_the_share_interval_resamples_groups_like_a_plain_loop():
    outcomes = np.array([True, False, False, True, False, True, False, False])
    groups = np.array(["a", "a", "b", "b", "c", "c", "d", "d"])
    names, group_of = np.unique(groups, return_inverse=True)
    times_drawn = np.random.default_rng(evaluation.SEED).multinomial(4, np.full(4, 0.25), size=evaluation.DRAWS)
    shares = []
    for counts in times_drawn:
        weights = counts[group_of]
        shares.append(sum(w * o for w, o in zip(weights, outcomes, strict=True)) / weights.sum())
    assert evaluation.share_interval(outcomes, groups) == pytest.approx(tuple(np.percentile(shares, [2.5, 97.5])))
    assert evaluation.share_interval([], []) == (None, None)
