"""Backups that keep erasures: a consistent copy of the store and its keys, and a restore that checks
them against each other and erases again everyone in the erasure ledger before the store is used.

A backup folder holds (owner-only: folders 0700, files 0600):

- `events.sqlite`: the SQLite event store, copied with SQLite's online backup API while writers run
  (a snapshot of one moment; with PostgreSQL the events are in the operator's `pg_dump` instead);
- `keys/store.key`: the store key, unless it is `PEERPULSE_STORE_KEY`, which lives outside PeerPulse;
- `keys/members.sqlite`: the member key store (copied with the backup API, or exported from the
  `peerpulse_member_keys` table);
- `manifest.json`: what the backup holds and when it was taken, the SHA-256 of every file, and the
  token that binds the member key store to its event store (a keyed digest of the store's first event
  under the store key: the key store's own binding, so the three parts are known to belong together).

The events are copied before the member keys: a key is always stored before the first event sealed
with it, so every member in the copied events has a key in the copied key store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from domain.config import Settings
from domain.errors import ConfigurationError, PeerPulseError
from domain.store import keys
from domain.store.member_keys import KeyRows, key_store

FORMAT = "peerpulse-backup/1"
MANIFEST = "manifest.json"
EVENTS = "events.sqlite"
STORE_KEY = "keys/store.key"
MEMBER_KEYS = "keys/members.sqlite"
EXTERNAL_KEY = "PEERPULSE_STORE_KEY"
MAX_MANIFEST = 64 * 1024


class BackupError(PeerPulseError):
    """A backup could not be taken, or a backup folder is not one this store can restore."""

    exit_code = 3


@dataclass(frozen=True)
class Manifest:
    taken_at: str
    store: str  # "sqlite" or "postgresql"
    store_key: str  # "file" (keys/store.key in the backup) or EXTERNAL_KEY
    events: int | None  # how many events the copied SQLite store holds; None with PostgreSQL
    binding: str | None  # the member key store's binding token; None for a store without events
    files: dict[str, str]  # path in the backup -> SHA-256

    def as_json(self) -> str:
        return json.dumps({"format": FORMAT, **vars(self)}, indent=2, sort_keys=True) + "\n"


# -- taking a backup --------------------------------------------------------------------------------
def take(settings: Settings, target: Path) -> Manifest:
    """Back up the configured store into `target`, a folder that must not exist or be empty. Written
    into a hidden folder beside it, then renamed: a failed backup leaves nothing behind."""
    target = target.expanduser().absolute()
    _check_target(settings, target)
    key = keys.read_key(settings)
    if key is None or (not settings.uses_postgres and not settings.sqlite_path.exists()):
        raise BackupError(f"there is no event store to back up ({settings.describe_store()})")
    partial = target.parent / f".{target.name}.partial-{uuid.uuid4().hex[:8]}"
    try:
        (partial / "keys").mkdir(mode=0o700, parents=True)
        os.chmod(partial, 0o700)
        events = None
        if not settings.uses_postgres:
            events = _copy_sqlite(settings.sqlite_path, partial / EVENTS, journal="WAL")
        if settings.uses_postgres:
            _export_keys(settings, partial / MEMBER_KEYS)
        else:
            _copy_sqlite(settings.member_keys_path, partial / MEMBER_KEYS, journal="DELETE")
        if not settings.store_key:
            shutil.copyfile(settings.key_path, partial / STORE_KEY)
            os.chmod(partial / STORE_KEY, 0o600)
        binding = _binding_of(partial / MEMBER_KEYS)
        manifest = Manifest(
            taken_at=datetime.now(UTC).isoformat(timespec="seconds"),
            store="postgresql" if settings.uses_postgres else "sqlite",
            store_key=EXTERNAL_KEY if settings.store_key else "file",
            events=events,
            binding=binding,
            files={
                name: _sha256(partial / name) for name in (EVENTS, STORE_KEY, MEMBER_KEYS) if (partial / name).exists()
            },
        )
        _write_private(partial / MANIFEST, manifest.as_json().encode())
        _fsync_tree(partial)
        if target.exists():
            target.rmdir()  # checked empty above
        os.rename(partial, target)
    except (OSError, sqlite3.Error) as e:
        shutil.rmtree(partial, ignore_errors=True)
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise BackupError(f"cannot write the backup to {target} ({reason}): nothing was kept") from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _check_target(settings: Settings, target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise BackupError(f"{target} exists and is not a folder: back up into a new or empty folder")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new or empty folder")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist: create it, or choose another place")
    if target.is_relative_to(settings.home):
        raise BackupError(f"{target} is inside PEERPULSE_HOME ({settings.home}): a backup must live apart from it")


def _copy_sqlite(source: Path, target: Path, journal: str) -> int | None:
    """A consistent copy of a live SQLite file by its online backup API (one step: one snapshot, while
    writers go on), left as one self-contained file. Returns how many events it holds (event stores)."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        if journal == "WAL":
            dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one file; the store sets WAL again
            return dst.execute("SELECT count(*) FROM stored_events").fetchone()[0]
        return None
    finally:
        dst.close()
        src.close()


