"""The erasure ledger: who was erased and when, kept apart from the store and its backups.

Erasure destroys a member's key, but a backup of the key store taken before the erasure still holds
it: restoring that backup would bring the member's data back. So every erasure is also appended to
this ledger (`PEERPULSE_ERASURE_LEDGER`, default `$PEERPULSE_HOME/erasure-ledger.jsonl`), one JSON line
per member: `{"member": "<id>", "erased_on": "YYYY-MM-DD"}`. It holds pseudonymous ids and dates only,
nothing personal. A restore never writes it; opening the store erases again everyone it lists whose
key is still present (see `domain.application`), so a backup restored by `peerpulse restore` or by
copying files back keeps every erasure made since it was taken. Opening the store also adds to it every
member whose key is a tombstone but who is not listed (erased before the ledger existed), so the ledger
always lists at least everyone a key store shows erased: a restore refuses a ledger that does not.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from datetime import UTC, datetime

from domain.config import Settings
from domain.errors import ConfigurationError
from domain.ids import is_external_id

MAX_LEDGER = 64 * 1024 * 1024  # a million erasures fit; anything bigger is not a ledger


def read(settings: Settings) -> dict[str, str]:
    """Every member in the ledger, with the day of their (first) erasure; empty when there is none yet.
    A damaged ledger is an error naming its file and line: nobody could say who must stay erased."""
    path = settings.ledger_path
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise ConfigurationError(f"the erasure ledger {path} cannot be read ({e.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigurationError(f"the erasure ledger {path} is not a file")
    if info.st_size > MAX_LEDGER:
        raise ConfigurationError(f"the erasure ledger {path} is larger than {MAX_LEDGER // 2**20} MiB: not a ledger")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ConfigurationError(f"the erasure ledger {path} cannot be read ({e.strerror})") from None
    erased: dict[str, str] = {}
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        member, day = _parse(line)
        if member is None:
            raise ConfigurationError(
                f"the erasure ledger {path}, line {number}: not a ledger line "
                '({"member": "<id>", "erased_on": "YYYY-MM-DD"}); fix or restore the ledger'
            )
        erased.setdefault(member, day)
    return erased


def _parse(line: bytes) -> tuple[str | None, str]:
    try:
        entry = json.loads(line)
    except ValueError:
        return None, ""
    if not isinstance(entry, dict) or set(entry) != {"member", "erased_on"}:
        return None, ""
    member, day = entry["member"], entry["erased_on"]
    if not isinstance(member, str) or not is_external_id(member) or not isinstance(day, str):
        return None, ""
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        return None, ""
    return member, day


def record(settings: Settings, member: str, on: str | None = None) -> None:
    """Append the member to the ledger (once: a member already in it is not written again), durably,
    before their key is destroyed. The file is created owner-only."""
    record_all(settings, {member: on or datetime.now(UTC).date().isoformat()})


def record_all(settings: Settings, erased: Mapping[str, str]) -> list[str]:
    """Append those of these members (id -> day of erasure) that the ledger does not list yet, in one
    durable write. Returns who was added."""
    listed = read(settings)
    added = sorted(m for m in erased if m not in listed)
    if not added:
        return []
    lines = b"".join(
        json.dumps({"member": m, "erased_on": _day(erased[m])}, separators=(", ", ": ")).encode() + b"\n" for m in added
    )
    path = settings.ledger_path
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, lines)  # one small appended write: concurrent erasures never interleave
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise ConfigurationError(
            f"the erasure ledger {path} cannot be written ({e.strerror}): nothing was erased"
        ) from None
    return added


def _day(value: str | None) -> str:
    """The day of an erasure, from a date or a timestamp (a tombstone's `erased_at`); today if unknown."""
    try:
        return datetime.strptime((value or "")[:10], "%Y-%m-%d").date().isoformat()
    except ValueError:
        return datetime.now(UTC).date().isoformat()
