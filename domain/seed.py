"""A synthetic but realistic programme of peer groups, written as IMPORT.md commands.

Each group lives its own life, meeting by meeting. Its members carry latent traits: how talkative they
are, and how engaged, which drifts slowly around a personal baseline. Engagement drives everything the
warehouse measures: turning up, keeping commitments, speaking, rating the meeting. A member who will drop
out disengages over a few months first, so the dropout-risk signals have something true to find; other
members go through dips and recover, so they cannot find it perfectly. Leavers are replaced a meeting or
two later. About one group in four has a member who takes two to four times a fair share of the airtime.

Groups are simulated independently, each from its own random stream derived from (seed, group number),
and shipped in batches of a few groups whose commands reference nothing outside the batch, so a batch can
be applied in its own transaction and a programme of millions of commands never sits in memory at once.
"""

from __future__ import annotations

import math
import random
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

GROUPS_PER_BATCH = 10
DAY = timedelta(days=1)

CADENCES = {"weekly": 0.15, "biweekly": 0.20, "monthly": 0.50, "quarterly": 0.15}
MEETING_HOURS = {"weekly": 2.5, "biweekly": 3.0, "monthly": 3.5, "quarterly": 4.0}
# How many meetings ahead a commitment falls due: weekly groups commit to things that take a month.
DUE_IN_MEETINGS = {"weekly": (1, 2, 2, 4), "biweekly": (1, 1, 2), "monthly": (1, 1, 1, 2), "quarterly": (1,)}
PRESENTERS = {"weekly": (1, 2), "biweekly": (1, 2), "monthly": (2, 3), "quarterly": (2, 3)}
TOPICS = {"strategic_planning": 20, "people_and_talent": 20, "growth": 15, "finance": 12,
          "change_management": 10, "conflict_resolution": 8, "personal": 10, "other": 5}
TOPIC_NAMES, TOPIC_WEIGHTS = list(TOPICS), list(TOPICS.values())

# Per member-year. Dropout is likelier in the first six months and for members who were never very engaged.
DROPOUT_RATE_EARLY, DROPOUT_RATE_LATER, EARLY_DAYS = 0.25, 0.10, 183
MOVED_RATE, OTHER_RATE, GRADUATED_RATE, GRADUATES_AFTER_DAYS = 0.03, 0.02, 0.05, 540
DIP_RATE = 0.15  # temporary disengagement that does not end in dropout (busy season, illness, a sale)
ROUGH_PATCH_RATE = 0.3  # per group-year: a conflict or a lost facilitator takes the whole group down a while
SHORTEST_SPELL_DAYS = 45
GROUP_CLOSES = 0.03
MISRECORDED = 0.01  # share of attendance rows someone later corrects

# A slip of the pen and what it really was: corrections only ever turn a non-attendee into an attendee or
# swap within a side, so commitments and ratings made at the meeting stay valid after the correction.
SLIPS = {"present": ("absent", "absent", "late"), "late": ("present",), "absent": ("excused",), "excused": ("absent",)}


# -- the programme ---------------------------------------------------------------------------------------

def generate_programme(groups: int = 12, months: int = 24, seed: int = 7,
                       until: date | None = None) -> Iterator[list[dict]]:
    """Batches of import commands (IMPORT.md), made lazily, each self-contained and in an order the domain
    accepts line by line.

    The meetings run over the `months` months ending at `until` (default today); nothing is dated after
    it except the due dates of commitments, which may lie in the future. The same arguments always give
    the same commands, and a group's commands do not depend on how many groups come before or after it.
    """
    if groups < 0 or months < 1:
        raise ValueError("a programme needs groups >= 0 and months >= 1")
    until = until or date.today()
    window = Window(first_day=_add_months(until, -months) + DAY, last_day=until)
    return (_batch(range(first, min(first + GROUPS_PER_BATCH, groups + 1)), window, seed)
            for first in range(1, groups + 1, GROUPS_PER_BATCH))


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date


def _batch(numbers: range, window: Window, seed: int) -> list[dict]:
    facilitators = _facilitators_for(numbers, seed)
    commands = [_register_facilitator(f, seed) for f in dict.fromkeys(f for f in facilitators.values() if f)]
    for number in numbers:
        commands += PeerGroup(number, window, seed, facilitators[number]).live()
    return commands


