"""The PostgreSQL event store's writer: the library's recorder, saving a batch without psycopg's pipeline.

Why: the library inserts a batch as one statement inside psycopg's pipeline mode. When that statement is
larger than the socket takes at once (about 20,000 events), psycopg 3.3 stops flushing it after its last
command and waits for a reply the server cannot send (it is still reading the statement, `ClientRead`),
while the transaction holds the events table's write lock: the import never ends and every other writer
waits behind it. Here the batch is stored in one transaction (all or nothing, in commit order as the
library requires) by ordinary statements of at most `CHUNK` events, each sent whole before its reply is
read. Every wait is bounded (`STATEMENT_TIMEOUT`, `LOCK_TIMEOUT`, `WRITE_BUDGET`, the library's
idle-in-transaction timeout), and a failure is a plain `StoreError`, never a retry of a half-known write.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError, PersistenceError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from psycopg.sql import SQL

from domain.errors import PeerPulseError

CHUNK = 5_000  # events per INSERT statement
LOCK_TIMEOUT = 30  # s: waiting for the events table's write lock (another writer is storing)
STATEMENT_TIMEOUT = 60  # s: any one statement on the store's connections
WRITE_BUDGET = 120  # s: a whole batch's transaction, so the write lock is never held longer
CONNECT_TIMEOUT = 10  # s: opening a connection, or waiting for one of the pool's


# what a store that stopped answering raises (the library wraps most of it in its PersistenceError)
STORE_FAILURES = (PersistenceError, psycopg.Error, sqlite3.Error)


class StoreError(PeerPulseError):
    """The event store could not take a batch; nothing of it was stored (or, when said, maybe all of it)."""

    exit_code = 4


def connection_options() -> dict[str, Any]:
    """libpq settings for every connection to the store: server-side bounds on statements and lock waits,
    and TCP keepalives so a server that vanished is noticed in seconds rather than never."""
    return {
        "options": f"-c statement_timeout={STATEMENT_TIMEOUT * 1000} -c lock_timeout={LOCK_TIMEOUT * 1000}",
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,
    }


class Recorder(PostgresApplicationRecorder):
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        import psycopg

        if not stored_events:
            return []
        started = time.monotonic()
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        ids: list[int] = []
        committing = False
        try:
            with self.datastore.get_connection() as conn:
                with conn.transaction(), conn.cursor() as curs:
                    self._lock_table(curs)
                    self._notify_channel(curs)
                    for start in range(0, len(rows), CHUNK):
                        left = WRITE_BUDGET - (time.monotonic() - started)
                        if left <= 0:
                            raise psycopg.errors.QueryCanceled("write budget spent")
                        curs.execute(SQL("SET LOCAL statement_timeout = {0}").format(int(left * 1000)))
                        curs.execute(self.insert_events_statement, (rows[start : start + CHUNK],))
                        ids.extend(row["notification_id"] for row in curs.fetchall())
                    committing = True
        except IntegrityError:
            raise  # a concurrent writer: the application replays its batch
        except Exception as e:
            raise StoreError(describe_write_failure(e, len(rows), committing)) from None
        return ids


def describe_write_failure(e: BaseException, events: int, committing: bool) -> str:
    import psycopg

    cause = e.__cause__ if isinstance(e.__cause__, psycopg.Error) else e
    if isinstance(cause, psycopg.errors.LockNotAvailable):
        return (
            f"the event store is busy: another writer held it for more than {LOCK_TIMEOUT} s; "
            "nothing was stored, try again"
        )
    if isinstance(cause, psycopg.errors.QueryCanceled):
        return f"storing {events} events took longer than {WRITE_BUDGET} s; nothing was stored"
    if committing:
        return (
            f"the connection to the event store was lost while committing {events} events: they may or may "
            "not be stored; running the same input again is safe (what is recorded is skipped)"
        )
    return (
        f"the connection to the event store was lost while storing {events} events (the server was "
        f"restarted or the session ended: {type(cause).__name__}); nothing was stored, run it again"
    )


class Factory(PostgresFactory):
    application_recorder_class = Recorder

    def __init__(self, env: Any):
        super().__init__(env)
        self.datastore.pool.kwargs.update(connection_options())


def describe_open_failure(e: BaseException, where: str, schema: str) -> str:
    """Why the store could not be opened, as a plain sentence: where, and what to do, never a password."""
    import psycopg

    cause = e.__cause__ if isinstance(e.__cause__, psycopg.Error) else e
    if isinstance(cause, psycopg.errors.InvalidSchemaName):
        return (
            f"cannot open the event store ({where}): its schema '{schema}' does not exist; create it "
            f"(CREATE SCHEMA {schema}) or name another with ?schema= in PEERPULSE_DATABASE_URL"
        )
    if isinstance(cause, psycopg.errors.InvalidPassword | psycopg.errors.InvalidAuthorizationSpecification):
        return f"cannot open the event store ({where}): the server refused the user name or password"
    if isinstance(cause, psycopg.errors.InvalidCatalogName):
        return f"cannot open the event store ({where}): the database does not exist"
    if isinstance(cause, psycopg.errors.InsufficientPrivilege):
        return f"cannot open the event store ({where}): the user may not create or read its tables"
    return f"cannot open the event store ({where}): {type(cause).__name__}"


def connection_failed(e: BaseException) -> bool:
    """The server could not be reached or dropped the connection (down, restarting, a session ended), as
    opposed to a store that answers but refuses (a schema, a password, a right)."""
    cause = e.__cause__ if isinstance(e.__cause__, psycopg.Error) else e
    if not isinstance(cause, psycopg.Error):
        return False
    state = cause.sqlstate or ""
    return state == "" or state.startswith(("08", "57"))


def lost_store(e: BaseException, where: str) -> StoreError:
    """A failure of the store outside a batch's write (a read, a member key, a claim): nothing half-written,
    since every write is one transaction; the message says so and what to do."""
    cause = e.__cause__ if isinstance(e.__cause__, Exception) else e
    return StoreError(
        f"the event store ({where}) stopped answering ({type(cause).__name__}: the server was restarted or "
        "the connection was lost); nothing was half-written, try again"
    )
