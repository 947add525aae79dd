"""The synthetic programme: deterministic, obeys every rule of docs/import-format.md, and looks like a real programme.

The rules are checked by an independent replay written here with plain dicts and sets, not by the
generator's own bookkeeping, so a slip in the generator cannot hide behind itself.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from domain import model
from domain.clock import today
from synthetic import DEFAULT_PRECURSOR, PRECURSORS, generate_programme, planted_speakers
from synthetic.group import RHYTHMS, SLIPS, TOPIC_SHARES
from synthetic.names import group_name
from synthetic.texts import NOTES
from synthetic.vocabulary import (
    ABSENT,
    CARRIED_FORWARD,
    DONE,
    DROPPED,
    DROPPED_OUT,
    EXCUSED,
    GRADUATED,
    GROUP_CLOSED,
    IN_PERSON,
    LATE,
    LEFT_FOR_OTHER_REASONS,
    MOVED,
    NOT_DONE,
    PARTIAL,
    PRESENT,
    REMOVED,
    VIRTUAL,
    covering,
)

UNTIL = date(2025, 6, 30)
QUARTER = timedelta(days=91)
ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
EMAIL = re.compile(r"[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}")
ATTENDED = {"present", "late"}
STATUSES = {"present", "late", "absent", "excused"}
FIELDS = {  # type -> (required, optional)
    "form_group": ({"group", "name", "cadence", "formed_on"}, {"purpose"}),
    "register_member": ({"member", "name", "email"}, {"company", "title"}),
    "join_group": ({"group", "member", "joined_on"}, set()),
    "leave_group": ({"group", "member", "left_on", "reason"}, set()),
    "assign_facilitator": ({"group", "member", "assigned_on"}, set()),
    "sign_confidentiality": ({"group", "member", "signed_on"}, set()),
    "hold_meeting": (
        {"group", "meeting", "held_on", "topic"},
        {"format", "attendance", "speaking_seconds", "presenters", "guest_speaker"},
    ),
    "make_commitment": ({"commitment", "member", "meeting", "text", "due_on"}, set()),
    "follow_up": ({"commitment", "meeting", "outcome"}, {"new_due_on", "note"}),
    "rate_meeting": ({"meeting", "member", "score"}, set()),
    "correct_attendance": ({"meeting", "member", "status"}, set()),
}
ID_FIELDS = {"group", "member", "meeting", "commitment"}
DATE_FIELDS = {"formed_on", "joined_on", "left_on", "assigned_on", "signed_on", "held_on", "due_on", "new_due_on"}
CHOICES = {  # the domain's words, which are the only ones docs/import-format.md accepts
    "cadence": set(model.CADENCES),
    "reason": set(model.LEAVE_REASONS),
    "topic": set(model.TOPICS),
    "format": set(model.FORMATS),
    "outcome": set(model.OUTCOMES),
    "status": STATUSES,
}


class Replay:
    """Applies commands the way docs/import-format.md says the domain does, failing on the first broken rule."""

    def __init__(self, until: date):
        self.until = until
        self.groups: dict[str, dict] = {}
        self.people: set[str] = set()
        self.emails: set[str] = set()
        self.meetings: dict[str, dict] = {}
        self.commitments: dict[str, dict] = {}

    def apply(self, c: dict) -> None:
        assert json.loads(json.dumps(c)) == c
        kind = c["type"]
        required, optional = FIELDS[kind]
        assert required <= c.keys() and c.keys() - {"type"} <= required | optional, c
        for name, value in c.items():
            if name in ID_FIELDS:
                assert isinstance(value, str) and ID.fullmatch(value), c
            if name in DATE_FIELDS:
                assert isinstance(value, str) and date.fromisoformat(value).isoformat() == value, c
            if name in CHOICES:
                assert value in CHOICES[name], c
            if name in {"name", "text", "purpose", "company", "title", "guest_speaker", "note"}:
                assert isinstance(value, str) and value.strip(), c
        for name in DATE_FIELDS - {"due_on", "new_due_on"}:  # plans may lie ahead; events may not
            if name in c:
                assert date.fromisoformat(c[name]) <= self.until, c
        getattr(self, kind)(c)

    # -- helpers ---------------------------------------------------------------------------------------
    def _happened(self, group: str, day: str) -> None:
        g = self.groups[group]
        assert day >= g["last_day"], f"{group} goes back in time to {day} after {g['last_day']}"
        g["last_day"] = day

    def _active_on(self, group: str, member: str, day: str) -> bool:
        return any(j <= day and (left is None or left > day) for j, left in self.groups[group]["spells"][member])

    def _is_active(self, group: str, member: str) -> bool:
        spells = self.groups[group]["spells"].get(member)
        return bool(spells) and spells[-1][1] is None

    # -- commands --------------------------------------------------------------------------------------
    def form_group(self, c):
        assert c["group"] not in self.groups
        self.groups[c["group"]] = {"formed_on": c["formed_on"], "spells": defaultdict(list), "last_day": c["formed_on"]}

    def register_member(self, c):
        email = c["email"].lower()
        assert c["member"] not in self.people and email not in self.emails and EMAIL.fullmatch(email), c
        self.people.add(c["member"])
        self.emails.add(email)

    def join_group(self, c):
        group, member, day = c["group"], c["member"], c["joined_on"]
        assert member in self.people and not self._is_active(group, member), c
        assert day >= self.groups[group]["formed_on"], c
        self._happened(group, day)
        self.groups[group]["spells"][member].append([day, None])

    def leave_group(self, c):
        group, member, day = c["group"], c["member"], c["left_on"]
        assert self._is_active(group, member), c
        spell = self.groups[group]["spells"][member][-1]
        assert day >= spell[0], c
        self._happened(group, day)
        spell[1] = day

    def assign_facilitator(self, c):
        assert c["member"] in self.people, c
        self._happened(c["group"], c["assigned_on"])

    def sign_confidentiality(self, c):
        group, member, day = c["group"], c["member"], c["signed_on"]
        assert self._is_active(group, member) and day >= self.groups[group]["spells"][member][-1][0], c
        self._happened(group, day)

    def hold_meeting(self, c):
        group, day = c["group"], c["held_on"]
        assert c["meeting"] not in self.meetings and day >= self.groups[group]["formed_on"], c
        self._happened(group, day)
        roster = {m for m in self.groups[group]["spells"] if self._active_on(group, m, day)}
        attendance = c.get("attendance", {})
        assert attendance.keys() <= roster and set(attendance.values()) <= STATUSES, c
        status = {m: attendance.get(m, "absent") for m in roster}
        attendees = {m for m, s in status.items() if s in ATTENDED}
        seconds = c.get("speaking_seconds", {})
        assert seconds.keys() <= attendees, c
        assert all(isinstance(s, (int, float)) and not isinstance(s, bool) and s >= 0 for s in seconds.values())
        presenters = c.get("presenters", [])
        assert set(presenters) <= attendees and len(set(presenters)) == len(presenters), c
        self.meetings[c["meeting"]] = {"group": group, "held_on": day, "status": status, "rated": set()}

    def _meeting_now(self, meeting: str) -> dict:
        m = self.meetings[meeting]
        self._happened(m["group"], m["held_on"])
        return m

    def make_commitment(self, c):
        meeting = self._meeting_now(c["meeting"])
        assert c["commitment"] not in self.commitments, c
        assert meeting["status"].get(c["member"]) in ATTENDED and c["due_on"] > meeting["held_on"], c
        self.commitments[c["commitment"]] = {
            "group": meeting["group"],
            "member": c["member"],
            "made_on": meeting["held_on"],
            "due_on": c["due_on"],
            "open": True,
        }

    def follow_up(self, c):
        meeting = self._meeting_now(c["meeting"])
        commitment = self.commitments[c["commitment"]]
        assert commitment["open"] and meeting["group"] == commitment["group"], c
        assert meeting["held_on"] > commitment["made_on"], c
        # followed up with the member in the room, never after they left
        assert commitment["member"] in meeting["status"], c
        if c["outcome"] == "carried_forward":
            assert c["new_due_on"] > commitment["due_on"], c
            commitment["due_on"] = c["new_due_on"]
        else:
            assert "new_due_on" not in c, c
            commitment["open"] = False

    def rate_meeting(self, c):
        meeting = self._meeting_now(c["meeting"])
        assert meeting["status"].get(c["member"]) in ATTENDED and c["member"] not in meeting["rated"], c
        assert type(c["score"]) is int and 0 <= c["score"] <= 10, c
        meeting["rated"].add(c["member"])

    def correct_attendance(self, c):
        meeting = self._meeting_now(c["meeting"])
        assert c["member"] in meeting["status"], c
        meeting["status"][c["member"]] = c["status"]


def replay_batches(batches: list[list[dict]], until: date) -> list[Replay]:
    """Each batch on its own replay (so a reference into another batch fails), ids unique across all."""
    replays, ids, emails = [], set(), set()
    for batch in batches:
        replay = Replay(until)
        for command in batch:
            replay.apply(command)
        created = replay.people | replay.groups.keys() | replay.meetings.keys() | replay.commitments.keys()
        assert not created & ids and not replay.emails & emails
        ids |= created
        emails |= replay.emails
        replays.append(replay)
    return replays


# -- a programme, with the facts the realism tests look at -----------------------------------------------


@pytest.fixture(scope="module")
def programme() -> list[list[dict]]:
    return list(generate_programme(groups=40, months=24, seed=3, until=UNTIL))


@pytest.fixture(scope="module")
def commands(programme) -> list[dict]:
    return [c for batch in programme for c in batch]


@pytest.fixture(scope="module")
def history(commands) -> dict:
    return history_of(commands)


def history_of(commands: list[dict]) -> dict:
    """Spells, recorded statuses and airtime per group, built from the commands alone."""
    spells = defaultdict(list)  # (group, member) -> [joined_on, left_on, reason]
    meetings, status = {}, {}
    for c in commands:
        kind = c["type"]
        if kind == "join_group":
            spells[c["group"], c["member"]].append([c["joined_on"], None, None])
        elif kind == "leave_group":
            spells[c["group"], c["member"]][-1][1:] = [c["left_on"], c["reason"]]
        elif kind == "hold_meeting":
            meetings[c["meeting"]] = c
            day = c["held_on"]
            roster = [
                m
                for (g, m), ss in spells.items()
                if g == c["group"] and any(j <= day and (left is None or left > day) for j, left, _ in ss)
            ]
            status[c["meeting"]] = {m: c.get("attendance", {}).get(m, "absent") for m in roster}
        elif kind == "correct_attendance":
            status[c["meeting"]][c["member"]] = c["status"]
    return {"spells": spells, "meetings": meetings, "status": status}


def attendance_rate(history, group, member, since: str, before: str) -> float | None:
    rows = [
        s[member] in ATTENDED
        for mid, s in history["status"].items()
        if member in s
        and history["meetings"][mid]["group"] == group
        and since <= history["meetings"][mid]["held_on"] < before
    ]
    return sum(rows) / len(rows) if rows else None


# -- determinism and independence -------------------------------------------------------------------------


def test_same_arguments_give_the_same_programme_and_another_seed_another():
    first = list(generate_programme(groups=14, months=12, seed=5, until=UNTIL))
    assert first == list(generate_programme(groups=14, months=12, seed=5, until=UNTIL))
    assert first != list(generate_programme(groups=14, months=12, seed=6, until=UNTIL))


def test_a_group_does_not_depend_on_the_groups_around_it():
    def commands_of(group: str, groups: int) -> list[dict]:
        return [
            c
            for batch in generate_programme(groups=groups, months=12, seed=5, until=UNTIL)
            for c in batch
            if c.get("group") == group
            or any(c.get(k, "").startswith(f"{group}-") for k in ("member", "meeting", "commitment"))
        ]

    assert next(generate_programme(groups=10, months=12, seed=5, until=UNTIL)) == next(
        generate_programme(groups=25, months=12, seed=5, until=UNTIL)
    )
    assert commands_of("g0012", 12) == commands_of("g0012", 20)


def test_batches_hold_a_handful_of_groups_each():
    batches = list(generate_programme(groups=23, months=6, seed=1, until=UNTIL))
    per_batch = [sum(c["type"] == "form_group" for c in batch) for batch in batches]
    assert sum(per_batch) == 23 and max(per_batch) <= 10 and len(batches) == 3


# -- the rules of docs/import-format.md ------------------------------------------------------------------------------


def test_every_command_obeys_the_import_rules_and_batches_stand_alone(programme):
    replays = replay_batches(programme, UNTIL)
    assert sum(len(r.groups) for r in replays) == 40


@pytest.mark.parametrize(
    "groups, months, seed, until",
    [
        (12, 24, 7, date(2024, 2, 29)),  # a leap day, and the default size
        (15, 1, 11, date(2025, 3, 31)),  # a window of one month: groups barely started
        (10, 36, 2, date(2023, 12, 24)),  # the year-end holidays
    ],
)
def test_other_shapes_of_programme_obey_the_rules_too(groups, months, seed, until):
    replay_batches(list(generate_programme(groups, months, seed, until)), until)


def test_until_defaults_to_today_and_nothing_happens_after_it():
    batches = list(generate_programme(groups=3, months=3, seed=1))
    replay_batches(batches, today())


def test_today_is_the_projects_clock_so_a_pinned_day_ends_the_programme(monkeypatch):
    pinned = date(2024, 5, 17)
    monkeypatch.setenv("PEERPULSE_TODAY", pinned.isoformat())
    batches = list(generate_programme(groups=3, months=3, seed=1))
    assert batches == list(generate_programme(groups=3, months=3, seed=1, until=pinned))
    replay_batches(batches, pinned)


def test_no_groups_no_batches_and_nonsense_is_refused_at_once():
    assert list(generate_programme(groups=0)) == []
    with pytest.raises(ValueError):
        generate_programme(groups=-1)
    with pytest.raises(ValueError):
        generate_programme(months=0)


# -- the domain's vocabulary ----------------------------------------------------------------------------


def test_the_simulation_knows_exactly_the_domains_words():
    assert RHYTHMS.keys() == set(model.CADENCES)
    assert TOPIC_SHARES.keys() == set(model.TOPICS)
    assert {IN_PERSON, VIRTUAL} == set(model.FORMATS)
    assert SLIPS.keys() == {PRESENT, LATE, ABSENT, EXCUSED} == set(model.ATTENDANCE_STATUSES)
    assert NOTES.keys() == {DONE, PARTIAL, NOT_DONE, CARRIED_FORWARD, DROPPED} == set(model.OUTCOMES)
    assert {DROPPED_OUT, MOVED, GRADUATED, REMOVED, GROUP_CLOSED, LEFT_FOR_OTHER_REASONS} == set(model.LEAVE_REASONS)


def test_a_word_the_domain_adds_or_drops_stops_the_simulation_at_once():
    with pytest.raises(RuntimeError, match="domain/model.py"):
        covering((*model.CADENCES, "fortnightly"), RHYTHMS)
    with pytest.raises(RuntimeError, match="domain/model.py"):
        covering(model.FORMATS[:1], (IN_PERSON, VIRTUAL))


def test_a_programme_uses_every_word_of_the_domains_vocabulary(commands):
    used = defaultdict(set)
    for c in commands:
        for name in CHOICES.keys() & c.keys():
            used[name].add(c[name])
        used["status"] |= set(c.get("attendance", {}).values())
    assert used == CHOICES


def test_group_names_are_unique_even_for_thousands_of_groups():
    assert len({group_name(n) for n in range(1, 5001)}) == 5000


# -- realism ---------------------------------------------------------------------------------------------


def test_groups_meet_at_a_mix_of_cadences_monthly_most_often(commands):
    cadences = Counter(c["cadence"] for c in commands if c["type"] == "form_group")
    assert cadences.most_common(1)[0][0] == "monthly" and len(cadences) >= 3


def test_some_groups_start_part_way_through_the_window(commands):
    first_meeting = {}
    for c in commands:
        if c["type"] == "hold_meeting":
            first_meeting.setdefault(c["group"], c["held_on"])
    late = [g for g, d in first_meeting.items() if d > (UNTIL - timedelta(days=600)).isoformat()]
    assert 3 <= len(late) <= 25


def test_facilitators_are_mostly_outsiders_and_some_run_several_groups(commands):
    assigned = [c["member"] for c in commands if c["type"] == "assign_facilitator"]
    assert len(assigned) == 40
    outsiders = [m for m in assigned if m.startswith("f")]
    assert len(outsiders) >= 30 and max(Counter(outsiders).values()) >= 2


def test_rosters_stay_between_6_and_14_most_of_the_time(history):
    sizes = [len(s) for s in history["status"].values()]
    assert sum(6 <= n <= 14 for n in sizes) / len(sizes) >= 0.9


def test_leavers_are_replaced_within_a_meeting_or_two(history):
    joins = defaultdict(list)
    for (group, _), spells in history["spells"].items():
        joins[group] += [j for j, _, _ in spells]
    replaced = considered = 0
    for (group, _), spells in history["spells"].items():
        for _, left_on, reason in spells:
            if left_on and reason != "group_closed" and left_on < (UNTIL - timedelta(days=200)).isoformat():
                considered += 1
                horizon = (date.fromisoformat(left_on) + timedelta(days=200)).isoformat()
                replaced += any(left_on < j <= horizon for j in joins[group])
    assert considered >= 20 and replaced / considered >= 0.85


def test_about_one_in_ten_to_one_in_five_members_drops_out_each_year(history):
    member_years = dropouts = 0
    for spells in history["spells"].values():
        for joined_on, left_on, reason in spells:
            end = date.fromisoformat(left_on) if left_on else UNTIL
            member_years += (end - date.fromisoformat(joined_on)).days / 365.25
            dropouts += reason in ("dropped_out", "removed")
    assert 0.08 <= dropouts / member_years <= 0.25


# -- the precursor: how much of a dropout shows before it happens ------------------------------------------


@pytest.fixture(scope="module")
def variants() -> dict[str, tuple[list[dict], dict]]:
    """precursor -> (commands, history) of one programme per variant, the same groups and seed."""
    found = {}
    for precursor in PRECURSORS:
        commands = [
            c
            for batch in generate_programme(groups=60, months=24, seed=3, until=UNTIL, precursor=precursor)
            for c in batch
        ]
        found[precursor] = (commands, history_of(commands))
    return found


def leavers_and_stayers(history, before: int, after: int = 0) -> tuple[float, float, int]:
    """Mean attendance of dropouts over the days [left_on - before, left_on - after), of members still
    active over the window's last quarter, and how many dropouts counted."""
    leavers, stayers = [], []
    last_quarter = (UNTIL - QUARTER).isoformat()
    for (group, member), spells in history["spells"].items():
        for joined_on, left_on, reason in spells:
            if reason == "dropped_out":
                left = date.fromisoformat(left_on)
                since, until = (left - timedelta(days=before)).isoformat(), (left - timedelta(days=after)).isoformat()
                rate = attendance_rate(history, group, member, since, until)
                if rate is not None:
                    leavers.append(rate)
            elif left_on is None and joined_on < last_quarter:
                rate = attendance_rate(history, group, member, last_quarter, UNTIL.isoformat())
                if rate is not None:
                    stayers.append(rate)
    assert len(leavers) >= 60 and len(stayers) >= 400
    return sum(leavers) / len(leavers), sum(stayers) / len(stayers), len(leavers)