def _facilitators_for(numbers: range, seed: int) -> dict[int, str | None]:
    """Who runs each group: usually an outside facilitator, some running a few neighbouring groups, and
    now and then one of the group's own members (None). Facilitators never span batches."""
    rng = random.Random(f"{seed}:facilitators:{numbers.start}")
    chosen: dict[int, str | None] = {}
    facilitator, runs_left = "", 0
    for number in numbers:
        if runs_left == 0:
            facilitator, runs_left = f"f{number:04d}", rng.choices((1, 2, 3), (0.6, 0.25, 0.15))[0]
        runs_left -= 1
        chosen[number] = None if rng.random() < 0.1 else facilitator
    return chosen


def _register_facilitator(facilitator: str, seed: int) -> dict:
    rng = random.Random(f"{seed}:facilitator:{facilitator}")
    first, last = _invent_name(rng)
    practice = f"{last} Leadership Coaching" if rng.random() < 0.6 else None
    command = {"type": "register_member", "member": facilitator, "name": f"{first} {last}",
               "email": _email(first, last, facilitator, practice)}
    if practice:
        command["company"] = practice
    command["title"] = rng.choice(("Facilitator", "Executive Coach", "Forum Chair", "Group Facilitator"))
    return command


# -- people ----------------------------------------------------------------------------------------------

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
            self.engagement_walk += ((self.baseline - self.engagement_walk) * min(1.0, 0.1 * months)
                                     + rng.gauss(0, 0.04 * math.sqrt(months)))
            self.engagement_walk = min(1.0, max(0.05, self.engagement_walk))
            self.walked_on = day
        engagement = self.engagement_walk
        if self.decline and day > self.decline[0]:
            start, bottom, floor = self.decline
            engagement *= 1 - (1 - floor) * min(1.0, (day - start) / (bottom - start))
        elif (day - self.joined_on).days < 90:  # newcomers are keen, unless they are already fading
            engagement = min(1.0, engagement * 1.1)
        return engagement * _through_dips(self.dips, day)


# -- a group's life --------------------------------------------------------------------------------------

