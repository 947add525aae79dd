"""One group's life, from formation to the end of the window, meeting by meeting.

A group is planned up front (its cadence, meeting days, size, cohesion, rough patches, whether it will
close) and then lived in date order: between two meetings members leave and newcomers join, and at each
meeting the members present are decided by their engagement on the day, then airtime, follow-ups, new
commitments and ratings. Commands are emitted in the order things happened, which is an order the domain
accepts line by line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from domain.model import ATTENDANCE_STATUSES, ATTENDED, CADENCES, TOPICS
from synthetic.calendar import DAY, Window, day_between, meeting_dates
from synthetic.meeting import airtime, choose_presenters, follow_up_outcome, turn_up
from synthetic.members import Commitment, Member, Precursor, plan_dips, through_dips
from synthetic.names import PURPOSES, group_name, invent_name, register_member
from synthetic.texts import NOTES, commitment_text
from synthetic.vocabulary import (
    ABSENT,
    CARRIED_FORWARD,
    EXCUSED,
    GROUP_CLOSED,
    IN_PERSON,
    LATE,
    PRESENT,
    VIRTUAL,
    covering,
)


@dataclass(frozen=True)
class Rhythm:
    """What a cadence means for a group's life."""

    share: float  # of all groups
    meeting_hours: float
    # How many meetings ahead a commitment falls due: weekly groups commit to things that take a month.
    due_in_meetings: tuple[int, ...]
    presenters: tuple[int, int]  # fewest and most at a meeting
    commits: float  # how readily a member makes a commitment at a meeting, against the other cadences
    weeks_apart: int = 0  # meets on a fixed weekday every so many weeks,
    months_apart: int = 0  # or on its nth weekday every so many months

    def __post_init__(self) -> None:
        if bool(self.weeks_apart) == bool(self.months_apart):
            raise ValueError("a rhythm meets every so many weeks or every so many months, not both or neither")


RHYTHMS = covering(
    CADENCES,
    {
        "weekly": Rhythm(0.15, 2.5, (1, 2, 2, 4), (1, 2), commits=0.7, weeks_apart=1),
        "biweekly": Rhythm(0.20, 3.0, (1, 1, 2), (1, 2), commits=1.0, weeks_apart=2),
        "monthly": Rhythm(0.50, 3.5, (1, 1, 1, 2), (2, 3), commits=1.0, months_apart=1),
        "quarterly": Rhythm(0.15, 4.0, (1,), (2, 3), commits=1.0, months_apart=3),
    },
)
# Not in the domain's order: a table's order is its draw's (see synthetic.vocabulary).
TOPIC_SHARES = covering(
    TOPICS,
    {
        "strategic_planning": 20,
        "people_and_talent": 20,
        "growth": 15,
        "finance": 12,
        "change_management": 10,
        "conflict_resolution": 8,
        "personal": 10,
        "other": 5,
    },
)
TOPIC_NAMES, TOPIC_WEIGHTS = list(TOPIC_SHARES), list(TOPIC_SHARES.values())

ROUGH_PATCH_RATE = 0.3  # per group-year: a conflict or a lost facilitator takes the whole group down a while
GROUP_CLOSES = 0.03
MISRECORDED = 0.01  # share of attendance rows someone later corrects
DOMINANT_SPEAKERS = 0.25  # share of groups with a member who habitually takes a multiple of a fair share,
DOMINANCE = (1.5, 3.2)  # that multiple: some sit below the alert threshold of 2, most above it

# A slip of the pen and what it really was: corrections only ever turn a non-attendee into an attendee or
# swap within a side, so commitments and ratings made at the meeting stay valid after the correction.
SLIPS = covering(
    ATTENDANCE_STATUSES, {PRESENT: (ABSENT, ABSENT, LATE), LATE: (PRESENT,), ABSENT: (EXCUSED,), EXCUSED: (ABSENT,)}
)