@pytest.mark.parametrize(
    "precursor, least, most",
    [("strong", 0.15, 1.0), ("weak", 0.02, 0.15), ("late", -0.05, 0.05), ("none", -0.05, 0.05)],
)
def test_how_far_leavers_attendance_falls_while_a_warning_could_still_help_is_the_precursor(
    variants, precursor, least, most
):
    # between 120 and 30 days before they leave: the months a warning is worth giving in (docs/metrics.md)
    leavers, stayers, _ = leavers_and_stayers(variants[precursor][1], before=120, after=30)
    assert least <= stayers - leavers <= most


def test_late_leavers_fade_only_in_their_last_weeks(variants):
    _, history = variants["late"]
    last_month, stayers, _ = leavers_and_stayers(history, before=30)
    useful, _, _ = leavers_and_stayers(history, before=120, after=30)
    assert useful - last_month >= 0.05 and stayers - last_month >= 0.05


def test_every_variant_has_dropouts_with_no_warning_at_all(variants):
    # a life event or an early exit: they attended as well as anyone until they left
    for precursor, (_, history) in variants.items():
        unwarned = considered = 0
        for (group, member), spells in history["spells"].items():
            for _, left_on, reason in spells:
                if reason == "dropped_out":
                    left = date.fromisoformat(left_on)
                    since = (left - timedelta(days=120)).isoformat()
                    rate = attendance_rate(history, group, member, since, (left - timedelta(days=30)).isoformat())
                    if rate is not None:
                        considered += 1
                        unwarned += rate >= 0.8
        assert unwarned / considered >= (0.25 if precursor == "strong" else 0.5), precursor