class PeerGroup:
    """One group from formation to `until`, emitting its commands in the order they happened."""

    def __init__(self, number: int, window: Window, seed: int, facilitator: str | None):
        self.rng = random.Random(f"{seed}:group:{number}")
        self.id = f"g{number:04d}"
        self.number = number
        self.until = window.last_day
        self.facilitator = facilitator
        self.commands: list[dict] = []
        self.active: dict[str, Member] = {}
        self.joining: list[date] = []  # dates on which new members are due to join
        self.members_so_far = 0
        self.commitments_so_far = 0
        self._plan(window)

    def _plan(self, window: Window) -> None:
        rng = self.rng
        self.cadence = rng.choices(list(CADENCES), list(CADENCES.values()))[0]
        span = (window.last_day - window.first_day).days
        # Most groups start meeting as the window opens; the rest start part-way through it.
        starts_in = rng.randint(0, min(30, span)) if rng.random() < 0.65 else rng.randint(0, int(0.75 * span))
        self.schedule = _meeting_dates(self.cadence, window.first_day + timedelta(days=starts_in),
                                       window.last_day + timedelta(days=400), rng)
        self.meetings = [d for d in self.schedule if d <= window.last_day]
        self.formed_on = min(self.schedule[0] - timedelta(days=rng.randint(7, 42)), window.last_day)
        self.closes = rng.random() < GROUP_CLOSES
        if self.closes:
            can_close_after = [i for i, d in enumerate(self.meetings)
                               if (d - self.formed_on).days > 365 and (window.last_day - d).days > 30]
            self.closes = bool(can_close_after)
            if self.closes:
                self.meetings = self.meetings[:rng.choice(can_close_after) + 1]
        self.target_size = rng.randint(8, 12)
        self.cohesion = min(0.93, max(0.5, rng.gauss(0.78, 0.1)))
        self.rough_patches = _dips(rng, self.formed_on, self.until, ROUGH_PATCH_RATE, (60, 180), (0.55, 0.85))
        if self.closes:  # a group that closes has been struggling for months
            months = timedelta(days=rng.randint(120, 240))
            self.rough_patches.append((self.meetings[-1] - months, self.meetings[-1] + months, rng.uniform(0.4, 0.6)))
        self.quality = rng.gauss(0, 0.4)
        self.airtime_recorded = rng.uniform(0.7, 0.98)
        self.lists_absentees = rng.random() > 0.1  # some trackers only list who came
        self.virtual_share = rng.choice((0.05, 0.05, 0.3, 0.9))
        self.has_dominant_speaker = rng.random() < 0.25

    def live(self) -> list[dict]:
        self._form()
        for index, held_on in enumerate(self.meetings):
            self._between_meetings(index, held_on)
            self._meet(index, held_on)
        if self.closes:
            self._close()
        else:
            self._between_meetings(len(self.meetings), self.until)
        return self.commands

    # -- formation and membership --------------------------------------------------------------------

    def _form(self) -> None:
        rng = self.rng
        command = {"type": "form_group", "group": self.id, "name": _group_name(self.number),
                   "cadence": self.cadence, "formed_on": self.formed_on.isoformat()}
        if rng.random() < 0.75:
            command["purpose"] = rng.choice(PURPOSES)
        self.commands.append(command)
        if self.facilitator:
            self._assign_facilitator(self.facilitator)
        first_meeting = min(self.schedule[0], self.until)
        founding = []
        for place in range(self.target_size):
            joined_on = self.formed_on if place == 0 or rng.random() < 0.7 else _day_between(
                rng, self.formed_on, first_meeting)
            # A member who facilitates their own group stays to the end.
            founding += self._admit(joined_on, first_meeting, leaves=place > 0 or bool(self.facilitator))
        founding.sort(key=lambda dated: dated[0])  # stable: the first founder's register and join lead
        for position, (_, command) in enumerate(founding):
            self.commands.append(command)
            if position == 1 and not self.facilitator:
                self._assign_facilitator(command["member"])
        if self.has_dominant_speaker:
            rng.choice(list(self.active.values())).dominance = rng.uniform(2.2, 3.6)

    def _assign_facilitator(self, member: str) -> None:
        self.commands.append({"type": "assign_facilitator", "group": self.id, "member": member,
                              "assigned_on": self.formed_on.isoformat()})

    def _admit(self, joined_on: date, first_meeting: date, leaves: bool = True) -> list[tuple[date, dict]]:
        """A new member, registered, joined and signed by their first meeting: their commands, dated."""
        rng = self.rng
        self.members_so_far += 1
        member_id = f"{self.id}-p{self.members_so_far:03d}"
        baseline = min(0.98, max(0.3, rng.gauss(self.cohesion, 0.1)))
        member = Member(id=member_id, joined_on=joined_on, baseline=baseline,
                        talkativeness=rng.lognormvariate(0, 0.25), lateness=rng.uniform(0.02, 0.12),
                        engagement_walk=baseline, walked_on=joined_on)
        if leaves:
            self._plan_spell(member)
        self.active[member_id] = member
        signed_on = min(joined_on + timedelta(days=rng.choice((0, 0, 0, 1, 2, 5))), first_meeting, self.until)
        return [(joined_on, _register(rng, member_id)),
                (joined_on, {"type": "join_group", "group": self.id, "member": member_id,
                             "joined_on": joined_on.isoformat()}),
                (signed_on, {"type": "sign_confidentiality", "group": self.id, "member": member_id,
                             "signed_on": signed_on.isoformat()})]

    def _plan_spell(self, member: Member) -> None:
        """Decide when and why this member will leave, and the disengagement that comes before it."""
        rng = self.rng
        risk = math.exp(2.5 * (0.78 - member.baseline))
        dropout = _piecewise_exponential(rng, DROPOUT_RATE_EARLY * risk, DROPOUT_RATE_LATER * risk, EARLY_DAYS)
        days, reason = min((dropout, "dropped_out"),
                           (rng.expovariate(MOVED_RATE / 365), "moved"),
                           (rng.expovariate(OTHER_RATE / 365), "other"),
                           (GRADUATES_AFTER_DAYS + rng.expovariate(GRADUATED_RATE / 365), "graduated"))
        leaves_on = member.joined_on + timedelta(days=max(SHORTEST_SPELL_DAYS, int(days)))
        if reason == "dropped_out" and rng.random() < 0.15:
            reason = "removed"
        if reason == "dropped_out" or (reason == "removed" and rng.random() < 0.5):
            # They have mostly stopped coming for a few weeks before they tell anyone.
            gone = max(member.joined_on + DAY, leaves_on - timedelta(days=rng.randint(14, 45)))
            fading_from = max(member.joined_on, gone - timedelta(days=rng.randint(90, 180)))
            member.decline = (fading_from, max(gone, fading_from + DAY), rng.uniform(0.03, 0.2))
        if leaves_on <= self.until:
            member.leaves_on, member.leave_reason = leaves_on, reason
        member.dips = _dips(rng, member.joined_on, min(leaves_on, self.until), DIP_RATE, (45, 120), (0.35, 0.65))

    def _between_meetings(self, index: int, up_to: date) -> None:
        """Leaves and joins dated after meeting index-1 and on or before `up_to`, in date order; then top
        the group back up to its size with newcomers who will join a meeting or two later."""
        rng = self.rng
        after = self.meetings[index - 1] + DAY if index else self.formed_on
        events = []
        for member in list(self.active.values()):
            # Never before a meeting they were on the roster of; if that is after `up_to`, not yet.
            left_on = max(member.leaves_on, after) if member.leaves_on else None
            if left_on and left_on <= up_to:
                del self.active[member.id]
                events.append((left_on, 0, [{"type": "leave_group", "group": self.id, "member": member.id,
                                             "left_on": left_on.isoformat(), "reason": member.leave_reason}]))
        arriving = [d for d in self.joining if d <= up_to]
        self.joining = [d for d in self.joining if d > up_to]
        for joined_on in arriving:
            events += [(on, 1, [command]) for on, command in self._admit(joined_on, up_to)]
        for _, _, commands in sorted(events, key=lambda e: (e[0], e[1])):
            self.commands += commands
        if rng.random() < 0.01:
            self.target_size = min(14, max(6, self.target_size + rng.choice((-1, 1))))
        while len(self.active) + len(self.joining) < self.target_size and rng.random() < 0.85:
            ahead = rng.choice((1, 2))
            opens = self.schedule[index + ahead - 1]
            self.joining.append(opens + timedelta(days=rng.randint(1, (self.schedule[index + ahead] - opens).days)))

    def _close(self) -> None:
        last = self.meetings[-1]
        closed_on = last + timedelta(days=self.rng.randint(1, 21))
        for member in self.active.values():  # their open commitments simply stay open
            self.commands.append({"type": "leave_group", "group": self.id, "member": member.id,
                                  "left_on": closed_on.isoformat(), "reason": "group_closed"})
        self.active.clear()

    # -- a meeting -------------------------------------------------------------------------------------

    def _meet(self, index: int, held_on: date) -> None:
        rng = self.rng
        meeting_id = f"{self.id}-m{index + 1:04d}"
        virtual = rng.random() < self.virtual_share
        roster = list(self.active.values())
        mood = _through_dips(self.rough_patches, held_on)
        engagement = {m.id: m.engagement_on(held_on, rng) * mood for m in roster}
        turnout = 0.93 if held_on.month in (8, 12) else 1.0
        recorded, corrections = {}, []
        for member in roster:
            status = _turn_up(rng, member, engagement[member.id], turnout, virtual)
            recorded[member.id] = status
            if rng.random() < MISRECORDED:
                recorded[member.id] = rng.choice(SLIPS[status])
                corrections.append((member.id, status))
        # Someone wrongly ticked absent has no airtime, commitment or rating recorded at this meeting.
        attendees = [m for m in roster if recorded[m.id] in ("present", "late")]
        presenters = self._choose_presenters(index, attendees)

        command = {"type": "hold_meeting", "group": self.id, "meeting": meeting_id,
                   "held_on": held_on.isoformat(), "topic": rng.choices(TOPIC_NAMES, TOPIC_WEIGHTS)[0]}
        if rng.random() < 0.95:
            command["format"] = "virtual" if virtual else "in_person"
        command["attendance"] = {m: s for m, s in recorded.items() if self.lists_absentees or s != "absent"}
        if attendees and rng.random() < self.airtime_recorded:
            command["speaking_seconds"] = self._airtime(attendees, engagement, presenters)
        if presenters:
            command["presenters"] = [m.id for m in presenters]
        if rng.random() < 0.08:
            command["guest_speaker"] = " ".join(_invent_name(rng))
        self.commands.append(command)
        for member_id, status in corrections:
            self.commands.append({"type": "correct_attendance", "meeting": meeting_id, "member": member_id,
                                  "status": status})

        for member in attendees:
            self._follow_up(member, index, meeting_id, held_on, engagement[member.id])
        for member in attendees:
            self._commit(member, index, meeting_id, held_on, engagement[member.id])
        for member in attendees:
            self._rate(member, meeting_id, engagement[member.id])

    def _choose_presenters(self, index: int, attendees: list[Member]) -> list[Member]:
        """Presenting rotates: whoever has waited longest is likeliest to bring a challenge."""
        rng = self.rng
        candidates = list(attendees)
        chosen = []
        for _ in range(min(len(candidates), rng.randint(*PRESENTERS[self.cadence]))):
            waited = [(index - m.last_presented + 1) ** 2 for m in candidates]
            chosen.append(candidates.pop(rng.choices(range(len(candidates)), waited)[0]))
        for member in chosen:
            member.last_presented = index
        return chosen

    def _airtime(self, attendees: list[Member], engagement: dict[str, float],
                 presenters: list[Member]) -> dict[str, int]:
        """Seconds each attendee spoke: talkative, engaged and presenting members speak more, disengaged
        ones go quiet, and a dominant speaker takes their multiple of a fair share whoever else is there."""
        rng = self.rng
        total = MEETING_HOURS[self.cadence] * 3600 * rng.uniform(0.6, 0.8) * (0.8 + 0.02 * len(attendees))
        weights = {}
        for member in attendees:
            e = engagement[member.id]
            if rng.random() < 0.004 + 0.12 * (1 - e) ** 3:
                weights[member.id] = 0.0
            else:
                # Engagement hardly changes how much someone says until it is low; then they go quiet.
                weights[member.id] = (member.talkativeness * min(1.0, e / 0.55) ** 2 * rng.lognormvariate(0, 0.2)
                                      * (1.5 if member in presenters else 1.0))
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

    def _follow_up(self, member: Member, index: int, meeting_id: str, held_on: date, engagement: float) -> None:
        rng = self.rng
        still_open = []
        for commitment in member.open_commitments:
            if commitment.forgotten or commitment.made_at == index or commitment.due_on > held_on:
                still_open.append(commitment)
                continue
            outcome = _outcome(rng, engagement, commitment.times_carried < 2)
            command = {"type": "follow_up", "commitment": commitment.id, "meeting": meeting_id, "outcome": outcome}
            if outcome == "carried_forward":
                commitment.due_on = max(self._due_date(index, 1), commitment.due_on + DAY)
                commitment.times_carried += 1
                command["new_due_on"] = commitment.due_on.isoformat()
                still_open.append(commitment)
            if rng.random() < 0.3:
                command["note"] = rng.choice(NOTES[outcome])
            self.commands.append(command)
        member.open_commitments = still_open

    def _commit(self, member: Member, index: int, meeting_id: str, held_on: date, engagement: float) -> None:
        rng = self.rng
        willing = (0.55 + 0.35 * engagement) * (0.7 if self.cadence == "weekly" else 1.0)
        if rng.random() >= willing:
            return
        self.commitments_so_far += 1
        due_on = self._due_date(index, rng.choice(DUE_IN_MEETINGS[self.cadence]))
        commitment = Commitment(f"{self.id}-c{self.commitments_so_far:05d}", index, due_on,
                                forgotten=rng.random() < 0.003)
        member.open_commitments.append(commitment)
        self.commands.append({"type": "make_commitment", "commitment": commitment.id, "member": member.id,
                              "meeting": meeting_id, "text": _commitment_text(rng, due_on),
                              "due_on": due_on.isoformat()})

    def _due_date(self, index: int, meetings_ahead: int) -> date:
        """Due a few days before the meeting `meetings_ahead` on, so that meeting can follow it up."""
        held_on = self.schedule[index]
        return max(held_on + DAY, self.schedule[index + meetings_ahead] - timedelta(days=self.rng.randint(0, 3)))

    def _rate(self, member: Member, meeting_id: str, engagement: float) -> None:
        rng = self.rng
        if rng.random() < 0.7 + 0.25 * engagement:
            score = round(rng.gauss(3.85 + 5.4 * engagement + self.quality, 0.9))
            self.commands.append({"type": "rate_meeting", "meeting": meeting_id, "member": member.id,
                                  "score": min(10, max(0, score))})


