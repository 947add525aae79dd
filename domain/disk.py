"""A full disk is a fault of the machine, not of the data: it is said plainly ("no space left on …:
nothing was recorded"), never taken for a damaged file, and never answered with a rebuild (which would
throw away what is still good, and fail again for want of the same space).

The store, the warehouse and the files around them meet it in different words: an OSError with ENOSPC
(or a quota, or a file-size limit), SQLite's "database or disk is full", DuckDB's IO error quoting the
OS's "No space left on device", PostgreSQL's SQLSTATE 53100 (disk_full). `is_disk_full` knows them all,
anywhere in the chain of causes.
"""

from __future__ import annotations

import errno
from pathlib import Path

from domain.config import Settings
from domain.errors import PeerPulseError

ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
TEXTS = ("no space left on device", "database or disk is full", "disk quota exceeded", "file too large")
POSTGRES_DISK_FULL = "53100"


class DiskFull(PeerPulseError):
    """No space was left where PeerPulse writes: `where` is a folder (or the database server)."""

    def __init__(self, where: object, outcome: str = "nothing was recorded"):
        super().__init__(f"no space left on {where}: {outcome}")
        self.where = str(where)


def is_disk_full(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from or while handling, says the disk is full."""
    return any(_says_full(e) for e in _chain(error))


def disk_full(error: BaseException, settings: Settings, outcome: str = "nothing was recorded") -> DiskFull:
    """The plain error for a full disk met while writing under `settings`: it names the folder (the one
    of the file that could not be written, else the data folder), or the PostgreSQL server."""
    if any(getattr(e, "sqlstate", None) == POSTGRES_DISK_FULL for e in _chain(error)):
        return DiskFull(f"the server of the {settings.describe_store()}", outcome)
    files = [e.filename for e in _chain(error) if isinstance(e, OSError) and isinstance(e.filename, str)]
    return DiskFull(Path(files[0]).parent if files else settings.home, outcome)


def _says_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in ERRNOS:
        return True
    if getattr(error, "sqlstate", None) == POSTGRES_DISK_FULL:
        return True
    text = str(error).casefold()
    return any(words in text for words in TEXTS)


def _chain(error: BaseException | None) -> list[BaseException]:
    found: list[BaseException] = []
    while error is not None and all(error is not e for e in found):
        found.append(error)
        error = error.__cause__ or error.__context__
    return found
