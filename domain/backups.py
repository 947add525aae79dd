"""Restoring a backup (see `domain.store.backup` for what one holds) without bringing an erasure back.

`restore` checks everything before it changes anything: the manifest and every file's digest, that the
store key decrypts the events, and that the member key store is the one bound to these events. Then:

- SQLite: the backup is copied into a hidden folder inside PEERPULSE_HOME and opened there, which
  erases again everyone in the erasure ledger (their keys destroyed, their erasure recorded if the
  backup predates it); only then are its event store and keys moved into place. No process can read
  the restored store before the erasures are done.
- PostgreSQL: the operator has restored the events with `pg_restore` (the member key tables are left
  out of the dump, so until this step the store cannot be opened at all); the backup's member keys
  are written into `peerpulse_member_keys` with every ledger member's key already a tombstone.

The erasure ledger is never written by a restore, except with `--ledger-lost`: a backup showing members
erased whom the ledger does not list means the ledger is not this programme's (or is an older copy, or
PEERPULSE_ERASURE_LEDGER was forgotten), and the restore is refused; `--ledger-lost` accepts that loss
and starts the ledger again from the backup's own erasures. The warehouse and serving files are derived from
the events: those of the replaced store are removed, and `peerpulse materialize` rebuilds them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from domain.application import PeerPulse, open_application
from domain.config import Settings
from domain.errors import ConfigurationError, PeerPulseError
from domain.store import backup, erasure_ledger, keys
from domain.store.backup import BackupError, Manifest
from domain.store.log import EventLog
from domain.store.member_keys import KeyRows, key_store
from domain.store.postgres import STORE_FAILURES

STAGING = ".restore-"
DERIVED = ("warehouse.duckdb", "warehouse.duckdb.wal", "serving.duckdb", "serving.duckdb.wal")


@dataclass
class Restored:
    manifest: Manifest
    ledger: Path
    listed: int  # members in the erasure ledger
    erased_again: int = 0  # of those, whose key the backup still held: destroyed now
    removed: list[str] = field(default_factory=list)  # derived files of the replaced store
    unlisted: list[str] = field(default_factory=list)  # erased in the backup, not in the ledger (--ledger-lost)


def _wrong_ledger(settings: Settings, unlisted: int) -> BackupError:
    """The ledger lists everyone a key store shows erased (the store adds them when it opens), so a
    ledger that lacks some of the backup's own erasures is another programme's, an older copy, or a
    new file where PEERPULSE_ERASURE_LEDGER was forgotten: restoring with it would bring back everyone
    erased since the backup was taken."""
    path = settings.ledger_path
    members = f"{unlisted:,} member{'s' if unlisted != 1 else ''}"
    where = "does not exist" if not path.exists() else f"does not list {members} it shows erased"
    return BackupError(
        f"the backup shows {members} erased, but the erasure ledger {path} {where}: it is not this "
        "programme's ledger, or an older copy of it. Set PEERPULSE_ERASURE_LEDGER to the ledger kept apart "
        "from the backups (README, 'Backups'); only if it is lost for good, pass --ledger-lost (anyone erased "
        "after the backup was taken then comes back). Nothing was changed"
    )


def restore(settings: Settings, source: Path, *, force: bool = False, ledger_lost: bool = False) -> Restored:
    source = source.expanduser().absolute()
    manifest = backup.read_manifest(source)
    if (manifest.store == "postgresql") != settings.uses_postgres:
        raise BackupError(
            f"the backup {source} holds a {'PostgreSQL' if manifest.store == 'postgresql' else 'SQLite'} store's "
            f"keys, but the configured store is {settings.describe_store()}: "
            + ("set PEERPULSE_DATABASE_URL" if manifest.store == "postgresql" else "unset PEERPULSE_DATABASE_URL")
        )
    store_key = backup.backup_store_key(settings, source, manifest)
    ledger = erasure_ledger.read(settings)  # a damaged ledger stops the restore before anything changes
    settings.ensure_home()
    for leftover in settings.home.glob(f"{STAGING}*"):  # a restore that crashed: its copy goes
        shutil.rmtree(leftover, ignore_errors=True)
    restored = Restored(manifest, settings.ledger_path, len(ledger))
    staging = settings.home / f"{STAGING}{uuid.uuid4().hex[:8]}"
    try:
        (staging / "keys").mkdir(mode=0o700, parents=True)
        for name in manifest.files:
            shutil.copyfile(source / name, staging / name)
            os.chmod(staging / name, 0o600)
        rows = backup.member_key_rows(staging)
        if rows.binding != manifest.binding:
            raise backup.refuse(source, "its member key store is not the one its manifest names")
        restored.unlisted = sorted(m for m, wrapped, _ in rows.rows if wrapped is None and m not in ledger)
        if restored.unlisted and not ledger_lost:
            raise _wrong_ledger(settings, len(restored.unlisted))
        if settings.uses_postgres:
            _restore_postgres(settings, source, staging, store_key, rows, ledger, force, restored)
        else:
            _restore_sqlite(settings, source, staging, store_key, rows, force, restored)
        return restored
    except OSError as e:
        raise BackupError(f"cannot restore into {settings.home} ({e.strerror})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_events(settings: Settings, source: Path, store_key: str, rows: KeyRows) -> bool:
    """That the store key decrypts the events, and the member key store is bound to them. False for a
    store without events (nothing to check them against)."""
    try:
        with EventLog(replace(settings, store_key=store_key)) as log:
            first = log.page(after=0, limit=1)
            if first:
                log.decode(first)
    except ConfigurationError:
        raise backup.refuse(source, "its store key cannot decrypt the events") from None
    except STORE_FAILURES:  # the digest was rewritten to match a file that is not (or no longer) a store
        raise backup.refuse(source, f"{backup.EVENTS} is not a readable SQLite event store") from None
    if not first:
        return False
    if rows.binding is not None and rows.binding != backup.expected_binding(store_key, first[0].stream_id):
        raise backup.refuse(source, "its member key store is bound to another event store")
    return True


def _restore_sqlite(
    settings: Settings, source: Path, staging: Path, store_key: str, rows: KeyRows, force: bool, restored: Restored
) -> None:
    occupied = sorted(
        p.name for p in settings.home.iterdir() if p != settings.ledger_path and not p.name.startswith(STAGING)
    )
    if occupied and not force:
        raise BackupError(
            f"PEERPULSE_HOME {settings.home} is not empty ({', '.join(occupied[:4])}"
            f"{', ...' if len(occupied) > 4 else ''}): restore into an empty one, or pass --force to replace its "
            "event store and keys (the erasure ledger is kept); nothing was changed"
        )
    staged = replace(settings, home=staging, erasure_ledger=settings.ledger_path)
    if not _check_events(staged, source, store_key, rows) and rows.rows:
        raise backup.refuse(source, "its member key store holds keys but it has no events")
    try:
        app = PeerPulse.open(staged)  # erases again, in the copy, whoever the ledger lists
    except PeerPulseError as e:
        raise backup.refuse(source, str(e).replace(str(staging), "the backup")) from None
    except STORE_FAILURES:  # damage beyond its first page
        raise backup.refuse(source, f"{backup.EVENTS} is not a readable SQLite event store") from None
    try:
        restored.erased_again = len(app.erased_again)
        app.record_erasures(erasure_ledger.read(settings))  # those whose key the backup had already lost
    finally:
        app.close()
    conn = sqlite3.connect(staging / backup.EVENTS)
    try:  # one self-contained file to move into place
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    # Into place. A stale -wal or -shm beside the restored file would be read as part of it: they go first.
    home = settings.home
    for name in ("events.sqlite-wal", "events.sqlite-shm", "events.sqlite-journal"):
        (home / name).unlink(missing_ok=True)
    os.replace(staging / backup.EVENTS, settings.sqlite_path)
    if settings.key_path.parent.exists():
        os.replace(settings.key_path.parent, staging / "replaced-keys")  # removed with the staging folder
    os.replace(staging / "keys", settings.key_path.parent)
    restored.removed = _remove_derived(settings)


def _restore_postgres(
    settings: Settings,
    source: Path,
    staging: Path,
    store_key: str,
    rows: KeyRows,
    ledger: dict[str, str],
    force: bool,
    restored: Restored,
) -> None:
    target = key_store(settings)
    try:
        occupied = [f"the store key file {settings.key_path}"] if settings.key_path.exists() else []
        if target.snapshot().rows:
            occupied.append("member keys in the PostgreSQL store")
        if occupied and not force:
            raise BackupError(
                f"there are keys already ({', '.join(occupied)}): pass --force to replace them with the "
                "backup's (the erasure ledger is kept); nothing was changed"
            )
        if not _check_events(settings, source, store_key, rows) and rows.rows:
            raise BackupError(
                f"the PostgreSQL store ({settings.describe_store()}) holds no events: restore them first with "
                "pg_restore (README, 'Backups'); nothing was changed"
            )
        # Every ledger member's key lands as a tombstone: it is never readable, not even for a moment.
        kept = []
        for member, wrapped, erased_at in rows.rows:
            if member in ledger and wrapped is not None:
                restored.erased_again += 1
                wrapped, erased_at = None, erased_at or ledger[member]
            kept.append((member, wrapped, erased_at))
        target.replace(KeyRows(rows.binding, kept))
    finally:
        target.close()
    if restored.manifest.store_key == "file":
        settings.key_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(staging / backup.STORE_KEY, settings.key_path)
        keys.read_key(settings)  # the key file restored is the one checked above
    with open_application(settings) as app:
        app.record_erasures(ledger)
    restored.removed = _remove_derived(settings)


def _remove_derived(settings: Settings) -> list[str]:
    removed = []
    for path in [*(settings.home / n for n in DERIVED), *settings.home.glob(".serving-*.duckdb*")]:
        if path.exists():
            path.unlink()
            removed.append(path.name)
    return removed