# -- behaviour -------------------------------------------------------------------------------------------

def _turn_up(rng: random.Random, member: Member, engagement: float, turnout: float, virtual: bool) -> str:
    chance = turnout / (1 + math.exp(-(1.2 + 5.0 * (engagement - 0.5)))) + (0.03 if virtual else 0.0)
    if rng.random() < chance:
        late = member.lateness * (2 - engagement) * (0.5 if virtual else 1.0)
        return "late" if rng.random() < late else "present"
    # Engaged members send apologies; drifting ones just do not come.
    return "excused" if rng.random() < 0.25 + 0.55 * engagement else "absent"


def _outcome(rng: random.Random, engagement: float, may_carry: bool) -> str:
    done = 0.10 + 0.62 * engagement
    carried = 0.07 + 0.06 * (1 - engagement) if may_carry else 0.0
    dropped = 0.02 + 0.12 * (1 - engagement)
    not_done = max(0.0, 1 - done - 0.17 - carried - dropped)
    return rng.choices(("done", "partial", "carried_forward", "dropped", "not_done"),
                       (done, 0.17, carried, dropped, not_done))[0]


def _dips(rng: random.Random, start: date, end: date, rate: float, days: tuple[int, int],
          depth: tuple[float, float]) -> list[tuple[date, date, float]]:
    """Spells of lowered engagement arriving at `rate` a year between `start` and `end`."""
    dips = []
    dip_starts = start + timedelta(days=rng.expovariate(rate / 365))
    while dip_starts < end:
        dip_ends = dip_starts + timedelta(days=rng.randint(*days))
        dips.append((dip_starts, dip_ends, rng.uniform(*depth)))
        dip_starts = dip_ends + timedelta(days=rng.expovariate(rate / 365))
    return dips


