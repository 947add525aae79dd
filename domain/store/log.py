"""The event log as the store lays it out: the one place that knows its tables, its envelope, and
how SQLite and PostgreSQL differ.

The library's notification log decodes one event at a time through the domain classes; to build the
warehouse that is several times slower than it needs to be. `EventLog` reads a page in one query and
decrypts every row of it in one tight loop: `plain_pages` hands the JSON text on column by column (the
pipeline parses it in DuckDB), `decode` parses it with orjson. Without the store key there is nothing
to read.
`existing_streams` answers, for the application, which of many aggregates already have events.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import AggregateRecorder

from domain.config import Settings
from domain.errors import ConfigurationError
from domain.store import connect_postgres, keys
from domain.store.cipher import aesgcm_for, open_envelopes

PAGE_SIZE = 50_000
SQLITE_EVENTS = "stored_events"  # the library's table names (eventsourcing.sqlite / .postgres)
POSTGRES_EVENTS = "peerpulse_events"  # "<application name>_events", lower case


@dataclass(frozen=True)
class RawEvent:
    position: int
    stream_id: str  # the aggregate's id, 32 hex digits
    topic: str
    state: bytes


@dataclass(frozen=True)
class PlainPage:
    """A page of events, column by column, each event's state decrypted to its JSON text (UTF-8)."""

    positions: list[int]
    stream_ids: list[str]  # 32 hex digits
    topics: list[str]
    payloads: list[bytes]

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def last_position(self) -> int:
        return self.positions[-1]


@contextmanager
def bulk_decoding() -> Iterator[None]:
    """Pause the cyclic garbage collector while pages stream through.

    Decoding a page creates hundreds of thousands of small dicts and tuples, none in a reference cycle;
    the collector would walk all of them again and again (a third of the read time). Reference
    counting still frees each page; the youngest generation is collected once per page.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class EventLog:
    """The store's events in log order (their position), read in pages, for one configured store."""

    def __init__(self, settings: Settings):
        key = keys.read_key(settings)
        if key is None:
            raise ConfigurationError(
                f"no store key: the event store ({settings.describe_store()}) cannot be read; "
                f"restore {settings.key_path} or set PEERPULSE_STORE_KEY"
            )
        self.settings = settings
        self._aesgcm = aesgcm_for(key)
        self._pg = connect_postgres(settings) if settings.uses_postgres else None
        self._sqlite = None
        if self._pg is None and settings.sqlite_path.exists():
            self._sqlite = sqlite3.connect(f"file:{settings.sqlite_path}?mode=ro", uri=True)
        self._events = f'"{settings.postgres.schema}".{POSTGRES_EVENTS}' if self._pg is not None else SQLITE_EVENTS

    def close(self) -> None:
        for conn in (self._pg, self._sqlite):
            if conn is not None:
                conn.close()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: tuple) -> list[tuple]:
        """`sql` names the position column `position` and the table `{events}`."""
        if self._sqlite is not None:
            try:
                return self._sqlite.execute(sql.format(events=self._events, position="rowid"), params).fetchall()
            except sqlite3.OperationalError as e:
                if "no such table" in str(e):
                    return []
                raise
        if self._pg is not None:
            import psycopg

            statement = sql.format(events=self._events, position="notification_id").replace("?", "%s")
            try:
                return self._pg.execute(statement, params).fetchall()
            except psycopg.errors.UndefinedTable:
                return []
        return []

    def check_key(self) -> None:
        """Refuse now, plainly, a store key that does not open the log (rather than mid-run)."""
        first = self.page(after=0, limit=1)
        if first:
            self.decode(first)

    def max_position(self) -> int:
        rows = self._query("SELECT MAX({position}) FROM {events}", ())
        return (rows[0][0] or 0) if rows else 0

    def counts_by_topic(self, up_to: int, after: int = 0) -> dict[str, int]:
        """How many events of each type the log holds after position `after`, up to `up_to`."""
        return dict(
            self._query(
                "SELECT topic, COUNT(*) FROM {events} WHERE {position} > ? AND {position} <= ? GROUP BY topic",
                (after, up_to),
            )
        )

    def page(self, after: int, limit: int = PAGE_SIZE, up_to: int | None = None) -> list[RawEvent]:
        """The next `limit` events after position `after` (and not after `up_to`)."""
        up_to = up_to if up_to is not None else 2**62
        rows = self._query(
            "SELECT {position}, originator_id, topic, state FROM {events} "
            "WHERE {position} > ? AND {position} <= ? ORDER BY {position} LIMIT ?",
            (after, up_to, limit),
        )
        return [RawEvent(r[0], r[1] if isinstance(r[1], str) else r[1].hex, r[2], bytes(r[3])) for r in rows]

    def decode(self, page: list[RawEvent]) -> list[tuple[int, str, str, dict[str, Any]]]:
        """Decrypt and parse a page in one pass: (position, stream id, topic, event state).

        orjson rather than the standard json module: it parses these small objects several times faster
        (no per-object Python hooks) into the same dicts, lists, str, int, float and None, and is as
        strict about what JSON is."""
        texts = self._open([e.state for e in page])
        loads = orjson.loads
        return [(e.position, e.stream_id, e.topic, loads(text)) for e, text in zip(page, texts, strict=True)]

    def plain_pages(self, after: int, up_to: int, limit: int = PAGE_SIZE) -> Iterator[PlainPage]:
        """The events after `after` up to `up_to`, `limit` at a time, decrypted, not parsed: the bulk
        reader's fastest path (no object per event)."""
        while after < up_to:
            rows = self._query(
                "SELECT {position}, originator_id, topic, state FROM {events} "
                "WHERE {position} > ? AND {position} <= ? ORDER BY {position} LIMIT ?",
                (after, up_to, limit),
            )
            if not rows:
                return
            positions, streams, topics, states = (list(column) for column in zip(*rows, strict=True))
            del rows
            if streams and not isinstance(streams[0], str):  # PostgreSQL hands back UUIDs
                streams = [s.hex for s in streams]
            yield PlainPage(positions, streams, topics, self._open(states))
            after = positions[-1]
            gc.collect(0)

    def _open(self, states: list) -> list[bytes]:
        try:
            if states and not isinstance(states[0], bytes):  # a driver's memoryview or bytearray
                states = [bytes(s) for s in states]
            return open_envelopes(self._aesgcm, states)
        except ValueError:
            raise ConfigurationError(
                f"the store key does not open the event store ({self.settings.describe_store()})"
            ) from None


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
