"""How events are written to and read from the store: stable topics, and the cipher seam.

The library names stored events by `module:Class`, which breaks stored history when a module moves.
Here every event is stored under its domain name (`MemberJoined`), fixed forever, and resolved back
through a registry. Encryption at rest is the mapper's cipher (AES-GCM with the store key, see
domain.keys); per-member sealing of personal fields slots in here too, because this is the one place
that sees every event on its way in and out.
"""

from __future__ import annotations

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import register_topic

from domain.model import event_classes

TOPIC_BY_CLASS: dict[type, str] = {cls: name for name, cls in event_classes().items()}
for _name, _cls in event_classes().items():
    register_topic(_name, _cls)


class StableTopicMapper(Mapper):
    def to_stored_event(self, domain_event) -> StoredEvent:  # type: ignore[override]
        stored = super().to_stored_event(domain_event)
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=TOPIC_BY_CLASS[type(domain_event)],
            state=stored.state,
        )
