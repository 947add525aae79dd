"""One config loader: where PeerPulse keeps its data, which event store it uses, its keys, and the
secrets file. The command line, the dashboards, the mail and Dagster all read their configuration here
(`Config.load()`); each part then reads its own table of it (sign-in: dashboards/sign_in_config.py, mail:
notifications/config.py).

Settings come from the environment (a 12-factor app), with defaults that work out of the box:

- `PEERPULSE_HOME`          data folder (default `./.peerpulse`): SQLite event store, keys, DuckDB files
- `PEERPULSE_DATABASE_URL`  `postgresql://user:password@host:port/dbname[?schema=name]` to share the
                            event store in PostgreSQL; unset means the SQLite file under PEERPULSE_HOME
- `PEERPULSE_STORE_KEY`     the store key (base64 AES key); unset means `$PEERPULSE_HOME/keys/store.key`,
                            created on first use with owner-only permissions
- `PEERPULSE_ERASURE_LEDGER` the erasure ledger (pseudonymous member ids and dates of every erasure);
                            unset means `$PEERPULSE_HOME/erasure-ledger.jsonl`. Keep it on storage apart
                            from the backups: a restore erases again everyone it lists
- `PEERPULSE_SECRETS`       the secrets file (default `.streamlit/secrets.toml` in the project folder, the
                            file `peerpulse serve` gives Streamlit); `--secrets FILE` wins over it

The secrets file holds what may not be in the environment or on a command line: the OpenID Connect
`[auth]` table, `[peerpulse]` (the leads and admins, by email), `[peerpulse.mail]`. Programme leads and
admins are named there or in PEERPULSE_LEADS / PEERPULSE_ADMINS (comma-separated emails), both counted.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from domain.errors import ConfigurationError

PROJECT = Path(__file__).resolve().parents[1]  # the repository: .streamlit/ lives here
SECRETS = PROJECT / ".streamlit" / "secrets.toml"


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
    erasure_ledger: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        return cls(
            home=Path(environ.get("PEERPULSE_HOME") or ".peerpulse").expanduser().absolute(),
            database_url=environ.get("PEERPULSE_DATABASE_URL") or None,
            store_key=environ.get("PEERPULSE_STORE_KEY") or None,
            erasure_ledger=Path(ledger).expanduser().absolute()
            if (ledger := environ.get("PEERPULSE_ERASURE_LEDGER"))
            else None,
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
    def ledger_path(self) -> Path:
        return self.erasure_ledger or self.home / "erasure-ledger.jsonl"

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
        schema = parse_qs(url.query).get("schema", ["public"])[0]
        within = f", schema '{schema}'" if schema != "public" else ""
        return f"PostgreSQL database '{url.path.lstrip('/')}' on {url.hostname}:{port}{within}"


# -- the secrets file, and the people it names ---------------------------------------------------------
def read_secrets(path: Path) -> dict:
    """The secrets file's contents ({} when there is none), as Streamlit will read it."""
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as e:  # says where, never what
        raise ConfigurationError(f"{path} is not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigurationError(f"{path} cannot be read: {e.strerror}") from None


def email_address(value: object) -> str | None:
    """An email as PeerPulse compares them (trimmed, lower case), or None for anything that is not one."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if "@" in value and len(value) <= 320 else None


def table(secrets: Mapping[str, object], key: str, name: str) -> Mapping[str, object]:
    """A table of the secrets file ({} when absent); anything else there is a ConfigurationError."""
    found = secrets.get(key, {})
    if not isinstance(found, Mapping):
        raise ConfigurationError(f"{name} in the secrets file must be a table")
    return found


def named_people(secrets: Mapping[str, object], environ: Mapping[str, str], key: str) -> frozenset[str]:
    """The emails named for a role (`leads`, `admins`): PEERPULSE_<KEY> and `[peerpulse] <key>` together.
    An entry that is not an email is a ConfigurationError naming where, never what."""
    from_secrets = table(secrets, "peerpulse", "[peerpulse]").get(key)
    if from_secrets is None:
        from_secrets = []
    if not isinstance(from_secrets, list):
        raise ConfigurationError(f'[peerpulse] {key} must be a list of emails, e.g. {key} = ["ada@example.org"]')
    found = set()
    env_key = f"PEERPULSE_{key.upper()}"
    places = ((env_key, environ.get(env_key, "").split(",")), (f"[peerpulse] {key}", from_secrets))
    for place, entries in places:
        for number, entry in enumerate(entries, 1):
            if isinstance(entry, str) and not entry.strip():
                continue
            email = email_address(entry)
            if email is None:
                raise ConfigurationError(f"{place}: entry {number} is not an email address")
            found.add(email)
    return frozenset(found)


@dataclass(frozen=True)
class Config:
    """Everything PeerPulse runs with: the settings, the secrets file's contents and the environment.
    Never shown whole (it holds passwords): `repr` names the secrets file only."""

    settings: Settings
    secrets_path: Path
    secrets: Mapping[str, object]
    environ: Mapping[str, str]

    @classmethod
    def load(cls, secrets: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
        """The configuration from the environment and the secrets file: `secrets` if given, else
        PEERPULSE_SECRETS, else the project's .streamlit/secrets.toml. A malformed file is a
        ConfigurationError naming it."""
        environ = os.environ if environ is None else environ
        path = (secrets or Path(environ.get("PEERPULSE_SECRETS") or SECRETS)).expanduser().absolute()
        return cls(Settings.from_env(environ), path, read_secrets(path), environ)

    def __repr__(self) -> str:
        return f"Config(home={str(self.settings.home)!r}, secrets={str(self.secrets_path)!r})"

    @property
    def leads(self) -> frozenset[str]:
        """The programme leads named by email (the digest's recipients; the dashboards add the provider's)."""
        return named_people(self.secrets, self.environ, "leads")

    @property
    def admins(self) -> frozenset[str]:
        return named_people(self.secrets, self.environ, "admins")
