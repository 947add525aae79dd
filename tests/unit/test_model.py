"""The aggregates' rules, with no I/O: each verb either records the right event or refuses plainly."""

import pytest

from domain.errors import DomainError
from domain.model import Commitment, Group, Meeting


def group_with(*members, formed_on="2025-01-06", joined_on="2025-01-06"):
    group = Group(group="north", name="North Forum", cadence="monthly", formed_on=formed_on, purpose=None)
    for m in members:
        group.join(m, joined_on)
    return group


def hold(group, meeting="north-01", held_on="2025-01-13", attendance=None, speaking_seconds=None, presenters=()):
    return Meeting.hold(
        meeting=meeting,
        group=group,
        held_on=held_on,
        topic="growth",
        format=None,
        attendance=attendance or {},
        speaking_seconds=speaking_seconds,
        presenters=list(presenters),
        guest_speaker=None,
    )


def event_names(aggregate):
    return [type(e).__name__ for e in aggregate.collect_events()]


def test_events_are_named_in_the_past_tense():
    group = group_with("ana")
    group.leave("ana", "2025-03-01", "moved")
    assert event_names(group) == ["GroupFormed", "MemberJoined", "MemberLeft"]


def test_a_member_cannot_join_twice_while_active_but_can_rejoin_after_leaving():
    group = group_with("ana")
    with pytest.raises(DomainError, match="already an active member") as e:
        group.join("ana", "2025-02-01")
    assert e.value.field == "member"
    group.leave("ana", "2025-03-01", "moved")
    assert group.join("ana", "2025-06-01") is True
    assert group.spells["ana"] == [["2025-01-06", "2025-03-01", "moved"], ["2025-06-01", None, None]]


def test_joining_before_the_group_was_formed_is_refused():
    group = group_with()
    with pytest.raises(DomainError, match="before group 'north' was formed"):
        group.join("ana", "2025-01-05")


def test_leaving_needs_an_active_membership_and_a_date_after_joining():
    group = group_with("ana")
    with pytest.raises(DomainError, match="before the member joined"):
        group.leave("ana", "2025-01-01", "moved")
    with pytest.raises(DomainError, match="not an active member"):
        group.leave("bob", "2025-02-01", "moved")


def test_the_same_join_or_leave_again_is_recognised_as_already_recorded():
    group = group_with("ana")
    group.collect_events()
    assert group.join("ana", "2025-01-06") is False
    group.leave("ana", "2025-02-01", "graduated")
    assert group.leave("ana", "2025-02-01", "graduated") is False
    assert event_names(group) == ["MemberLeft"]


def test_roster_is_everyone_active_on_the_day_and_a_leaver_is_off_it_on_the_day_they_leave():
    group = group_with("ana", "bob")
    group.join("cleo", "2025-02-01")
    group.leave("bob", "2025-02-10", "moved")
    assert group.roster_on("2025-01-06") == ["ana", "bob"]
    assert group.roster_on("2025-02-01") == ["ana", "bob", "cleo"]
    assert group.roster_on("2025-02-10") == ["ana", "cleo"]


def test_holding_a_meeting_fills_absent_roster_members_and_zero_seconds_for_silent_attendees():
    group = group_with("ana", "bob", "cleo")
    meeting = hold(group, attendance={"ana": "present", "bob": "late"}, speaking_seconds={"ana": 600})
    assert meeting.attendance == {"ana": "present", "bob": "late", "cleo": "absent"}
    assert meeting.speaking_seconds == {"ana": 600, "bob": 0}
    assert meeting.roster == ["ana", "bob", "cleo"]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"attendance": {"zed": "present"}}, "attendance"),
        ({"attendance": {"ana": "absent"}, "speaking_seconds": {"ana": 10}}, "speaking_seconds"),
        ({"attendance": {"ana": "excused"}, "presenters": ["ana"]}, "presenters"),
        ({"held_on": "2024-12-31"}, "held_on"),
    ],
)
def test_a_meeting_refuses_people_who_were_not_there(kwargs, field):
    group = group_with("ana")
    with pytest.raises(DomainError) as e:
        hold(group, **kwargs)
    assert e.value.field == field