def test_every_variant_has_stayers_who_miss_months_and_come_back(variants):
    for precursor, (_, history) in variants.items():
        statuses = defaultdict(list)  # (group, member) -> their statuses, meeting by meeting
        for mid, meeting in sorted(history["meetings"].items(), key=lambda m: m[1]["held_on"]):
            for member, status in history["status"][mid].items():
                statuses[meeting["group"], member].append(status in ATTENDED)
        returned = 0
        for key, attended in statuses.items():
            if any(reason in ("dropped_out", "removed") for *_, reason in history["spells"][key]):
                continue
            run = 0
            for came in attended:
                returned += came and run >= 3  # back after missing three or more in a row
                run = 0 if came else run + 1
        assert returned >= 15, precursor


def test_dropouts_fade_and_disengaging_members_keep_fewer_commitments_and_rate_meetings_lower(variants):
    commands, history = variants["strong"]
    dropped_on = {m: spells[-1][1] for (_, m), spells in history["spells"].items() if spells[-1][2] == "dropped_out"}
    held_on = {mid: m["held_on"] for mid, m in history["meetings"].items()}
    owner = {c["commitment"]: c["member"] for c in commands if c["type"] == "make_commitment"}

    def fading(member: str, meeting: str) -> bool:
        left_on = dropped_on.get(member)
        return left_on is not None and date.fromisoformat(held_on[meeting]) >= date.fromisoformat(left_on) - QUARTER

    done = {True: [], False: []}
    for c in commands:
        if c["type"] == "follow_up":
            done[fading(owner[c["commitment"]], c["meeting"])].append(c["outcome"] == "done")
    ratings = {True: [], False: []}
    for c in commands:
        if c["type"] == "rate_meeting":
            ratings[fading(c["member"], c["meeting"])].append(c["score"])
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    assert mean(done[True]) < mean(done[False]) - 0.1
    assert 7.3 <= mean(ratings[False]) <= 8.7 and mean(ratings[True]) < mean(ratings[False]) - 0.7


