"""Every aggregate and event names itself by an explicit topic, and no stored name ever changes (docs/events.md)."""

from __future__ import annotations

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, UUIDAsHex
from eventsourcing.utils import resolve_topic

from domain.model import AGGREGATES, Group, event_classes
from domain.store.mapper import STORED_MODULE_TOPICS, PeerPulseMapper

# Every name a store may hold. Add to these lists; never remove or rename one (old stores hold them).
AGGREGATE_TOPICS = {
    "peerpulse:Group",
    "peerpulse:Member",
    "peerpulse:EmailClaim",
    "peerpulse:Meeting",
    "peerpulse:Commitment",
    "peerpulse:FileImport",
    "peerpulse:MessagePreferences",
    "peerpulse:Message",
}
EVENT_TOPICS = {
    "GroupFormed",
    "MemberJoined",
    "MemberLeft",
    "FacilitatorAssigned",
    "ConfidentialitySigned",
    "AliasRemembered",
    "MemberRegistered",
    "MemberErased",
    "EmailClaimed",
    "MeetingHeld",
    "AttendanceCorrected",
    "AirtimeCorrected",
    "MeetingRated",
    "CommitmentMade",
    "CommitmentCheckedIn",
    "CommitmentCarriedForward",
    "CommitmentClosed",
    "FileImported",
    "MessagePreferencesStarted",
    "MessagesTurnedOff",
    "MessagesTurnedOn",
    "MessageClaimed",
    "MessageClaimedAgain",
    "MessageSent",
    "MessageNotSent",
}


def test_every_aggregate_and_event_declares_its_topic_and_none_was_renamed():
    assert {vars(a)["TOPIC"] for a in AGGREGATES} >= AGGREGATE_TOPICS
    assert set(event_classes()) >= EVENT_TOPICS
    for topic, cls in event_classes().items():
        assert "TOPIC" in vars(cls) and ":" not in topic and resolve_topic(topic) is cls


def test_the_module_paths_stored_before_resolve_to_the_aggregates_wherever_they_live():
    assert {resolve_topic(old) for old in STORED_MODULE_TOPICS} == set(AGGREGATES)
    for old, topic in STORED_MODULE_TOPICS.items():
        assert resolve_topic(old).TOPIC == topic and old.split(":")[1] == topic.split(":")[1]


def test_a_new_event_is_stored_under_its_topic_and_names_its_aggregate_by_topic():
    group = Group(group="north", name="North", cadence="monthly", formed_on="2025-01-06", purpose=None)
    group.join("ana", "2025-01-06")
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    mapper = PeerPulseMapper(transcoder=transcoder)
    stored = [mapper.to_stored_event(e) for e in group.collect_events()]
    assert [s.topic for s in stored] == ["GroupFormed", "MemberJoined"]
    assert b'"originator_topic": "peerpulse:Group"' in stored[0].state.replace(b'":"', b'": "')
    assert b"domain." not in stored[0].state
    replayed = [mapper.to_domain_event(s) for s in stored]
    assert replayed[1].mutate(replayed[0].mutate(None)).spells == {"ana": [["2025-01-06", None, None]]}