def test_ratings_only_from_attendees_and_only_once():
    meeting = hold(group_with("ana", "bob"), attendance={"ana": "present"})
    assert meeting.rate("ana", 8) is True
    assert meeting.rate("ana", 8) is False
    with pytest.raises(DomainError, match="already rated"):
        meeting.rate("ana", 9)
    with pytest.raises(DomainError, match="did not attend"):
        meeting.rate("bob", 7)


def test_a_correction_changes_status_and_then_counts_as_attendance():
    meeting = hold(group_with("ana", "bob"), attendance={"ana": "present"})
    assert meeting.correct_attendance("bob", "late") is True
    assert meeting.attended("bob")
    assert meeting.correct_attendance("bob", "late") is False
    with pytest.raises(DomainError, match="not on the roster"):
        meeting.correct_attendance("zed", "present")


def test_an_airtime_correction_replaces_a_participants_seconds_and_the_meeting_stays_the_same_meeting():
    group = group_with("ana", "bob", "cy")
    meeting = hold(group, attendance={"ana": "present", "bob": "present"}, speaking_seconds={"ana": 1e5 / 2})
    assert meeting.correct_airtime("ana", 600.25) is True
    assert meeting.speaking_seconds == {"ana": 600.25, "bob": 0}
    assert meeting.correct_airtime("ana", 600.25) is False  # already recorded
    with pytest.raises(DomainError, match="did not attend"):
        meeting.correct_airtime("cy", 10)
    # the meeting as first recorded is still this meeting: importing it again is skipped, not refused
    again = hold(
        group_with("ana", "bob", "cy"),
        attendance={"ana": "present", "bob": "present"},
        speaking_seconds={"ana": 1e5 / 2},
    )
    assert meeting.same_as(again)
    assert event_names(meeting)[-1] == "AirtimeCorrected"
    with pytest.raises(DomainError, match="recorded no airtime"):
        hold(group, meeting="north-02", attendance={"ana": "present"}).correct_airtime("ana", 5)


def commitment_at(meeting, due_on="2025-02-10"):
    return Commitment.make(commitment="c-1", member="ana", meeting=meeting, due_on=due_on, text="Hire a COO")


def test_commitments_need_an_attendee_and_a_due_date_after_the_meeting():
    group = group_with("ana", "bob")
    meeting = hold(group, attendance={"ana": "present"})
    with pytest.raises(DomainError, match="did not attend"):
        Commitment.make(commitment="c-1", member="bob", meeting=meeting, due_on="2025-02-10", text="x")
    with pytest.raises(DomainError, match="must be after the meeting"):
        commitment_at(meeting, due_on="2025-01-13")


def test_carry_forward_moves_the_due_date_and_a_closing_outcome_closes():
    group = group_with("ana")
    first = hold(group, attendance={"ana": "present"})
    second = hold(group, meeting="north-02", held_on="2025-02-10", attendance={"ana": "present"})
    third = hold(group, meeting="north-03", held_on="2025-03-10", attendance={"ana": "present"})
    commitment = commitment_at(first)
    with pytest.raises(DomainError, match="must be after the current due date"):
        commitment.follow_up(second, "carried_forward", "2025-02-10", None)
    commitment.follow_up(second, "carried_forward", "2025-03-10", None)
    assert (commitment.due_on, commitment.times_carried_forward, commitment.is_open) == ("2025-03-10", 1, True)
    commitment.follow_up(third, "partial", None, None)
    assert commitment.outcome == "partial" and not commitment.is_open
    with pytest.raises(DomainError, match="already closed"):
        commitment.follow_up(third, "done", None, None)
    assert event_names(commitment) == ["CommitmentMade", "CommitmentCarriedForward", "CommitmentClosed"]


def test_follow_up_must_be_at_a_later_meeting_of_the_same_group():
    group = group_with("ana")
    meeting = hold(group, attendance={"ana": "present"})
    commitment = commitment_at(meeting)
    with pytest.raises(DomainError, match="not after the commitment was made"):
        commitment.follow_up(meeting, "done", None, None)
    other = Group(group="south", name="South", cadence="monthly", formed_on="2025-01-01", purpose=None)
    other.join("bob", "2025-01-01")
    elsewhere = hold(other, meeting="south-02", held_on="2025-02-01", attendance={"bob": "present"})
    with pytest.raises(DomainError, match="not a meeting of group 'north'"):
        commitment.follow_up(elsewhere, "done", None, None)