def _export_keys(settings: Settings, target: Path) -> None:
    """The PostgreSQL member key table, as a key store file of the SQLite kind."""
    source = key_store(settings)
    try:
        snapshot = source.snapshot()
    finally:
        source.close()
    copy = key_store(Settings(home=target.parent.parent))
    try:
        copy.replace(snapshot)
    finally:
        copy.close()


def _binding_of(member_keys: Path) -> str | None:
    conn = sqlite3.connect(f"file:{member_keys}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT token FROM binding WHERE id = 1").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True) + [folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- reading a backup -------------------------------------------------------------------------------
def read_manifest(source: Path) -> Manifest:
    """The backup's manifest, every file it names checked against its digest."""
    if not source.is_dir():
        raise BackupError(f"{source} is not a folder: name the folder `peerpulse backup` wrote")
    path = source / MANIFEST
    try:
        raw = path.read_bytes()[: MAX_MANIFEST + 1]
        data = json.loads(raw) if len(raw) <= MAX_MANIFEST else None
    except FileNotFoundError:
        raise BackupError(f"{source} is not a PeerPulse backup: it has no {MANIFEST}") from None
    except (OSError, ValueError):
        data = None
    fields = {"format", "taken_at", "store", "store_key", "events", "binding", "files"}
    if not isinstance(data, dict) or data.get("format") != FORMAT or set(data) != fields:
        raise BackupError(f"{path}: not a manifest of {FORMAT} (damaged, or written by another version)")
    data.pop("format")
    manifest = Manifest(**data)
    if manifest.store not in ("sqlite", "postgresql") or manifest.store_key not in ("file", EXTERNAL_KEY):
        raise BackupError(f"{path}: field 'store' or 'store_key' has a value this version does not know")
    if not isinstance(manifest.files, dict):
        raise BackupError(f"{path}: field 'files' is not a table of files")
    expected = {MEMBER_KEYS} | ({EVENTS} if manifest.store == "sqlite" else set())
    expected |= {STORE_KEY} if manifest.store_key == "file" else set()
    if set(manifest.files) != expected:
        raise BackupError(f"{path}: field 'files' does not list {', '.join(sorted(expected))}")
    for name, digest in sorted(manifest.files.items()):
        file = source / name
        if file.is_symlink() or not file.is_file():
            raise BackupError(f"{source}: {name} is missing: the backup is incomplete")
        if _sha256(file) != digest:
            raise BackupError(f"{source}: {name} does not match its digest in {MANIFEST}: the backup is damaged")
    return manifest


def backup_store_key(settings: Settings, source: Path, manifest: Manifest) -> str:
    """The store key the backed-up store was encrypted with."""
    if manifest.store_key == EXTERNAL_KEY:
        if not settings.store_key:
            raise BackupError(
                f"the backup's store key was {EXTERNAL_KEY}, kept outside PeerPulse: set it to the key in use "
                "when the backup was taken"
            )
        return settings.store_key
    if settings.store_key:
        raise BackupError(f"the backup holds its own store key ({STORE_KEY}): unset {EXTERNAL_KEY} to restore it")
    key = keys.read_key(replace(settings, home=source, store_key=None))
    if key is None:  # pragma: no cover - read_manifest found the file
        raise BackupError(f"{source}: {STORE_KEY} is missing")
    return key


def member_key_rows(source: Path) -> KeyRows:
    store = key_store(Settings(home=source.absolute()))
    try:
        return store.snapshot()
    except sqlite3.Error:
        raise BackupError(f"{source}: {MEMBER_KEYS} is not a member key store") from None
    finally:
        store.close()


def expected_binding(store_key: str, first_stream_id_hex: str) -> str:
    """The token a member key store bound to this event store holds (see PeerPulse._bind_key_store)."""
    return keys.keyed_digest(keys.derived_key(store_key, "member-key-store"), first_stream_id_hex)


def refuse(source: Path, why: str) -> ConfigurationError:
    return ConfigurationError(f"the backup {source} does not match its keys: {why}; nothing was changed")
