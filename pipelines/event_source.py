"""Reading the event log in bulk, straight from the store's table, in pages of notifications.

The library's notification log decodes one event at a time through the domain classes; for building
the warehouse that is several times slower than it needs to be. Here a page is one SQL query, then
every row is decrypted with the store key and parsed as JSON in one tight loop. Nothing depends on
plaintext in the store: without the key, there is nothing to read.
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from domain import keys
from domain.config import Settings
from domain.errors import ConfigurationError

PAGE_SIZE = 50_000


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


@dataclass(frozen=True)
class RawEvent:
    position: int
    stream_id: str  # the aggregate's id, 32 hex digits
    topic: str
    state: bytes


class EventSource:
    """The store's events, in notification order, for one configured store."""

    def __init__(self, settings: Settings):
        key = keys.read_key(settings)
        if key is None:
            raise ConfigurationError(
                f"no store key: the pipeline cannot read the event store ({settings.describe_store()}); "
                f"restore {settings.key_path} or set PEERPULSE_STORE_KEY"
            )
        self.settings = settings
        self.cipher = AESCipher(Environment("PeerPulse", {"CIPHER_KEY": key}))
        if settings.uses_postgres:
            self._schema = settings.postgres_schema
            self._pg = settings.connect_postgres()
            self._sqlite = None
        else:
            self._pg = None
            if not settings.sqlite_path.exists():
                self._sqlite = None
            else:
                self._sqlite = sqlite3.connect(f"file:{settings.sqlite_path}?mode=ro", uri=True)

    def close(self) -> None:
        for conn in (self._pg, self._sqlite):
            if conn is not None:
                conn.close()

    def _query(self, sql_sqlite: str, sql_pg: str, params: tuple) -> list[tuple]:
        if self._sqlite is not None:
            try:
                return self._sqlite.execute(sql_sqlite, params).fetchall()
            except sqlite3.OperationalError as e:
                if "no such table" in str(e):
                    return []
                raise
        if self._pg is not None:
            import psycopg

            try:
                return self._pg.execute(sql_pg.format(schema=self._schema), params).fetchall()
            except psycopg.errors.UndefinedTable:
                return []
        return []

    def max_position(self) -> int:
        rows = self._query("SELECT MAX(rowid) FROM stored_events", "SELECT MAX(notification_id) FROM {schema}.peerpulse_events", ())
        return (rows[0][0] or 0) if rows else 0

    def counts_by_topic(self, up_to: int) -> dict[str, int]:
        rows = self._query(
            "SELECT topic, COUNT(*) FROM stored_events WHERE rowid <= ? GROUP BY topic",
            "SELECT topic, COUNT(*) FROM {schema}.peerpulse_events WHERE notification_id <= %s GROUP BY topic",
            (up_to,),
        )
        return dict(rows)

    def page(self, after: int, limit: int = PAGE_SIZE, up_to: int | None = None) -> list[RawEvent]:
        """The next `limit` events after position `after` (and not after `up_to`)."""
        up_to = up_to if up_to is not None else 2**62
        rows = self._query(
            "SELECT rowid, originator_id, topic, state FROM stored_events WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?",
            "SELECT notification_id, originator_id, topic, state FROM {schema}.peerpulse_events "
            "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id LIMIT %s",
            (after, up_to, limit),
        )
        return [RawEvent(r[0], r[1].hex if hasattr(r[1], "hex") and not isinstance(r[1], str) else r[1], r[2], bytes(r[3])) for r in rows]

    def pages(self, after: int, up_to: int, limit: int = PAGE_SIZE) -> Iterator[list[RawEvent]]:
        while after < up_to:
            page = self.page(after, limit, up_to)
            if not page:
                return
            yield page
            after = page[-1].position
            gc.collect(0)

    def decode(self, page: list[RawEvent]) -> list[tuple[int, str, str, dict[str, Any]]]:
        """Decrypt and parse a page in one pass: (position, stream id, topic, event state)."""
        decrypt, loads = self.cipher.decrypt, json.loads
        try:
            return [(e.position, e.stream_id, e.topic, loads(decrypt(e.state))) for e in page]
        except ValueError:
            raise ConfigurationError(
                f"the store key does not open the event store ({self.settings.describe_store()})"
            ) from None
