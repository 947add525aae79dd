"""One key per member, for sealing their personal data inside events; destroying it erases them.

The event log is append-only, so erasure is designed in: a member's name, email, company, title,
commitment texts and follow-up notes are encrypted with that member's own key before the event is
written. The keys live in a key store beside the event store (an owner-only SQLite file under
PEERPULSE_HOME, or a table in the PostgreSQL store), each wrapped with the store-wide key. Erasure
overwrites the member's key with a tombstone: their sealed values become noise forever, while every
id, date, status and figure in their events stays readable.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.config import Settings
from domain.errors import ConfigurationError
from domain.store import connect_postgres

SEALED = "sealed:v1:"


def lost_key(member: str) -> str:
    return (
        f"no key for member '{member}' in the member key store, though their data is in the event store: "
        "restore the key store from backup (see README, 'Keys')"
    )


class MemberErased(Exception):
    """The member's key was destroyed: their sealed values cannot be opened, by design."""


class MemberKeys:
    """Creates, finds and destroys members' keys; seals and opens their values."""

    def __init__(self, settings: Settings, store_key: str):
        self._wrap = AESGCM(base64.b64decode(store_key))
        self._cache: dict[str, AESGCM | None] = {}
        self._backend = key_store(settings)

    def close(self) -> None:
        self._backend.close()

    def is_empty(self) -> bool:
        return self._backend.is_empty()

    # -- keys ------------------------------------------------------------------------------------
    def ensure(self, members: Iterable[str], registering: Iterable[str] = ()) -> None:
        """Make sure these members have keys (created in one transaction for a whole batch). A key is
        made only for a member being registered now: a registered member without one has lost it, and
        a new key would split their data in two."""
        missing = [m for m in dict.fromkeys(members) if m not in self._cache]
        if not missing:
            return
        found = self._backend.load(missing)
        lost = [m for m in missing if m not in found and m not in set(registering)]
        if lost:
            raise ConfigurationError(lost_key(lost[0]))
        new = {m: AESGCM.generate_key(256) for m in missing if m not in found}
        if new:
            self._backend.insert({m: self._wrap_key(m, k) for m, k in new.items()})
            found = self._backend.load(missing)  # another process may have won the race: use its key
        for member in missing:
            if member not in found:
                raise ConfigurationError(f"the key store did not keep the key of member '{member}'")
            self._cache[member] = self._unwrap_key(member, found[member])

    def _cipher(self, member: str) -> AESGCM:
        if member not in self._cache:
            found = self._backend.load([member])
            if member not in found:
                raise ConfigurationError(lost_key(member))
            self._cache[member] = self._unwrap_key(member, found[member])
        cipher = self._cache[member]
        if cipher is None:
            raise MemberErased(member)
        return cipher

    # -- which event store these keys belong to --------------------------------------------------
    def check_bound_to(self, token: str) -> None:
        """Bind the key store to its event store on first use, and refuse a key store bound to another.
        `token` is a digest of the event store's identity under the store key (see the application)."""
        bound = self._backend.binding()
        if bound is None:
            self._backend.bind(token)
            bound = self._backend.binding()
        if bound != token:
            raise ConfigurationError(
                "the member key store belongs to another event store: restore the key store that was backed up "
                "with this event store (see README, 'Keys')"
            )

    def forget(self) -> None:
        """Drop every key held in memory: the next use reads the key store again (and finds tombstones)."""
        self._cache.clear()

    def still_held(self, members: Iterable[str]) -> list[str]:
        """Those of these members whose key is in the key store (not a tombstone), in order."""
        found = self._backend.load(list(dict.fromkeys(members)))
        return sorted(m for m, wrapped in found.items() if wrapped is not None)

    def erased(self) -> dict[str, str | None]:
        """Every member whose key is a tombstone, with when it was destroyed."""
        return {m: at for m, wrapped, at in self._backend.snapshot().rows if wrapped is None}

    def destroy(self, member: str) -> None:
        """Replace the member's key with a tombstone and scrub the old bytes from the key store."""
        self._backend.tombstone(member, datetime.now(UTC).isoformat(timespec="seconds"))
        self._cache[member] = None

    def _wrap_key(self, member: str, key: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._wrap.encrypt(nonce, key, f"member-key:{member}".encode())

    def _unwrap_key(self, member: str, wrapped: bytes | None) -> AESGCM | None:
        if wrapped is None:
            return None  # tombstone: erased
        try:
            return AESGCM(self._wrap.decrypt(wrapped[:12], wrapped[12:], f"member-key:{member}".encode()))
        except InvalidTag:
            raise ConfigurationError("the store key does not open the member key store (wrong key?)") from None

    # -- values ----------------------------------------------------------------------------------
    def seal(self, member: str, field: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self._cipher(member).encrypt(nonce, value.encode(), f"{member}:{field}".encode())
        return SEALED + base64.b64encode(nonce + sealed).decode()

    def open(self, member: str, field: str, value: object) -> object:
        """The plaintext of a sealed value; None once the member is erased."""
        if not isinstance(value, str) or not value.startswith(SEALED):
            return value
        try:
            cipher = self._cipher(member)
        except MemberErased:
            return None
        raw = base64.b64decode(value[len(SEALED) :])
        try:
            return cipher.decrypt(raw[:12], raw[12:], f"{member}:{field}".encode()).decode()
        except InvalidTag:
            raise ConfigurationError(f"member '{member}': a sealed value does not open with the member's key") from None


class KeyRows(NamedTuple):
    """A whole key store, as a backup holds it: its binding token and every (member, wrapped key or None
    for a tombstone, erased_at) row."""

    binding: str | None
    rows: list[tuple[str, bytes | None, str | None]]


def key_store(settings: Settings) -> _SQLiteKeyFile | _PostgresKeyTable:
    """The configured key store itself (for backups and restores: `snapshot` and `replace`)."""
    return _PostgresKeyTable(settings) if settings.uses_postgres else _SQLiteKeyFile(settings)


class _SQLiteKeyFile:
    """Keys in `$PEERPULSE_HOME/keys/members.sqlite` (owner-only), with deleted bytes overwritten."""

    def __init__(self, settings: Settings):
        path = settings.member_keys_path
        settings.ensure_home()
        path.parent.mkdir(mode=0o700, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        # One connection, used from whichever thread the application is used on, one call at a time.
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
            # No WAL: a rollback journal is deleted at commit, and secure_delete zeroes freed content.
            self._conn.execute("PRAGMA journal_mode=DELETE")
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS member_keys (member TEXT PRIMARY KEY, wrapped_key BLOB, erased_at TEXT)"
            )
            self._conn.execute("CREATE TABLE IF NOT EXISTS binding (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT)")
            self._conn.execute("SELECT count(*) FROM member_keys").fetchone()
        except sqlite3.Error as e:
            raise ConfigurationError(
                f"the member key store {path} cannot be opened ({e}): restore it from backup (see README, 'Keys')"
            ) from None

    def load(self, members: list[str]) -> dict[str, bytes | None]:
        found: dict[str, bytes | None] = {}
        with self._lock:
            for start in range(0, len(members), 500):
                part = members[start : start + 500]
                rows = self._conn.execute(
                    f"SELECT member, wrapped_key FROM member_keys WHERE member IN ({','.join('?' * len(part))})", part
                ).fetchall()
                found.update(rows)
        return found

    def insert(self, wrapped: dict[str, bytes]) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT OR IGNORE INTO member_keys (member, wrapped_key) VALUES (?, ?)", wrapped.items()
            )
            self._conn.execute("COMMIT")

    def tombstone(self, member: str, when: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO member_keys (member, wrapped_key, erased_at) VALUES (?, NULL, ?) "
                "ON CONFLICT (member) DO UPDATE SET wrapped_key = NULL, erased_at = excluded.erased_at",
                (member, when),
            )
            self._conn.execute("VACUUM")  # rewrite the file: no page keeps the old key

    def is_empty(self) -> bool:
        with self._lock:
            return self._conn.execute("SELECT count(*) FROM member_keys").fetchone()[0] == 0

    def binding(self) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT token FROM binding WHERE id = 1").fetchone()
        return row[0] if row else None

    def bind(self, token: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR IGNORE INTO binding VALUES (1, ?)", (token,))

    def snapshot(self) -> KeyRows:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                rows = self._conn.execute("SELECT member, wrapped_key, erased_at FROM member_keys").fetchall()
                binding = self._conn.execute("SELECT token FROM binding WHERE id = 1").fetchone()
            finally:
                self._conn.execute("COMMIT")
        return KeyRows(binding[0] if binding else None, rows)

    def replace(self, keys: KeyRows) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("DELETE FROM member_keys")
            self._conn.execute("DELETE FROM binding")
            self._conn.executemany("INSERT INTO member_keys VALUES (?, ?, ?)", keys.rows)
            if keys.binding is not None:
                self._conn.execute("INSERT INTO binding VALUES (1, ?)", (keys.binding,))
            self._conn.execute("COMMIT")
            self._conn.execute("VACUUM")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class _PostgresKeyTable:
    """Keys in a `peerpulse_member_keys` table beside the events (same database and schema)."""

    def __init__(self, settings: Settings):
        self._conn = connect_postgres(settings)
        self._table = f'"{settings.postgres.schema}".peerpulse_member_keys'
        self._conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self._table} (member TEXT PRIMARY KEY, wrapped_key BYTEA, erased_at TEXT)"
        )
        self._binding = f'"{settings.postgres.schema}".peerpulse_member_key_binding'
        self._conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self._binding} (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT)"
        )

    def load(self, members: list[str]) -> dict[str, bytes | None]:
        rows = self._conn.execute(
            f"SELECT member, wrapped_key FROM {self._table} WHERE member = ANY(%s)", [members]
        ).fetchall()
        return {m: (bytes(k) if k is not None else None) for m, k in rows}

    def insert(self, wrapped: dict[str, bytes]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self._table} (member, wrapped_key) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                list(wrapped.items()),
            )

    def tombstone(self, member: str, when: str) -> None:
        self._conn.execute(
            f"INSERT INTO {self._table} (member, wrapped_key, erased_at) VALUES (%s, NULL, %s) "
            "ON CONFLICT (member) DO UPDATE SET wrapped_key = NULL, erased_at = excluded.erased_at",
            [member, when],
        )
        self._conn.execute(f"VACUUM {self._table}")  # dead row versions hold the old key until vacuumed

    def is_empty(self) -> bool:
        return self._conn.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0] == 0

    def binding(self) -> str | None:
        row = self._conn.execute(f"SELECT token FROM {self._binding} WHERE id = 1").fetchone()
        return row[0] if row else None

    def bind(self, token: str) -> None:
        self._conn.execute(f"INSERT INTO {self._binding} VALUES (1, %s) ON CONFLICT DO NOTHING", [token])

    def snapshot(self) -> KeyRows:
        with self._conn.transaction():
            self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            rows = self._conn.execute(f"SELECT member, wrapped_key, erased_at FROM {self._table}").fetchall()
            binding = self._conn.execute(f"SELECT token FROM {self._binding} WHERE id = 1").fetchone()
        return KeyRows(
            binding[0] if binding else None, [(m, bytes(k) if k is not None else None, e) for m, k, e in rows]
        )

    def replace(self, keys: KeyRows) -> None:
        with self._conn.transaction(), self._conn.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self._table}")
            cursor.execute(f"DELETE FROM {self._binding}")
            cursor.executemany(f"INSERT INTO {self._table} VALUES (%s, %s, %s)", keys.rows)
            if keys.binding is not None:
                cursor.execute(f"INSERT INTO {self._binding} VALUES (1, %s)", [keys.binding])
        self._conn.execute(f"VACUUM {self._table}")

    def close(self) -> None:
        self._conn.close()
