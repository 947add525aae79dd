"""Members: latent traits, an engagement that drifts, and the dips, absences and declines that pull it down.

Engagement is the one hidden quantity everything observable follows from (see `meeting`). How much of a
dropout shows before it happens is the programme's `Precursor`: from `strong` (most leavers fade for
months first, and the less engaged leave more often) to `none` (leaving is a constant-rate event that
nothing the warehouse sees foretells), so the dropout warning can be tested on what is really there.
In every variant some dropouts give no warning at all (a life event, an early exit), and stayers go
through dips that recover and leaves of absence (months of missed meetings, then back): the cases that
keep any signal from being perfect.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from synthetic.calendar import DAY
from synthetic.vocabulary import DROPPED_OUT, GRADUATED, LEFT_FOR_OTHER_REASONS, MOVED, REMOVED

EARLY_DAYS = 183  # the first six months of a spell, when (but for `none`) dropping out is likelier
EARLY_EXIT_DAYS = 90  # a dropout this early never settled in: it leaves without fading first
MOVED_RATE, OTHER_RATE, GRADUATED_RATE, GRADUATES_AFTER_DAYS = 0.03, 0.02, 0.05, 540
DIP_RATE = 0.15  # temporary disengagement that does not end in dropout (busy season, illness, a sale)
AWAY_RATE, AWAY_DAYS = 0.06, (60, 150)  # leaves of absence (sabbatical, illness, a deal abroad), then back
SHORTEST_SPELL_DAYS = 45


@dataclass(frozen=True)
class Precursor:
    """What the warehouse can see of a dropout before it happens."""

    early_rate: float  # dropouts per member-year in the first EARLY_DAYS of a spell,
    later_rate: float  # and after them, for a member of typical engagement
    engagement_link: float  # how much a low baseline engagement raises both rates (0: not at all)
    fading: float  # the share of later dropouts who fade first; the others leave with no warning
    fade_days: tuple[int, int]  # how long before they stop coming the fade begins
    floor: tuple[float, float]  # how low it takes their engagement (a multiplier)
    gone_days: tuple[int, int]  # how long before they tell anyone they have stopped coming


PRECURSORS = {
    # Most leavers fade for three to six months, nearly to nothing, then stop coming weeks before they say so.
    "strong": Precursor(0.25, 0.10, 2.5, 0.75, (90, 180), (0.03, 0.2), (14, 45)),
    # Half fade, shallowly and for a month or four; a weaker link to how engaged they ever were.
    "weak": Precursor(0.20, 0.11, 1.2, 0.5, (30, 120), (0.3, 0.6), (0, 21)),
    # They fade hard but only in their last weeks, too late for a warning to help; nothing else tells.
    "late": Precursor(0.12, 0.12, 0.0, 0.75, (10, 30), (0.03, 0.2), (0, 7)),
    # Leaving is a constant-rate event: nothing the warehouse sees, tenure included, foretells it.
    "none": Precursor(0.12, 0.12, 0.0, 0.0, (0, 0), (1.0, 1.0), (0, 0)),
}
DEFAULT_PRECURSOR = "weak"


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
    away: list[tuple[date, date, float]] = field(default_factory=list)  # leaves of absence
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

    def away_on(self, day: date) -> bool:
        """On a leave of absence: they miss the meetings, whatever their engagement, and come back."""
        return any(start <= day <= end for start, end, _ in self.away)

    def plan_spell(self, until: date, rng: random.Random, precursor: Precursor) -> None:
        """Decide when and why this member will leave, the disengagement that comes before it (as the
        precursor says), and the dips and leaves of absence of their spell, which foretell nothing."""
        risk = math.exp(precursor.engagement_link * (0.78 - self.baseline))
        dropout = _piecewise_exponential(rng, precursor.early_rate * risk, precursor.later_rate * risk, EARLY_DAYS)
        days, reason = min(
            (dropout, DROPPED_OUT),
            (rng.expovariate(MOVED_RATE / 365), MOVED),
            (rng.expovariate(OTHER_RATE / 365), LEFT_FOR_OTHER_REASONS),
            (GRADUATES_AFTER_DAYS + rng.expovariate(GRADUATED_RATE / 365), GRADUATED),
        )
        leaves_on = self.joined_on + timedelta(days=max(SHORTEST_SPELL_DAYS, int(days)))
        if reason == DROPPED_OUT and rng.random() < 0.15:
            reason = REMOVED
        fades = rng.random() < precursor.fading * (1.0 if reason == DROPPED_OUT else 0.5)
        early_exit = (leaves_on - self.joined_on).days <= EARLY_EXIT_DAYS
        if reason in (DROPPED_OUT, REMOVED) and fades and not early_exit:
            # They fade, then have mostly stopped coming for a while before they tell anyone.
            gone = max(self.joined_on + DAY, leaves_on - timedelta(days=rng.randint(*precursor.gone_days)))
            fading_from = max(self.joined_on, gone - timedelta(days=rng.randint(*precursor.fade_days)))
            self.decline = (fading_from, max(gone, fading_from + DAY), rng.uniform(*precursor.floor))
        if leaves_on <= until:
            self.leaves_on, self.leave_reason = leaves_on, reason
        self.dips = plan_dips(rng, self.joined_on, min(leaves_on, until), DIP_RATE, (45, 120), (0.35, 0.65))
        self.away = plan_dips(rng, self.joined_on, min(leaves_on, until), AWAY_RATE, AWAY_DAYS, (0.0, 0.0))


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