def _through_dips(dips: list[tuple[date, date, float]], day: date) -> float:
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


# -- calendar --------------------------------------------------------------------------------------------

def _meeting_dates(cadence: str, starts: date, ends: date, rng: random.Random) -> list[date]:
    """The group's meeting days from `starts` to `ends`: a fixed weekday, skipping the year-end holidays
    and, for some groups, August."""
    weekday = rng.randint(0, 4)
    summer_break = rng.random() < 0.3
    dates = []
    if cadence in ("weekly", "biweekly"):
        step = 7 if cadence == "weekly" else 14
        day = starts + timedelta(days=(weekday - starts.weekday()) % 7)
        while day <= ends:
            holiday = (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 3)
            if not holiday and not (summer_break and day.month == 8) and rng.random() > 0.03:
                dates.append(day)
            day += timedelta(days=step)
        return dates
    nth = rng.randint(1, 3)
    step = 1 if cadence == "monthly" else 3
    year, month = starts.year, starts.month
    while True:
        day = _nth_weekday(year, month, weekday, nth)
        if rng.random() < 0.05:  # rescheduled by a day or two
            day += timedelta(days=rng.choice((-2, -1, 1, 2)))
        if day > ends:
            return dates
        if day >= starts and not (summer_break and month == 8):
            dates.append(day)
        year, month = divmod(year * 12 + month - 1 + step, 12)
        month += 1


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - DAY).day))


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


