"""Members: latent traits, an engagement that drifts, and the dips and declines that pull it down.

Engagement is the one hidden quantity everything observable follows from (see `meeting`). A member who
will drop out is given a decline before they go, so what the warehouse sees of them in their last months
is true of real leavers; dips that recover are what keep that signal from being perfect.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from synthetic.calendar import DAY
from synthetic.vocabulary import DROPPED_OUT, GRADUATED, LEFT_FOR_OTHER_REASONS, MOVED, REMOVED

# Per member-year. Dropout is likelier in the first six months and for members who were never very engaged.
DROPOUT_RATE_EARLY, DROPOUT_RATE_LATER, EARLY_DAYS = 0.25, 0.10, 183
MOVED_RATE, OTHER_RATE, GRADUATED_RATE, GRADUATES_AFTER_DAYS = 0.03, 0.02, 0.05, 540
DIP_RATE = 0.15  # temporary disengagement that does not end in dropout (busy season, illness, a sale)
SHORTEST_SPELL_DAYS = 45


@dataclass(slots=True)
class Commitment:
    id: str
    made_at: int  # index of the meeting it was made at
    due_on: date
    times_carried: int = 0
    forgotten: bool = False  # nobody will ever follow it up: a few stay open for good


@dataclass(slots=True, eq=False)
class Member:
    id: str
    joined_on: date
    baseline: float  # the engagement this member drifts around
    talkativeness: float
    lateness: float
    engagement_walk: float
    walked_on: date
    leaves_on: date | None = None
    leave_reason: str = ""
    # Before dropping out: engagement fades from the first date to `floor` (a multiplier) by the second.
    decline: tuple[date, date, float] | None = None
    dips: list[tuple[date, date, float]] = field(default_factory=list)
    dominance: float = 0.0  # the multiple of a fair share of airtime a dominant speaker takes
    last_presented: int = 0  # index of the meeting they last presented at, or first could have
    open_commitments: list[Commitment] = field(default_factory=list)

    def engagement_on(self, day: date, rng: random.Random) -> float:
        """Engagement (0-1) on `day`: a mean-reverting random walk, pulled down by any dip or decline."""
        elapsed = (day - self.walked_on).days
        if elapsed > 0:
            months = elapsed / 30.4
            self.engagement_walk += (self.baseline - self.engagement_walk) * min(1.0, 0.1 * months) + rng.gauss(
                0, 0.04 * math.sqrt(months)
            )
            self.engagement_walk = min(1.0, max(0.05, self.engagement_walk))
            self.walked_on = day
        engagement = self.engagement_walk
        if self.decline and day > self.decline[0]:
            start, bottom, floor = self.decline
            engagement *= 1 - (1 - floor) * min(1.0, (day - start) / (bottom - start))
        elif (day - self.joined_on).days < 90:  # newcomers are keen, unless they are already fading
            engagement = min(1.0, engagement * 1.1)
        return engagement * through_dips(self.dips, day)

    def plan_spell(self, until: date, rng: random.Random) -> None:
        """Decide when and why this member will leave, and the disengagement that comes before it."""
        risk = math.exp(2.5 * (0.78 - self.baseline))
        dropout = _piecewise_exponential(rng, DROPOUT_RATE_EARLY * risk, DROPOUT_RATE_LATER * risk, EARLY_DAYS)
        days, reason = min(
            (dropout, DROPPED_OUT),
            (rng.expovariate(MOVED_RATE / 365), MOVED),
            (rng.expovariate(OTHER_RATE / 365), LEFT_FOR_OTHER_REASONS),
            (GRADUATES_AFTER_DAYS + rng.expovariate(GRADUATED_RATE / 365), GRADUATED),
        )
        leaves_on = self.joined_on + timedelta(days=max(SHORTEST_SPELL_DAYS, int(days)))
        if reason == DROPPED_OUT and rng.random() < 0.15:
            reason = REMOVED
        if reason == DROPPED_OUT or (reason == REMOVED and rng.random() < 0.5):
            # They have mostly stopped coming for a few weeks before they tell anyone.
            gone = max(self.joined_on + DAY, leaves_on - timedelta(days=rng.randint(14, 45)))
            fading_from = max(self.joined_on, gone - timedelta(days=rng.randint(90, 180)))
            self.decline = (fading_from, max(gone, fading_from + DAY), rng.uniform(0.03, 0.2))
        if leaves_on <= until:
            self.leaves_on, self.leave_reason = leaves_on, reason
        self.dips = plan_dips(rng, self.joined_on, min(leaves_on, until), DIP_RATE, (45, 120), (0.35, 0.65))


# -- dips and declines -----------------------------------------------------------------------------------


def plan_dips(
    rng: random.Random, start: date, end: date, rate: float, days: tuple[int, int], depth: tuple[float, float]
) -> list[tuple[date, date, float]]:
    """Spells of lowered engagement arriving at `rate` a year between `start` and `end`."""
    dips = []
    dip_starts = start + timedelta(days=rng.expovariate(rate / 365))
    while dip_starts < end:
        dip_ends = dip_starts + timedelta(days=rng.randint(*days))
        dips.append((dip_starts, dip_ends, rng.uniform(*depth)))
        dip_starts = dip_ends + timedelta(days=rng.expovariate(rate / 365))
    return dips


def through_dips(dips: list[tuple[date, date, float]], day: date) -> float:
    """The engagement multiplier on `day`: each dip sinks to its depth half-way through, then recovers."""
    factor = 1.0
    for start, end, depth in dips:
        if start < day < end:
            factor *= 1 - (1 - depth) * (1 - abs(2 * (day - start) / (end - start) - 1))
    return factor


def _piecewise_exponential(rng: random.Random, early_rate: float, later_rate: float, early_days: int) -> float:
    """Days until an event whose yearly rate is `early_rate` for `early_days`, then `later_rate`."""
    effort = rng.expovariate(1.0)
    early_effort = early_rate * early_days / 365
    if effort < early_effort:
        return effort / early_rate * 365
    return early_days + (effort - early_effort) / later_rate * 365
