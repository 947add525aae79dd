"""Where the events live and how they are protected: the store's layout, its keys and its envelope.

- `keys`: the store key (one per store; encrypts every event and wraps the member keys).
- `member_keys`: one key per member, sealing their personal fields; destroying it erases them.
- `mapper`: stable topics, and the seams where personal fields are sealed and opened.
- `cipher`: the AES-GCM envelope of every stored event.
- `log`: the event log read in bulk (the pipeline's only way in), and look-ups the application needs.

Nothing outside this package knows a table name, the envelope, or which database holds the events.
"""

from __future__ import annotations

from domain.config import Settings


def library_environment(settings: Settings, store_key: str) -> dict[str, str]:
    """The eventsourcing library's settings for the configured store, encrypted with `store_key`."""
    env = {
        "MAPPER_TOPIC": "domain.store.mapper:PeerPulseMapper",
        "CIPHER_TOPIC": "domain.store.cipher:StoreCipher",
        "CIPHER_KEY": store_key,
    }
    if not settings.uses_postgres:
        settings.ensure_home()
        return env | {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": "60",
        }
    pg = settings.postgres
    return env | {
        "PERSISTENCE_MODULE": "domain.store.postgres:Factory",
        "POSTGRES_DBNAME": pg.dbname,
        "POSTGRES_HOST": pg.host,
        "POSTGRES_PORT": str(pg.port),
        "POSTGRES_USER": pg.user,
        "POSTGRES_PASSWORD": pg.password,
        "POSTGRES_SCHEMA": pg.schema,
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_LOCK_TIMEOUT": "30",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_PRE_PING": "y",  # a connection the server dropped (a restart) is replaced, not used
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "5",
    }


def connect_postgres(settings: Settings):
    """A plain autocommit connection to the PostgreSQL store, for what works beside the library's
    tables (bulk reads of the log, the member key table)."""
    import psycopg

    from domain.errors import ConfigurationError
    from domain.store.postgres import connection_options

    pg = settings.postgres
    try:
        return psycopg.connect(
            dbname=pg.dbname,
            host=pg.host,
            port=pg.port,
            user=pg.user,
            password=pg.password,
            autocommit=True,
            connect_timeout=10,
            **connection_options(),
        )
    except psycopg.Error as e:  # say where, never the password
        raise ConfigurationError(
            f"cannot open the event store ({settings.describe_store()}): {type(e).__name__}"
        ) from None