# -- names and words -------------------------------------------------------------------------------------

CULTURES = [
    ("James Olivia Emma Oliver Charlotte Harry Amelia George Sophie Jack Rachel David Helen Simon",
     "Smith Jones Taylor Brown Williams Wilson Clarke Walker Wright Hughes Turner Bennett Fletcher"),
    ("María José Carlos Lucía Javier Sofía Diego Valentina Alejandro Camila Andrés Paula",
     "García Martínez Rodríguez López Hernández González Pérez Sánchez Ramírez Torres Castillo"),
    ("Lukas Anna Jonas Lena Felix Katharina Maximilian Julia Stefan Sabine Jürgen Ute",
     "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schäfer Krüger"),
    ("Camille Louis Chloé Hugo Manon Julien Élodie Antoine Margaux Théo Hélène Mathieu",
     "Martin Bernard Dubois Durand Lefèvre Moreau Laurent Girard Rousseau Fontaine Mercier"),
    ("Priya Arjun Ananya Rahul Kavya Vikram Aditi Rohan Meera Sanjay Deepa Nikhil",
     "Sharma Patel Iyer Reddy Gupta Nair Mehta Rao Kapoor Banerjee Chatterjee Joshi"),
    ("Wei Na Jun Mei Hao Xin Yan Lei Ying Jing Tao Lan", "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Lin"),
    ("Haruto Yui Sota Aoi Ren Hina Takumi Sakura Kenji Yuki Daiki Emi",
     "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato"),
    ("Chinedu Ngozi Oluwaseun Adaeze Emeka Funmilayo Tunde Chiamaka Kwame Ama Kofi Efua",
     "Okafor Adeyemi Okonkwo Balogun Eze Nwosu Mensah Owusu Abubakar Olatunji Asante"),
    ("Omar Layla Youssef Nour Karim Fatima Hassan Rania Khalid Amira Tariq Salma",
     "Haddad Khoury Mansour Nasser Saleh Farouk Hamdan Aziz Rahman Qureshi Najjar"),
    ("Erik Ingrid Lars Astrid Magnus Sigrid Nils Freja Henrik Maja Søren Linnea",
     "Johansson Andersson Nilsson Larsen Hansen Nielsen Lindqvist Berg Eriksen Halvorsen Sørensen"),
    ("Piotr Agnieszka Tomasz Katarzyna Michał Magdalena Paweł Zofia Krzysztof Joanna",
     "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański Dąbrowski"),
    ("Siobhán Ciarán Aoife Declan Niamh Cormac Gráinne Seán", "O'Brien O'Connor Murphy Kelly Byrne Walsh Doyle"),
    ("Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Su-bin", "Kim Lee Park Choi Jung Kang Yoon"),
    ("João Ana Pedro Beatriz Rafael Mariana Tiago Inês", "Silva Santos Oliveira Souza Costa Ferreira Almeida"),
]
CULTURES = [(first.split(), last.split()) for first, last in CULTURES]

