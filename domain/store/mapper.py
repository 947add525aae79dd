"""How events are written to and read from the store: stable topics, and the encryption seams.

- Topics: every aggregate and event class declares its topic through the library (`TOPIC`, and
  `@event(..., topic=...)`; docs/events.md), so nothing stored names a module: events are stored under
  their domain name (`MemberJoined`, as since the first store), a created event names its aggregate
  `peerpulse:Group`. Stores written up to a9017b8 name the aggregate by its module path then
  (`domain.model:Group`): those topics are registered here, for good, so they resolve wherever the
  classes live now.
- Encryption at rest, in two layers: each member's personal fields are sealed with that member's own
  key (domain.store.member_keys; destroying it erases them), then the whole event is encrypted with the
  store key by the library's AES-GCM cipher. Ids, dates, statuses and figures are only under the
  store key, so the pipeline reads them without ever touching a member's key.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic, register_topic, resolve_topic

from domain.errors import DomainError
from domain.model import PERSONAL_FIELDS, event_classes
from domain.store.member_keys import MemberErased

# Who is recording the events being saved, and through what ({"who": ..., "via": ...}): set by the
# application around each save, written into every event's state as `recorded_by`.
RECORDED_BY: ContextVar[dict[str, str] | None] = ContextVar("recorded_by", default=None)

TOPIC_BY_CLASS: dict[type, str] = {cls: topic for topic, cls in event_classes().items()}

# The aggregates' topics that created events stored before topics were explicit (up to a9017b8), and
# the explicit topic each stands for now. Never remove a line: stores holding them are out there. Moving
# or renaming a class needs no new line (its TOPIC stays); no event topic was ever a module path, and
# no snapshot was ever stored.
STORED_MODULE_TOPICS = {
    "domain.model:Group": "peerpulse:Group",
    "domain.model:Member": "peerpulse:Member",
    "domain.model:EmailClaim": "peerpulse:EmailClaim",
    "domain.model:Meeting": "peerpulse:Meeting",
    "domain.model:Commitment": "peerpulse:Commitment",
    "domain.model:FileImport": "peerpulse:FileImport",
    "domain.model:MessagePreferences": "peerpulse:MessagePreferences",
    "domain.model:Message": "peerpulse:Message",
}
for _old, _topic in STORED_MODULE_TOPICS.items():
    register_topic(_old, resolve_topic(_topic))


class PeerPulseMapper(Mapper):
    """The library's mapper with stable topics and per-member sealing of personal fields."""

    member_keys: Any = None  # domain.store.member_keys.MemberKeys, set when the application opens

    def to_stored_event(self, domain_event) -> StoredEvent:  # type: ignore[override]
        topic = get_topic(type(domain_event))
        state = dict(vars(domain_event))
        fields = PERSONAL_FIELDS.get(topic)
        if fields:
            if self.member_keys is None:
                raise RuntimeError("personal data cannot be stored before the member key store is open")
            member = state["member"]
            for field in fields:
                if state.get(field) is not None:
                    try:
                        state[field] = self.member_keys.seal(member, field, state[field])
                    except MemberErased:
                        raise DomainError(
                            f"member '{member}' was erased: their personal data cannot be recorded again", "member"
                        ) from None
        recorded_by = RECORDED_BY.get()
        if recorded_by is not None and "recorded_by" not in state:
            state["recorded_by"] = recorded_by
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        stored_state = self.transcoder.encode(state)
        if self.compressor:
            stored_state = self.compressor.compress(stored_state)
        if self.cipher:
            stored_state = self.cipher.encrypt(stored_state)
        return StoredEvent(
            originator_id=originator_id, originator_version=originator_version, topic=topic, state=stored_state
        )

    def to_domain_event(self, stored_event: StoredEvent):  # type: ignore[override]
        domain_event = super().to_domain_event(stored_event)
        fields = PERSONAL_FIELDS.get(stored_event.topic)
        if fields and self.member_keys is not None:
            state = domain_event.__dict__
            for field in fields:
                state[field] = self.member_keys.open(state["member"], field, state.get(field))
        return domain_event
