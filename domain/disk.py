"""A full disk is a fault of the machine, not of the data: it is said plainly ("no space left on …:
nothing was recorded"), never taken for a damaged file, and never answered with a rebuild (which would
throw away what is still good, and fail again for want of the same space).

The store, the warehouse and the files around them meet it in different words: an OSError with ENOSPC
(or a quota, or a file-size limit), SQLite's "database or disk is full", DuckDB's IO error quoting the
OS's "No space left on device", PostgreSQL's SQLSTATE 53100 (disk_full). `is_disk_full` knows them all,
anywhere in the chain of causes. SQLite alone also says a bare "disk I/O error" when it cannot grow its
shared-memory file (SQLITE_IOERR_SHMSIZE: even reading a store in WAL mode needs that file): such an
error is taken for a full disk only when the folder written to has (almost) no space left.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from domain.config import Settings
from domain.errors import PeerPulseError

ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
TEXTS = ("no space left on device", "database or disk is full", "disk quota exceeded", "file too large")
POSTGRES_DISK_FULL = "53100"
SQLITE_IOERR = 10  # the primary result code of every SQLITE_IOERR_* (its low byte)
NEARLY_FULL = 1 << 20  # bytes: less than this left where SQLite failed to write, and the failure was the disk's


class DiskFull(PeerPulseError):
    """No space was left where PeerPulse writes: `where` is a folder (or the database server)."""

    def __init__(self, where: object, outcome: str = "nothing was recorded"):
        super().__init__(f"no space left on {where}: {outcome}")
        self.where, self.outcome = str(where), outcome


def is_disk_full(error: BaseException | None, folder: Path | None = None) -> bool:
    """Whether `error`, or an error it was raised from or while handling, says the disk is full; or is
    SQLite's I/O error while `folder` (where the store is) has no space left."""
    chain = _chain(error)
    if any(_says_full(e) for e in chain):
        return True
    return folder is not None and any(_sqlite_io_error(e) for e in chain) and _nearly_full(folder)


def disk_full(error: BaseException, settings: Settings, outcome: str = "nothing was recorded") -> DiskFull | None:
    """The plain error for `error` if it comes of a full disk met while writing under `settings` (else
    None): it names the folder (the one of the file that could not be written, else the data folder), or
    the PostgreSQL server. A DiskFull already made is kept as it is."""
    if isinstance(error, DiskFull):
        return error
    if not is_disk_full(error, settings.home):
        return None
    if any(getattr(e, "sqlstate", None) == POSTGRES_DISK_FULL for e in _chain(error)):
        return DiskFull(f"the server of the {settings.describe_store()}", outcome)
    files = [e.filename for e in _chain(error) if isinstance(e, OSError) and isinstance(e.filename, str)]
    return DiskFull(Path(files[0]).parent if files else settings.home, outcome)


def _says_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in ERRNOS:
        return True
    if getattr(error, "sqlstate", None) == POSTGRES_DISK_FULL:
        return True
    if isinstance(error, PeerPulseError):  # our own messages may quote what a file said: not the machine
        return False
    text = str(error).casefold()
    return any(words in text for words in TEXTS)


def _sqlite_io_error(error: BaseException) -> bool:
    return isinstance(error, sqlite3.Error) and (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_IOERR


def _nearly_full(folder: Path) -> bool:
    for place in (folder, *folder.parents):  # the folder may not exist yet
        try:
            found = os.statvfs(place)
        except OSError:
            continue
        return found.f_bavail * found.f_frsize < NEARLY_FULL
    return False


def _chain(error: BaseException | None) -> list[BaseException]:
    found: list[BaseException] = []
    while error is not None and all(error is not e for e in found):
        found.append(error)
        error = error.__cause__ or error.__context__
    return found
