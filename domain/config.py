"""One config loader: where PeerPulse keeps its data, which event store it uses, and its keys.

Everything comes from the environment (a 12-factor app), with defaults that work out of the box:

- `PEERPULSE_HOME`          data folder (default `./.peerpulse`): SQLite event store, key, DuckDB files
- `PEERPULSE_DATABASE_URL`  `postgresql://user:password@host:port/dbname[?schema=name]` to share the
                            event store in PostgreSQL; unset means the SQLite file under PEERPULSE_HOME
- `PEERPULSE_STORE_KEY`     the store key (base64 AES key); unset means `$PEERPULSE_HOME/keys/store.key`,
                            created on first use with owner-only permissions
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlparse

from domain.errors import ConfigurationError

if TYPE_CHECKING:
    from domain.application import PeerPulse


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str | None = None
    store_key: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        return cls(
            home=Path(environ.get("PEERPULSE_HOME") or ".peerpulse").expanduser().absolute(),
            database_url=environ.get("PEERPULSE_DATABASE_URL") or None,
            store_key=environ.get("PEERPULSE_STORE_KEY") or None,
        )

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def sqlite_path(self) -> Path:
        return self.home / "events.sqlite"

    @property
    def key_path(self) -> Path:
        return self.home / "keys" / "store.key"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def serving_path(self) -> Path:
        return self.home / "serving.duckdb"

    def ensure_home(self) -> None:
        """The data folder is private to its owner: it holds the store, keys and warehouse."""
        if not self.home.exists():
            self.home.mkdir(mode=0o700, parents=True)

    @property
    def postgres_schema(self) -> str:
        return self.store_env().get("POSTGRES_SCHEMA", "public")

    def connect_postgres(self):
        """A plain autocommit connection to the PostgreSQL store, for what works beside the library's
        tables (the pipeline's bulk reads, the member key table)."""
        import psycopg

        env = self.store_env()
        return psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
                               user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"], autocommit=True)

    def describe_store(self) -> str:
        """Where the events live, for messages: never the password."""
        if not self.database_url:
            return f"SQLite file {self.sqlite_path}"
        url = urlparse(self.database_url)
        return f"PostgreSQL database '{url.path.lstrip('/')}' on {url.hostname}:{url.port or 5432}"

    def store_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for the chosen event store (without the key)."""
        env = {"MAPPER_TOPIC": "domain.persistence:PeerPulseMapper"}
        if not self.database_url:
            self.ensure_home()
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                SQLITE_DBNAME=str(self.sqlite_path),
                SQLITE_LOCK_TIMEOUT="60",
            )
            return env
        url = urlparse(self.database_url)
        if url.scheme not in ("postgres", "postgresql") or not url.path.strip("/"):
            raise ConfigurationError(
                "PEERPULSE_DATABASE_URL must look like postgresql://user:password@host:5432/dbname"
            )
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_DBNAME=unquote(url.path.strip("/")),
            POSTGRES_HOST=url.hostname or "localhost",
            POSTGRES_PORT=str(url.port or 5432),
            POSTGRES_USER=unquote(url.username or ""),
            POSTGRES_PASSWORD=unquote(url.password or ""),
            POSTGRES_CONNECT_TIMEOUT="10",
            POSTGRES_LOCK_TIMEOUT="30",
            POSTGRES_POOL_SIZE="2",
        )
        schema = parse_qs(url.query).get("schema")
        if schema:
            env["POSTGRES_SCHEMA"] = schema[0]
        return env


@contextmanager
def open_application(settings: Settings | None = None) -> Iterator[PeerPulse]:
    """The only way in: an application on the configured store, closed on the way out."""
    from domain.application import PeerPulse

    app = PeerPulse.open(settings or Settings.from_env())
    try:
        yield app
    finally:
        app.close()
