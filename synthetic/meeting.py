"""A meeting, as the members' engagement on the day shows in it: who turns up, who presents, who speaks
and for how long, and how the commitments due are followed up.
"""

from __future__ import annotations

import math
import random

from synthetic.members import Member
from synthetic.vocabulary import ABSENT, CARRIED_FORWARD, DONE, DROPPED, EXCUSED, LATE, NOT_DONE, PARTIAL, PRESENT


def turn_up(rng: random.Random, member: Member, engagement: float, turnout: float, virtual: bool) -> str:
    chance = turnout / (1 + math.exp(-(1.2 + 5.0 * (engagement - 0.5)))) + (0.03 if virtual else 0.0)
    if rng.random() < chance:
        late = member.lateness * (2 - engagement) * (0.5 if virtual else 1.0)
        return LATE if rng.random() < late else PRESENT
    # Engaged members send apologies; drifting ones just do not come.
    return EXCUSED if rng.random() < 0.25 + 0.55 * engagement else ABSENT


def choose_presenters(
    rng: random.Random, index: int, attendees: list[Member], how_many: tuple[int, int]
) -> list[Member]:
    """Presenting rotates: whoever has waited longest is likeliest to bring a challenge."""
    candidates = list(attendees)
    chosen = []
    for _ in range(min(len(candidates), rng.randint(*how_many))):
        waited = [(index - m.last_presented + 1) ** 2 for m in candidates]
        chosen.append(candidates.pop(rng.choices(range(len(candidates)), waited)[0]))
    for member in chosen:
        member.last_presented = index
    return chosen


def airtime(
    rng: random.Random, hours: float, attendees: list[Member], engagement: dict[str, float], presenters: list[Member]
) -> dict[str, int]:
    """Seconds each attendee spoke: talkative, engaged and presenting members speak more (a presenter
    can take twice a fair share at the meeting they present at, and no other), disengaged ones go quiet,
    and a dominant speaker takes their multiple of a fair share whoever else is there."""
    total = hours * 3600 * rng.uniform(0.6, 0.8) * (0.8 + 0.02 * len(attendees))
    # Whoever brings a challenge holds the floor while the group works on it: often twice their usual.
    presenting = {m.id: rng.uniform(1.5, 3.0) for m in presenters}
    weights = {}
    for member in attendees:
        e = engagement[member.id]
        if rng.random() < 0.004 + 0.12 * (1 - e) ** 3:
            weights[member.id] = 0.0
        else:
            # Engagement hardly changes how much someone says until it is low; then they go quiet.
            weights[member.id] = (
                member.talkativeness
                * min(1.0, e / 0.55) ** 2
                * rng.lognormvariate(0, 0.2)
                * (presenting[member.id] if member.id in presenting else 1.0)
            )
    dominant = next((m for m in attendees if m.dominance), None)
    dominant_share = 0.0
    if dominant and len(attendees) >= 3:
        dominant_share = min(0.6, dominant.dominance * rng.lognormvariate(0, 0.12) / len(attendees))
        weights[dominant.id] = 0.0
    others = sum(weights.values())
    if others == 0:  # nobody else said a word: the meeting was not silent, the recorder was
        weights = {m.id: 1.0 for m in attendees}
        others, dominant_share = float(len(attendees)), 0.0
    seconds = {m: round(total * (1 - dominant_share) * w / others) for m, w in weights.items()}
    if dominant_share:
        seconds[dominant.id] = round(total * dominant_share)
    return seconds


def follow_up_outcome(rng: random.Random, engagement: float, may_carry: bool) -> str:
    done = 0.10 + 0.62 * engagement
    carried = 0.07 + 0.06 * (1 - engagement) if may_carry else 0.0
    dropped = 0.02 + 0.12 * (1 - engagement)
    not_done = max(0.0, 1 - done - 0.17 - carried - dropped)
    return rng.choices((DONE, PARTIAL, CARRIED_FORWARD, DROPPED, NOT_DONE), (done, 0.17, carried, dropped, not_done))[0]
