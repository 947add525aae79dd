"""How events are written to and read from the store: stable topics, and the cipher seam.

The library names stored events by `module:Class`, which breaks stored history when a module moves.
Here every event is stored under its domain name (`MemberJoined`), fixed forever, and resolved back
through a registry. Encryption at rest is the mapper's cipher (AES-GCM with the store key, see
domain.keys); per-member sealing of personal fields slots in here too, because this is the one place
that sees every event on its way in and out.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, Mapper, StoredEvent
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


def existing_streams(recorder: AggregateRecorder, candidates: Iterable[UUID], chunk: int = 500) -> set[UUID]:
    """Which of these aggregates have events, in a few queries instead of one per aggregate.

    A batch that creates thousands of aggregates would otherwise ask the store about each one in turn
    just to learn that it does not exist yet.
    """
    from eventsourcing.postgres import PostgresAggregateRecorder
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    ids = list(dict.fromkeys(candidates))
    found: set[UUID] = set()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        if isinstance(recorder, SQLiteAggregateRecorder):
            marks = ",".join("?" * len(part))
            with recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    f"SELECT DISTINCT originator_id FROM {recorder.events_table_name} WHERE originator_id IN ({marks})",
                    [u.hex for u in part],
                )
                found.update(UUID(row[0]) for row in cursor.fetchall())
        elif isinstance(recorder, PostgresAggregateRecorder):
            from psycopg.sql import SQL, Identifier

            statement = SQL("SELECT DISTINCT originator_id FROM {schema}.{table} WHERE originator_id = ANY(%s)").format(
                schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name)
            )
            with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
                cursor.execute(statement, [part])
                found.update(row["originator_id"] for row in cursor.fetchall())
        else:  # an unknown store: say everything may exist, so each is looked up on its own
            return set(ids)
    return found