COMPANY_STARTS = ("North Blue Iron Silver Oak Harbor Summit Bright Clear Red Stone Maple Cedar Granite Pioneer "
                  "Atlas Beacon Crescent Evergreen Falcon Meridian Orchard Lighthouse Copper Willow").split()
COMPANY_JOINS = ("", "", "field", "ridge", "gate", "point", "bridge", "stone", "wood", "way")
COMPANY_ENDS = (*"Logistics Foods Analytics Construction Health Software Engineering Partners".split(),
                *"Manufacturing Hospitality Architecture Capital Retail Energy Labs Media Security".split(),
                *"Freight Packaging Legal Print Clinics Robotics Interiors".split(),
                "Dental Group", "Family Farms", "Home Care")
TITLES = ("CEO", "CEO", "Founder & CEO", "Managing Director", "President", "Owner", "Co-founder",
          "Chief Operating Officer", "Executive Director", "Managing Partner", "General Manager", "CFO")
PLACES = (*"Riverside Harbourview Northgate Lakeshore Hillcrest Westbrook Eastfield Southbank Oakridge".split(),
          *"Pinecrest Midtown Bayside Highland Meadowlands Kingsway Marina Parkside Stonebridge".split(),
          "Old Town", "Canal Street")
GROUP_KINDS = ("Forum", "Circle", "Roundtable", "CEO Group", "Leaders Circle", "Peer Board", "Founders Forum",
               "Executive Circle")
PURPOSES = (
    "Peer advisory for founders of companies with 20 to 100 staff",
    "A confidential board of peers for second-generation family-business owners",
    "CEOs of scale-ups working through their next funding round",
    "Women leading professional-services firms",
    "Owners preparing for succession or exit",
    "Leaders of non-profits and social enterprises",
    "Technology founders past product-market fit",
    "Managing directors of regional manufacturers",
    "First-time CEOs in their first three years in the role",
)