def test_a_member_checks_in_on_their_own_open_commitment_once_per_check_in():
    meeting = hold(group_with("ana", "bob"), attendance={"ana": "present", "bob": "present"})
    commitment = commitment_at(meeting)
    assert commitment.check_in("k1", "ana", "2025-01-20", "at_risk", 6, "a note") is True
    assert commitment.check_in("k1", "ana", "2025-01-20", "at_risk", 6, "a note") is False  # a double click
    with pytest.raises(DomainError, match="already recorded with other details"):
        commitment.check_in("k1", "ana", "2025-01-20", "blocked", 2, None)
    with pytest.raises(DomainError, match="is not member 'bob''s to check in on"):
        commitment.check_in("k2", "bob", "2025-01-21", "on_track", 9, None)
    with pytest.raises(DomainError, match="before the commitment was made"):
        commitment.check_in("k3", "ana", "2025-01-01", "on_track", 9, None)
    assert event_names(commitment)[-1] == "CommitmentCheckedIn"
    later = hold(group_with("ana", "bob"), meeting="north-02", held_on="2025-02-10", attendance={"ana": "present"})
    commitment.follow_up(later, "done", None, None)
    with pytest.raises(DomainError, match="already closed"):
        commitment.check_in("k4", "ana", "2025-02-11", "on_track", 9, None)


def test_a_rating_given_with_its_day_is_within_two_weeks_of_the_meeting():
    meeting = hold(group_with("ana", "bob", "cy"), attendance={"ana": "present", "bob": "present", "cy": "present"})
    assert meeting.rate("ana", 8, rated_on="2025-01-27") is True  # held 2025-01-13: the 14th day is the last
    with pytest.raises(
        DomainError, match="within 14 days of it: meeting 'north-01' \\(2025-01-13\\) could be rated until 2025-01-27"
    ):
        meeting.rate("bob", 8, rated_on="2025-01-28")
    with pytest.raises(DomainError, match="within 14 days"):
        meeting.rate("bob", 8, rated_on="2025-01-12")
    assert meeting.rate("cy", 3) is True  # an import of past ratings gives no day


def test_a_group_remembers_what_its_exports_call_a_member():
    group = group_with("ana")
    assert group.remember_alias("Ana's iPad", "ana") is True
    assert group.remember_alias("Ana's iPad", "ana") is False
    assert group.aliases == {"Ana's iPad": "ana"}
    with pytest.raises(DomainError, match="never been a member"):
        group.remember_alias("Zed's phone", "zed")


# -- messages: preferences, and each message sent at most once ------------------------------------
def test_a_kind_of_message_is_turned_off_and_on_again_once_each():
    from domain.model import MessagePreferences

    preferences = MessagePreferences(recipient="member:ana")
    assert preferences.wants("nudge")
    assert preferences.turn_off("nudge") and not preferences.turn_off("nudge")
    assert not preferences.wants("nudge") and preferences.wants("briefing")
    assert preferences.turn_on("nudge") and not preferences.turn_on("nudge")
    assert event_names(preferences) == ["MessagePreferencesStarted", "MessagesTurnedOff", "MessagesTurnedOn"]


def test_a_claimed_message_is_another_runs_until_the_claim_lapses_or_is_let_go():
    from domain.model import Message

    message = Message(recipient="member:ana", kind="nudge", occasion="2025-07-01", run="a", claimed_until="T10")
    assert not message.claim_again("b", "T20", now="T05")  # run a still holds it
    assert message.claim_again("b", "T20", now="T10")  # a's claim lapsed (a died)
    assert not message.let_go("a", "SMTPRecipientsRefused")  # a no longer holds it
    assert message.let_go("b", "SMTPRecipientsRefused")
    assert message.claim_again("c", "T30", now="T11")  # let go: claimable at once
    assert message.record_sent("c", "T12") and not message.record_sent("c", "T12")
    assert not message.claim_again("d", "T99", now="T98")  # sent is sent, whatever the clock says
    assert event_names(message) == [
        "MessageClaimed",
        "MessageClaimedAgain",
        "MessageNotSent",
        "MessageClaimedAgain",
        "MessageSent",
    ]