def test_an_unknown_precursor_is_refused_at_once():
    with pytest.raises(ValueError, match="strong, weak, late, none"):
        generate_programme(groups=1, precursor="psychic")
    assert DEFAULT_PRECURSOR in PRECURSORS


# -- airtime: planted speakers, and presenters who hold the floor -------------------------------------------------


def ratios(history) -> dict[str, dict[str, float]]:
    """meeting -> member -> dominance ratio, at the meetings that recorded airtime."""
    found = {}
    for mid, meeting in history["meetings"].items():
        seconds = meeting.get("speaking_seconds")
        if seconds is None:
            continue
        attendees = [m for m, s in history["status"][mid].items() if s in ATTENDED]
        total = sum(seconds.get(m, 0) for m in attendees)
        if total:
            found[mid] = {m: seconds.get(m, 0) * len(attendees) / total for m in attendees}
    return found


def test_planted_speakers_are_the_truth_behind_the_airtime_and_no_event_says_so(variants):
    commands, history = variants[DEFAULT_PRECURSOR]
    planted = planted_speakers(groups=60, months=24, seed=3, until=UNTIL, precursor=DEFAULT_PRECURSOR)
    groups = {c["group"] for c in commands if c["type"] == "form_group"}
    assert 0.1 <= len(planted) / len(groups) <= 0.4
    multiples = sorted(planted.values())
    assert 1.5 <= multiples[0] < 2.0 <= multiples[-1] <= 3.2  # they straddle the alert threshold
    assert sum(m >= 2 for m in multiples) > sum(m < 2 for m in multiples)
    by_meeting = ratios(history)
    for (group, member), multiple in planted.items():
        assert (group, member) in history["spells"]
        seen = sorted(
            r[member]
            for mid, r in by_meeting.items()
            if member in r and member not in history["meetings"][mid].get("presenters", [])
        )
        if len(seen) >= 5:  # they take about their multiple, meeting after meeting
            assert seen[len(seen) // 2] == pytest.approx(multiple, rel=0.25)
    assert not any("dominance" in c or "planted" in json.dumps(c) for c in commands)


def test_presenters_hold_the_floor_at_the_meeting_they_present_at(variants):
    _, history = variants[DEFAULT_PRECURSOR]
    by_meeting = ratios(history)
    presenting, not_presenting = [], []
    for mid, r in by_meeting.items():
        presenters = set(history["meetings"][mid].get("presenters", []))
        for member, ratio in r.items():
            (presenting if member in presenters else not_presenting).append(ratio)
    median = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    assert median(presenting) >= 1.5 * median(not_presenting)
    assert 0.1 <= sum(r >= 2 for r in presenting) / len(presenting) <= 0.6  # often over twice a fair share


def test_at_least_one_group_has_a_dominant_speaker_and_most_do_not(history):
    runs = defaultdict(int)  # (group, member) -> meetings in a row at >= 2x a fair share
    dominated = set()
    for mid, meeting in history["meetings"].items():
        seconds = meeting.get("speaking_seconds")
        if seconds is None:
            continue
        attendees = [m for m, s in history["status"][mid].items() if s in ATTENDED]
        total = sum(seconds.get(m, 0) for m in attendees)
        for member in attendees:
            key = (meeting["group"], member)
            runs[key] = runs[key] + 1 if total and seconds.get(member, 0) / total * len(attendees) >= 2 else 0
            if runs[key] >= 3:
                dominated.add(meeting["group"])
    assert 1 <= len(dominated) <= 20


def test_most_but_not_all_meetings_record_airtime_of_a_few_hours(history):
    meetings = list(history["meetings"].values())
    recorded = [m for m in meetings if "speaking_seconds" in m]
    assert 0.7 <= len(recorded) / len(meetings) <= 0.95
    totals = sorted(sum(m["speaking_seconds"].values()) for m in recorded)
    assert 4000 <= totals[len(totals) // 2] <= 10000 and totals[-1] <= 14400


def test_one_to_three_presenters_rotate(history):
    counts = Counter(len(m.get("presenters", [])) for m in history["meetings"].values())
    assert counts.keys() <= {0, 1, 2, 3} and counts[0] <= 0.02 * sum(counts.values())


def test_a_few_attendance_rows_are_corrected(commands, history):
    rows = sum(len(s) for s in history["status"].values())
    corrected = sum(c["type"] == "correct_attendance" for c in commands)
    assert 0.003 <= corrected / rows <= 0.02


def test_most_commitments_are_followed_up_and_some_carried_forward(commands):
    made = {c["commitment"] for c in commands if c["type"] == "make_commitment"}
    outcomes = Counter(c["outcome"] for c in commands if c["type"] == "follow_up")
    closed = {c["commitment"] for c in commands if c["type"] == "follow_up" and c["outcome"] != "carried_forward"}
    assert len(closed) / len(made) >= 0.75
    assert outcomes.most_common(1)[0][0] == "done" and outcomes["carried_forward"] > 0 and outcomes["dropped"] > 0


def test_people_have_varied_realistic_names(commands):
    people = [c for c in commands if c["type"] == "register_member"]
    names = Counter(c["name"] for c in people)
    assert len(names) >= 0.8 * len(people)
    assert any(not c["name"].isascii() for c in people)
    assert all(len(c["name"].split()) >= 2 for c in people)


def test_generation_is_lazy():
    first = next(generate_programme(groups=100_000, months=12, seed=1, until=UNTIL))
    assert sum(c["type"] == "form_group" for c in first) == 10