class PeerGroup:
    """One group from formation to `until`, emitting its commands in the order they happened."""

    def __init__(self, number: int, window: Window, seed: int, facilitator: str | None, precursor: Precursor):
        self.rng = random.Random(f"{seed}:group:{number}")
        self.id = f"g{number:04d}"
        self.number = number
        self.until = window.last_day
        self.facilitator = facilitator
        self.precursor = precursor
        self.planted_speaker: tuple[str, float] | None = None  # (member, multiple): the truth, never an event
        self.commands: list[dict] = []
        self.active: dict[str, Member] = {}
        self.joining: list[date] = []  # dates on which new members are due to join
        self.members_so_far = 0
        self.commitments_so_far = 0
        self._plan(window)

    def _plan(self, window: Window) -> None:
        rng = self.rng
        self.cadence = rng.choices(list(RHYTHMS), [rhythm.share for rhythm in RHYTHMS.values()])[0]
        self.rhythm = RHYTHMS[self.cadence]
        span = (window.last_day - window.first_day).days
        # Most groups start meeting as the window opens; the rest start part-way through it.
        starts_in = rng.randint(0, min(30, span)) if rng.random() < 0.65 else rng.randint(0, int(0.75 * span))
        self.schedule = meeting_dates(
            window.first_day + timedelta(days=starts_in),
            window.last_day + timedelta(days=400),
            rng,
            self.rhythm.weeks_apart,
            self.rhythm.months_apart,
        )
        self.meetings = [d for d in self.schedule if d <= window.last_day]
        self.formed_on = min(self.schedule[0] - timedelta(days=rng.randint(7, 42)), window.last_day)
        self.closes = rng.random() < GROUP_CLOSES
        if self.closes:
            can_close_after = [
                i
                for i, d in enumerate(self.meetings)
                if (d - self.formed_on).days > 365 and (window.last_day - d).days > 30
            ]
            self.closes = bool(can_close_after)
            if self.closes:
                self.meetings = self.meetings[: rng.choice(can_close_after) + 1]
        self.target_size = rng.randint(8, 12)
        self.cohesion = min(0.93, max(0.5, rng.gauss(0.78, 0.1)))
        self.rough_patches = plan_dips(rng, self.formed_on, self.until, ROUGH_PATCH_RATE, (60, 180), (0.55, 0.85))
        if self.closes:  # a group that closes has been struggling for months
            months = timedelta(days=rng.randint(120, 240))
            self.rough_patches.append((self.meetings[-1] - months, self.meetings[-1] + months, rng.uniform(0.4, 0.6)))
        self.quality = rng.gauss(0, 0.4)
        self.airtime_recorded = rng.uniform(0.7, 0.98)
        self.lists_absentees = rng.random() > 0.1  # some trackers only list who came
        self.virtual_share = rng.choice((0.05, 0.05, 0.3, 0.9))
        self.has_dominant_speaker = rng.random() < DOMINANT_SPEAKERS

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
        command = {
            "type": "form_group",
            "group": self.id,
            "name": group_name(self.number),
            "cadence": self.cadence,
            "formed_on": self.formed_on.isoformat(),
        }
        if rng.random() < 0.75:
            command["purpose"] = rng.choice(PURPOSES)
        self.commands.append(command)
        if self.facilitator:
            self._assign_facilitator(self.facilitator)
        first_meeting = min(self.schedule[0], self.until)
        founding = []
        for place in range(self.target_size):
            joined_on = (
                self.formed_on if place == 0 or rng.random() < 0.7 else day_between(rng, self.formed_on, first_meeting)
            )
            # A member who facilitates their own group stays to the end.
            founding += self._admit(joined_on, first_meeting, leaves=place > 0 or bool(self.facilitator))
        founding.sort(key=lambda dated: dated[0])  # stable: the first founder's register and join lead
        for position, (_, command) in enumerate(founding):
            self.commands.append(command)
            if position == 1 and not self.facilitator:
                self._assign_facilitator(command["member"])
        if self.has_dominant_speaker:
            speaker = rng.choice(list(self.active.values()))
            speaker.dominance = rng.uniform(*DOMINANCE)
            self.planted_speaker = (speaker.id, speaker.dominance)

    def _assign_facilitator(self, member: str) -> None:
        self.commands.append(
            {
                "type": "assign_facilitator",
                "group": self.id,
                "member": member,
                "assigned_on": self.formed_on.isoformat(),
            }
        )

    def _admit(self, joined_on: date, first_meeting: date, leaves: bool = True) -> list[tuple[date, dict]]:
        """A new member, registered, joined and signed by their first meeting: their commands, dated."""
        rng = self.rng
        self.members_so_far += 1
        member_id = f"{self.id}-p{self.members_so_far:03d}"
        baseline = min(0.98, max(0.3, rng.gauss(self.cohesion, 0.1)))
        member = Member(
            id=member_id,
            joined_on=joined_on,
            baseline=baseline,
            talkativeness=rng.lognormvariate(0, 0.25),
            lateness=rng.uniform(0.02, 0.12),
            engagement_walk=baseline,
            walked_on=joined_on,
        )
        if leaves:
            member.plan_spell(self.until, rng, self.precursor)
        self.active[member_id] = member
        signed_on = min(joined_on + timedelta(days=rng.choice((0, 0, 0, 1, 2, 5))), first_meeting, self.until)
        return [
            (joined_on, register_member(rng, member_id)),
            (
                joined_on,
                {"type": "join_group", "group": self.id, "member": member_id, "joined_on": joined_on.isoformat()},
            ),
            (
                signed_on,
                {
                    "type": "sign_confidentiality",
                    "group": self.id,
                    "member": member_id,
                    "signed_on": signed_on.isoformat(),
                },
            ),
        ]

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
                events.append(
                    (
                        left_on,
                        0,
                        [
                            {
                                "type": "leave_group",
                                "group": self.id,
                                "member": member.id,
                                "left_on": left_on.isoformat(),
                                "reason": member.leave_reason,
                            }
                        ],
                    )
                )
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
            self.commands.append(
                {
                    "type": "leave_group",
                    "group": self.id,
                    "member": member.id,
                    "left_on": closed_on.isoformat(),
                    "reason": GROUP_CLOSED,
                }
            )
        self.active.clear()

    # -- a meeting -------------------------------------------------------------------------------------

    def _meet(self, index: int, held_on: date) -> None:
        rng = self.rng
        meeting_id = f"{self.id}-m{index + 1:04d}"
        virtual = rng.random() < self.virtual_share
        roster = list(self.active.values())
        mood = through_dips(self.rough_patches, held_on)
        engagement = {m.id: m.engagement_on(held_on, rng) * mood for m in roster}
        turnout = 0.93 if held_on.month in (8, 12) else 1.0
        recorded, corrections = {}, []
        for member in roster:
            if member.away_on(held_on):  # on leave: they usually said so
                status = EXCUSED if rng.random() < 0.85 else ABSENT
            else:
                status = turn_up(rng, member, engagement[member.id], turnout, virtual)
            recorded[member.id] = status
            if rng.random() < MISRECORDED:
                recorded[member.id] = rng.choice(SLIPS[status])
                corrections.append((member.id, status))
        # Someone wrongly ticked absent has no airtime, commitment or rating recorded at this meeting.
        attendees = [m for m in roster if recorded[m.id] in ATTENDED]
        presenters = choose_presenters(rng, index, attendees, self.rhythm.presenters)

        command = {
            "type": "hold_meeting",
            "group": self.id,
            "meeting": meeting_id,
            "held_on": held_on.isoformat(),
            "topic": rng.choices(TOPIC_NAMES, TOPIC_WEIGHTS)[0],
        }
        if rng.random() < 0.95:
            command["format"] = VIRTUAL if virtual else IN_PERSON
        command["attendance"] = {m: s for m, s in recorded.items() if self.lists_absentees or s != ABSENT}
        if attendees and rng.random() < self.airtime_recorded:
            command["speaking_seconds"] = airtime(rng, self.rhythm.meeting_hours, attendees, engagement, presenters)
        if presenters:
            command["presenters"] = [m.id for m in presenters]
        if rng.random() < 0.08:
            command["guest_speaker"] = " ".join(invent_name(rng))
        self.commands.append(command)
        for member_id, status in corrections:
            self.commands.append(
                {"type": "correct_attendance", "meeting": meeting_id, "member": member_id, "status": status}
            )

        for member in attendees:
            self._follow_up(member, index, meeting_id, held_on, engagement[member.id])
        for member in attendees:
            self._commit(member, index, meeting_id, held_on, engagement[member.id])
        for member in attendees:
            self._rate(member, meeting_id, engagement[member.id])

    def _follow_up(self, member: Member, index: int, meeting_id: str, held_on: date, engagement: float) -> None:
        rng = self.rng
        still_open = []
        for commitment in member.open_commitments:
            if commitment.forgotten or commitment.made_at == index or commitment.due_on > held_on:
                still_open.append(commitment)
                continue
            outcome = follow_up_outcome(rng, engagement, commitment.times_carried < 2)
            command = {"type": "follow_up", "commitment": commitment.id, "meeting": meeting_id, "outcome": outcome}
            if outcome == CARRIED_FORWARD:
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
        willing = (0.55 + 0.35 * engagement) * self.rhythm.commits
        if rng.random() >= willing:
            return
        self.commitments_so_far += 1
        due_on = self._due_date(index, rng.choice(self.rhythm.due_in_meetings))
        commitment = Commitment(
            f"{self.id}-c{self.commitments_so_far:05d}", index, due_on, forgotten=rng.random() < 0.003
        )
        member.open_commitments.append(commitment)
        self.commands.append(
            {
                "type": "make_commitment",
                "commitment": commitment.id,
                "member": member.id,
                "meeting": meeting_id,
                "text": commitment_text(rng, due_on),
                "due_on": due_on.isoformat(),
            }
        )

    def _due_date(self, index: int, meetings_ahead: int) -> date:
        """Due a few days before the meeting `meetings_ahead` on, so that meeting can follow it up."""
        held_on = self.schedule[index]
        return max(held_on + DAY, self.schedule[index + meetings_ahead] - timedelta(days=self.rng.randint(0, 3)))

    def _rate(self, member: Member, meeting_id: str, engagement: float) -> None:
        rng = self.rng
        if rng.random() < 0.7 + 0.25 * engagement:
            score = round(rng.gauss(3.85 + 5.4 * engagement + self.quality, 0.9))
            self.commands.append(
                {"type": "rate_meeting", "meeting": meeting_id, "member": member.id, "score": min(10, max(0, score))}
            )
