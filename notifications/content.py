"""What each message says, and to whom: figures from the serving file (`warehouse.queries`, the SQL the
dashboards' pages run), names and texts from the event store, each for the one person entitled to them.

- A **briefing** goes to the facilitator of the group, as the domain records it at send time. It names
  the group's members and their commitments, as "Before the next meeting" does for that facilitator.
- A **nudge** goes to the member whose commitments they are, and holds only their own.
- A **digest** goes to a programme lead and holds group names and counts: no person's name, id or text.

An erased member receives nothing, and appears in nobody's message: their rows are left out of a
briefing (they are counted in the lead's figures, which never name anyone). The event store is read at
send time, so a commitment closed or checked in on since the figures were published is not nudged about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from domain.application import PeerPulse
from domain.model import Commitment, Group, Member
from notifications import occasions
from warehouse import formatting as fmt
from warehouse.queries import Reader, pages
from warehouse.queries import facilitator as facilitator_figures
from warehouse.queries import lead as lead_figures
from warehouse.queries import member as member_figures
from warehouse.queries.facilitator import NextMeeting

SLIPPING_SHOWN = 10  # groups a digest lists by name; the rest are counted


# -- the people a run reads from the event store --------------------------------------------------
class People:
    """Members as the event store holds them now, each read once per run."""

    def __init__(self, app: PeerPulse):
        self._app = app
        self._members: dict[str, Member | None] = {}
        self._groups: dict[str, Group | None] = {}

    def member(self, member_id: str) -> Member | None:
        if member_id not in self._members:
            self._members[member_id] = self._app.member(member_id)
        return self._members[member_id]

    def reachable(self, member_id: str) -> Member | None:
        """The member, if they may receive a message: registered, not erased, with an email."""
        person = self.member(member_id)
        return person if person is not None and not person.erased and person.email else None

    def name(self, member_id: str) -> str | None:
        """A name to show, or None for someone erased (or unknown): they are left out of the message."""
        person = self.member(member_id)
        return person.name if person is not None and not person.erased and person.name else None

    def commitment(self, commitment_id: str) -> Commitment | None:
        return self._app.commitment(commitment_id)

    def group(self, group_id: str) -> Group | None:
        if group_id not in self._groups:
            self._groups[group_id] = self._app.group(group_id)
        return self._groups[group_id]

    def group_name(self, group_id: str) -> str:
        found = self.group(group_id)
        return found.name if found is not None else group_id


def links(base: str, kind: str) -> tuple[str, str]:
    """(the page the message is about, the page where its kind is turned off)."""
    return pages.url(base, pages.FOR_MESSAGE[kind]), pages.url(base, pages.PREFERENCES, kind=kind)


# -- the facilitator's briefing ------------------------------------------------------------------
@dataclass(frozen=True)
class Briefing:
    """ "Before the next meeting" in the facilitator's inbox: the page's own read model
    (`warehouse.queries.facilitator.NextMeeting`) with the names and texts its facilitator may see. A row
    about someone erased, or a commitment whose text is gone, is left out of the message."""

    facilitator_id: str
    facilitator: str
    group: str
    meeting: NextMeeting
    names: Mapping[str, str]  # member id -> name, for the people the meeting names (the erased left out)
    texts: Mapping[str, str]  # commitment id -> text
    page_url: str
    preferences_url: str
    published: datetime | None = None

    @property
    def group_id(self) -> str:
        return self.meeting.group_id

    @property
    def meeting_on(self) -> date:
        return self.meeting.meeting_on

    @property
    def follow_ups(self) -> list[Named]:
        return [
            Named(self.names[f.member_id], f, self.texts[f.commitment_id])
            for f in self.meeting.follow_ups
            if f.member_id in self.names and f.commitment_id in self.texts
        ]

    @property
    def check_in_with(self) -> list[Named]:
        return self._named(self.meeting.check_in_with)

    @property
    def present_next(self) -> list[Named]:
        return self._named(self.meeting.present_next)

    @property
    def took_the_floor(self) -> list[Named]:
        return self._named(self.meeting.took_the_floor)

    def _named(self, rows) -> list[Named]:
        return [Named(self.names[row.member_id], row) for row in rows if row.member_id in self.names]

    @property
    def overdue(self) -> int:
        return sum(f.row.overdue for f in self.follow_ups)

    @property
    def high_risk(self) -> int:
        return sum(r.row.level == "high" for r in self.check_in_with)

    @property
    def airtime_alerts(self) -> int:
        return len({t.row.member_id for t in self.took_the_floor})


@dataclass(frozen=True)
class Named:
    """A row of the read model with the name of the person it is about (and a commitment's text)."""

    member: str
    row: Any
    text: str | None = None

    @property
    def figure(self) -> str:  # a risk row's score, in words
        return fmt.risk_figure(self.row.probability, self.row.risk_score)


def groups_meeting_soon(reader: Reader, now: datetime, hours: float) -> pl.DataFrame:
    """The groups whose next expected meeting is within the briefing's window."""
    every = reader.query("SELECT group_id FROM groups ORDER BY group_id")
    overviews = facilitator_figures.group_overviews(reader, every["group_id"].to_list())
    due = [
        row["next_meeting_on"] is not None and occasions.briefing_due(row["next_meeting_on"], now, hours)
        for row in overviews.iter_rows(named=True)
    ]
    return overviews.filter(pl.Series(due, dtype=pl.Boolean))


def briefing(reader: Reader, people: People, overview: dict, base: str, today: date) -> Briefing | None:
    """The briefing for one group's next meeting, for whoever facilitates it `today` (the send day, by
    the one rule of `Group.facilitator_on`: a handover planned for later does not receive it yet, and a
    back-filled older assignment never does); None when the group has no facilitator who can receive it
    (none assigned, or erased)."""
    group_id = overview["group_id"]
    group = people.group(group_id)
    facilitator = group.facilitator_on(today.isoformat()) if group is not None else None
    person = people.reachable(facilitator) if facilitator else None
    if group is None or person is None:
        return None
    meeting = facilitator_figures.next_meeting(reader, group_id, overview["next_meeting_on"])
    if meeting is None:
        return None
    in_group = set(group.spells)  # a facilitator sees the names of their group's members, past and present
    names = {m: n for m in meeting.member_ids if m in in_group and (n := people.name(m)) is not None}
    texts = {}
    for f in meeting.follow_ups:
        commitment = people.commitment(f.commitment_id)
        if commitment is not None and commitment.group == group_id and commitment.text:
            texts[f.commitment_id] = commitment.text
    page, preferences = links(base, "briefing")
    return Briefing(
        facilitator_id=facilitator,
        facilitator=person.name,
        group=group.name,
        meeting=meeting,
        names=names,
        texts=texts,
        page_url=page,
        preferences_url=preferences,
    )


# -- the member's nudge --------------------------------------------------------------------------
@dataclass(frozen=True)
class Due:
    text: str
    group: str
    due_on: date
    days_left: int
    checked_in_on: date | None


@dataclass(frozen=True)
class Nudge:
    member_id: str
    member: str
    today: date
    commitments: list[Due]
    page_url: str
    preferences_url: str
    published: datetime | None = None


def nudges(reader: Reader, people: People, today: date, base: str) -> list[Nudge]:
    """One nudge per member with open commitments due within the week that they have not checked in on
    in the last three days (the serving file's check-ins, and the event store's since)."""
    first, last = occasions.nudge_window(today)
    rows = member_figures.commitments_falling_due(reader, first, last)
    page, preferences = links(base, "nudge")
    found = []
    for (member_id,), mine in rows.group_by(["member_id"], maintain_order=True):
        person = people.reachable(member_id)
        if person is None:
            continue
        due = []
        for row in mine.iter_rows(named=True):
            commitment = people.commitment(row["commitment_id"])
            if commitment is None or commitment.member != member_id or not commitment.is_open:
                continue
            due_on = date.fromisoformat(commitment.due_on)  # carried forward since publication: the new date
            checked = max((on for on, _, _ in commitment.check_ins.values()), default=None)
            checked_on = date.fromisoformat(checked) if checked else row["last_checked_in_on"]
            if not first <= due_on <= last or occasions.checked_in_recently(checked_on, today):
                continue
            due.append(
                Due(commitment.text, people.group_name(commitment.group), due_on, (due_on - today).days, checked_on)
            )
        if due:
            found.append(Nudge(member_id, person.name, today, sorted(due, key=lambda d: d.due_on), page, preferences))
    return found


# -- the lead's digest ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TierCount:
    tier: str
    groups: int


@dataclass(frozen=True)
class TierChange:
    group: str
    tier: str
    previous_tier: str
    month: date
    previous_month: date
    better: bool


@dataclass(frozen=True)
class Slipping:
    group: str
    tier: str
    health_score: float | None
    attendance_rate: float | None
    follow_through_rate: float | None
    high_risk_members: int
    medium_risk_members: int


@dataclass(frozen=True)
class Digest:
    week_of: date
    groups: int
    tiers: list[TierCount]
    changes: list[TierChange]
    slipping: list[Slipping]
    more_slipping: int
    high_risk_members: int
    medium_risk_members: int
    groups_with_high_risk: int
    retention: dict[int, float | None]  # month mark -> the programme's Kaplan–Meier survival
    check_ins: dict[str, int] = field(default_factory=dict)  # open_commitments, checked_in, stuck
    chart: bytes | None = None
    page_url: str = ""
    preferences_url: str = ""
    published: datetime | None = None


RETENTION_MARKS = (3, 6, 12)


def digest(reader: Reader, people: People, today: date, base: str) -> Digest:
    """The week's digest for programme leads: the portfolio's tiers and changes, the slipping groups,
    dropout risk counted, retention. Group names and counts only."""
    portfolio = lead_figures.portfolio(reader).filter(pl.col("active_members") > 0)
    tiers = lead_figures.health_tiers(reader)
    order = dict(zip(tiers["tier"], tiers["tier_order"], strict=True))
    counts = [
        TierCount(tier, portfolio.filter(pl.col("tier") == tier).height) for tier in reversed(tiers["tier"].to_list())
    ]
    changes = [
        TierChange(
            people.group_name(r["group_id"]),
            r["tier"],
            r["previous_tier"],
            r["month"],
            r["previous_month"],
            better=order[r["tier"]] > order[r["previous_tier"]],
        )
        for r in portfolio.iter_rows(named=True)
        if r["tier"] is not None and r["previous_tier"] is not None and r["tier"] != r["previous_tier"]
    ]
    slipping_rows = portfolio.filter(pl.col("tier").is_in(["high_risk", "at_risk"]))
    slipping = [
        Slipping(
            people.group_name(r["group_id"]),
            r["tier"],
            r["health_score"],
            r["attendance_rate"],
            r["follow_through_rate"],
            r["high_risk_members"],
            r["medium_risk_members"],
        )
        for r in slipping_rows.head(SLIPPING_SHOWN).iter_rows(named=True)
    ]
    curve = lead_figures.retention(reader).filter(pl.col("cohort") == "all")
    survival = dict(zip(curve["month"], curve["survival"], strict=True))
    check_ins = lead_figures.check_in_counts(reader)
    page, preferences = links(base, "digest")
    return Digest(
        week_of=occasions.week_of(today),
        groups=portfolio.height,
        tiers=counts,
        changes=sorted(changes, key=lambda c: (c.better, c.group)),
        slipping=slipping,
        more_slipping=max(slipping_rows.height - SLIPPING_SHOWN, 0),
        high_risk_members=int(portfolio["high_risk_members"].sum()),
        medium_risk_members=int(portfolio["medium_risk_members"].sum()),
        groups_with_high_risk=portfolio.filter(pl.col("high_risk_members") > 0).height,
        retention={mark: survival.get(mark) for mark in RETENTION_MARKS},
        check_ins={
            "open_commitments": int(check_ins["open_commitments"].sum()),
            "checked_in": int(check_ins["checked_in"].sum()),
            "stuck": int(check_ins["at_risk"].sum() + check_ins["blocked"].sum()),
        }
        if not check_ins.is_empty()
        else {},
        page_url=page,
        preferences_url=preferences,
    )


def retention_curve(reader: Reader) -> pl.DataFrame:
    """The programme's retention, all cohorts together, month by month: what the digest's chart draws."""
    return lead_figures.retention(reader).filter(pl.col("cohort") == "all").select("month", "survival")