COMMITMENTS = (
    "Hire a {role} before the end of {quarter}",
    "Have the succession conversation with my {relation}",
    "Close the {client} deal by {month}",
    "Draft a one-page strategy for next year and share it with the team",
    "Delegate {task} to my leadership team",
    "Set up an advisory board",
    "Review pricing for our {product} line",
    "Give honest feedback to my {report}",
    "Take a full week off without email",
    "Cut monthly cash burn by {percent}% by {month}",
    "Book monthly one-to-ones with every direct report",
    "Renegotiate the {supplier} contract",
    "Launch the {market} pilot",
    "Decide whether to sell the {product} business",
    "Write down my exit criteria and share them with my {relation}",
    "Block two hours a week for thinking time",
    "Replace our {system} before the end of {quarter}",
    "Move the underperforming {role} out of the role",
    "Call three customers who left and ask them why",
    "Present the budget to the bank by {month}",
    "Book the health check I keep postponing",
    "Be home for dinner four nights a week",
    "Agree an equity plan for key staff",
    "Run an engagement survey with the team",
    "Finish the investor due-diligence pack",
    "Agree our values with the leadership team",
    "Put a proper sales pipeline review in place",
    "Stop approving every expense myself",
)
SLOT_WORDS = {
    "role": ("COO", "CFO", "head of sales", "operations manager", "marketing lead", "second-in-command",
             "HR manager", "CTO", "finance director", "plant manager"),
    "relation": ("co-founder", "business partner", "sister", "chair", "father", "daughter", "son", "spouse",
                 "finance director"),
    "client": ("Northwind", "Contoso", "regional hospital", "council", "distributor", "franchise", "export"),
    "task": ("the weekly numbers review", "hiring decisions", "supplier negotiations", "month-end reporting",
             "the customer escalations"),
    "product": ("wholesale", "consulting", "subscription", "maintenance", "catering", "training"),
    "report": ("sales director", "COO", "operations lead", "brother-in-law", "longest-serving manager"),
    "percent": ("10", "15", "20", "25"),
    "supplier": ("logistics", "software", "lease", "packaging", "insurance"),
    "market": ("Germany", "US", "online", "corporate", "Nordic", "franchise"),
    "system": ("ERP", "CRM", "payroll system", "accounting software", "phone system"),
}
COMMITMENTS = [(text, [f for _, f, _, _ in string.Formatter().parse(text) if f]) for text in COMMITMENTS]
MONTHS = ("January February March April May June July August September October November December").split()
NOTES = {
    "done": ("Done, and it went better than expected", "Signed last week", "Completed ahead of schedule",
             "Done; the team took it well"),
    "partial": ("Halfway there", "Started, but the hard part is still ahead", "Did the first step only"),
    "not_done": ("Didn't get to it", "Travel got in the way", "Lost track of it", "Avoided it, honestly"),
    "carried_forward": ("Needs another month", "Waiting on the board", "Still on it, new date agreed"),
    "dropped": ("No longer a priority", "Circumstances changed", "Decided against it"),
}


def _invent_name(rng: random.Random) -> tuple[str, str]:
    firsts, lasts = rng.choice(CULTURES)
    if rng.random() < 0.15:  # families and marriages cross cultures
        lasts = rng.choice(CULTURES)[1]
    return rng.choice(firsts), rng.choice(lasts)


def _register(rng: random.Random, member_id: str) -> dict:
    first, last = _invent_name(rng)
    if rng.random() < 0.8:
        company = f"{rng.choice(COMPANY_STARTS)}{rng.choice(COMPANY_JOINS)} {rng.choice(COMPANY_ENDS)}"
    else:
        company = f"{last} & {rng.choice(rng.choice(CULTURES)[1])}"
    command = {"type": "register_member", "member": member_id, "name": f"{first} {last}",
               "email": _email(first, last, member_id, company)}
    if rng.random() < 0.95:
        command["company"] = company
    if rng.random() < 0.9:
        command["title"] = rng.choice(TITLES)
    return command


def _email(first: str, last: str, member_id: str, company: str | None) -> str:
    """first.last plus the member id, which makes it unique; at the company's domain when there is one."""
    domain = f"{_slug(company, '-')}.example.com" if company else "mail.example.org"
    return f"{_slug(first)}.{_slug(last)}.{member_id.replace('-', '').lower()}@{domain}"


ASCII_FOR = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "đ": "d"})


def _slug(text: str, between: str = "") -> str:
    plain = unicodedata.normalize("NFKD", text.translate(ASCII_FOR)).encode("ascii", "ignore").decode()
    words = ["".join(c for c in word if c.isalnum()) for word in plain.lower().split()]
    return between.join(w for w in words if w)


def _group_name(number: int) -> str:
    """Unique per group number: the place-kind pairs are walked in a scattered order, then numbered."""
    pairs = len(PLACES) * len(GROUP_KINDS)
    pair = (number * 37) % pairs  # 37 is prime to the pair count, so this visits every pair once
    name = f"{PLACES[pair % len(PLACES)]} {GROUP_KINDS[pair // len(PLACES)]}"
    return name if number <= pairs else f"{name} {_roman((number - 1) // pairs + 1)}"


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        out += letters * count
    return out


def _commitment_text(rng: random.Random, due_on: date) -> str:
    text, slots = rng.choice(COMMITMENTS)
    if not slots:
        return text
    words = {slot: rng.choice(SLOT_WORDS[slot]) for slot in slots if slot in SLOT_WORDS}
    words["quarter"] = f"Q{(due_on.month - 1) // 3 + 1}"
    words["month"] = MONTHS[due_on.month - 1]
    return text.format(**words)
