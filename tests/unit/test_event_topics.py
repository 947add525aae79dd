"""Every aggregate and event names itself by an explicit topic, and no stored name ever changes (docs/events.md)."""

from __future__ import annotations

import eventsourcing.utils
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, UUIDAsHex
from eventsourcing.utils import get_topic, resolve_topic

from domain.model import AGGREGATES, Group, Meeting, event_classes
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


def _mapper() -> PeerPulseMapper:
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    return PeerPulseMapper(transcoder=transcoder)


def test_every_aggregate_and_event_declares_its_topic_and_none_was_renamed():
    assert {vars(a)["TOPIC"] for a in AGGREGATES} >= AGGREGATE_TOPICS
    assert set(event_classes()) >= EVENT_TOPICS
    for topic, cls in event_classes().items():
        assert getattr(cls, "TOPIC", None) == topic and ":" not in topic and resolve_topic(topic) is cls


def test_no_topic_names_the_module_its_class_is_defined_in():
    for cls in (*AGGREGATES, *event_classes().values()):
        assert cls.__module__ not in get_topic(cls) and not get_topic(cls).startswith("domain.")


def test_the_module_paths_stored_before_resolve_through_the_registry_not_by_importing(monkeypatch):
    def no_import(name: str, *_: object) -> None:
        raise ImportError(f"resolving a stored topic imported {name}")

    monkeypatch.setattr(eventsourcing.utils.importlib, "import_module", no_import)
    # Sessions (issue 21) was born with its explicit topic: no store holds a module path for it.
    born_named = {a for a in AGGREGATES if a.__name__ == "Sessions"}
    assert {resolve_topic(old) for old in STORED_MODULE_TOPICS} == set(AGGREGATES) - born_named
    for old, topic in STORED_MODULE_TOPICS.items():
        assert resolve_topic(old).TOPIC == topic and old.split(":")[1] == topic.split(":")[1]
    for topic, cls in event_classes().items():
        assert resolve_topic(topic) is cls


def test_a_new_event_is_stored_under_its_topic_and_names_its_aggregate_by_topic():
    group = Group(group="north", name="North", cadence="monthly", formed_on="2025-01-06", purpose=None)
    group.join("ana", "2025-01-06")
    mapper = _mapper()
    stored = [mapper.to_stored_event(e) for e in group.collect_events()]
    assert [s.topic for s in stored] == ["GroupFormed", "MemberJoined"]
    assert b'"originator_topic": "peerpulse:Group"' in stored[0].state.replace(b'":"', b'": "')
    assert b"domain." not in stored[0].state
    replayed = [mapper.to_domain_event(s) for s in stored]
    assert replayed[1].mutate(replayed[0].mutate(None)).spells == {"ana": [["2025-01-06", None, None]]}


def test_a_version_1_rating_is_upcast_and_a_new_one_is_stored_as_version_2():
    mapper = _mapper()
    meeting = Meeting(
        meeting="north-01",
        group="north",
        held_on="2025-01-13",
        topic="growth",
        format=None,
        roster=["ana"],
        attendance={"ana": "present"},
        speaking_seconds=None,
        presenters=[],
        guest_speaker=None,
    )
    meeting.rate("ana", 9, rated_on="2025-01-14")
    held, rated = (mapper.to_stored_event(e) for e in meeting.collect_events())
    state = mapper.transcoder.decode(rated.state)
    assert state["class_version"] == 2 and state["rated_on"] == "2025-01-14"
    del state["class_version"], state["rated_on"]  # as version 1 stored it
    old = type(rated)(rated.originator_id, rated.originator_version, rated.topic, mapper.transcoder.encode(state))
    replayed = mapper.to_domain_event(old).mutate(mapper.to_domain_event(held).mutate(None))
    assert replayed.ratings == {"ana": 9} and replayed.rated_on == {"ana": None}
