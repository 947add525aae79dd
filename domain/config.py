"""One config loader: where PeerPulse keeps its data, which event store it uses, and its keys.

Everything comes from the environment (a 12-factor app), with defaults that work out of the box:

- `PEERPULSE_HOME`          data folder (default `./.peerpulse`): SQLite event store, keys, DuckDB files
- `PEERPULSE_DATABASE_URL`  `postgresql://user:password@host:port/dbname[?schema=name]` to share the
                            event store in PostgreSQL; unset means the SQLite file under PEERPULSE_HOME
- `PEERPULSE_STORE_KEY`     the store key (base64 AES key); unset means `$PEERPULSE_HOME/keys/store.key`,
                            created on first use with owner-only permissions
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from domain.errors import ConfigurationError


@dataclass(frozen=True)
class Postgres:
    """Where a PostgreSQL event store is, from PEERPULSE_DATABASE_URL."""

    dbname: str
    host: str
    port: int
    user: str
    password: str
    schema: str = "public"


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
    def member_keys_path(self) -> Path:
        return self.home / "keys" / "members.sqlite"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def serving_path(self) -> Path:
        return self.home / "serving.duckdb"

    def ensure_home(self) -> None:
        """The data folder is private to its owner: it holds the store, keys and warehouse. A folder
        that others can read or enter (made by hand, or by an older version) is tightened."""
        if not self.home.exists():
            self.home.mkdir(mode=0o700, parents=True)
        elif self.home.is_dir() and self.home.stat().st_mode & 0o077 and self.home.stat().st_uid == os.getuid():
            self.home.chmod(0o700)

    @property
    def postgres(self) -> Postgres:
        """The PostgreSQL store's address; a clear error when the URL is not one."""
        url = urlparse(self.database_url or "")
        if url.scheme not in ("postgres", "postgresql") or not url.path.strip("/"):
            raise ConfigurationError(
                "PEERPULSE_DATABASE_URL must look like postgresql://user:password@host:5432/dbname"
            )
        try:
            port = url.port or 5432
        except ValueError:
            raise ConfigurationError("PEERPULSE_DATABASE_URL has a port that is not a number") from None
        schema = parse_qs(url.query).get("schema")
        return Postgres(
            dbname=unquote(url.path.strip("/")),
            host=url.hostname or "localhost",
            port=port,
            user=unquote(url.username or ""),
            password=unquote(url.password or ""),
            schema=schema[0] if schema else "public",
        )

    def describe_store(self) -> str:
        """Where the events live, for messages: never the password."""
        if not self.database_url:
            return f"SQLite file {self.sqlite_path}"
        url = urlparse(self.database_url)
        try:
            port = url.port or 5432
        except ValueError:
            port = "?"
        return f"PostgreSQL database '{url.path.lstrip('/')}' on {url.hostname}:{port}"
