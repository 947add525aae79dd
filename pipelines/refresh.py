"""A refresh: catch up on the event log, rebuild the models it touched, check them, publish them.

One implementation with three triggers: `peerpulse materialize` runs it once (whole: every model rebuilt
from the facts), the follower inside `peerpulse serve` runs it whenever the log grows (by partition:
pipelines/follower.py), and Dagster's one step calls it (pipelines/defs/refresh/assets.py).

1. **Catch-up** (pipelines/projection.py): the events after the facts' position, page by page.
2. **Event counts**: the warehouse holds exactly the store's events of each type (the new ones, or all of
   them on a whole rebuild). A difference stops the refresh before any model is touched.
3. **Models and their checks** (warehouse/incremental.py): one transaction, rolled back if a blocking
   check fails, so the models always are the last figures that passed.
4. **Publication** (warehouse/publication.py): the changed partitions copied into a serving generation
   nobody reads, then linked as `serving.duckdb`.

A quiet store costs one look at the log's last position and nothing else. One refresh runs at a time per
data folder (`only_one_at_a_time`). A warehouse file found damaged, or of an older layout, is rebuilt
from the event store: it is derived data. A full disk is not damage: the refresh stops with `DiskFull`
(domain/disk.py), the warehouse kept as it is and the serving file not replaced.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from domain.clock import today
from domain.config import Settings
from domain.disk import disk_full, is_disk_full
from domain.errors import PeerPulseError
from domain.store.log import EventLog
from pipelines.projection import CatchUp, catch_up
from warehouse import checks, db, facts, incremental, publication
from warehouse.incremental import ModelsRefresh
from warehouse.publication import Published

# DuckDB's errors for a file it cannot read as a database, or a block whose checksum fails
DAMAGE = (duckdb.IOException, duckdb.InternalException, duckdb.SerializationException, duckdb.FatalException,
          duckdb.InvalidInputException)  # fmt: skip


class RefreshBusy(PeerPulseError):
    """Another refresh (a materialize, or the dashboards' follower) is running on this data folder."""


@dataclass
class EventCounts:
    """The warehouse holds the store's events, type by type, between two positions."""

    after: int
    up_to: int
    differences: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.differences

    @property
    def what_to_do(self) -> str:
        found = ", ".join(f"{t}: warehouse {d['warehouse']}, store {d['store']}" for t, d in self.differences.items())
        return f"the warehouse's events differ from the store's ({found}); run `peerpulse materialize` to rebuild"


@dataclass
class Refresh:
    """What one refresh did, for a person to read."""

    caught_up: CatchUp
    counts: EventCounts | None = None
    models: ModelsRefresh | None = None
    published: Published | None = None
    seconds: float = 0.0

    @property
    def failed_checks(self) -> list[checks.Outcome]:
        return self.models.failed if self.models else []

    @property
    def passed(self) -> bool:
        return (self.counts is None or self.counts.passed) and not self.failed_checks


@contextmanager
def only_one_at_a_time(settings: Settings, wait: float = 0) -> Iterator[None]:
    """One refresh per data folder at a time (DuckDB allows one writer): a second one is told so
    (`RefreshBusy`), or waits up to `wait` seconds for the first to finish."""
    settings.ensure_home()
    fd = os.open(settings.home / ".materialize.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RefreshBusy(
                        "another materialize is running on this data folder: wait for it to finish, or run again "
                        "with --wait SECONDS"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def refresh(
    settings: Settings,
    as_of: date | None = None,
    full: bool = False,
    say: Callable[[str], None] = print,
    on_page: Callable[[CatchUp], None] | None = None,
    log: EventLog | None = None,
    look_for_damage: bool = True,
) -> Refresh:
    """Catch up, rebuild (by partition, or whole if `full`), check, publish. The caller holds
    `only_one_at_a_time`. A damaged warehouse is rebuilt from the events once (and `say`s so); a caller
    that refreshes again and again (the follower) may skip the look before it (`look_for_damage`) and
    pass the event log it keeps open."""
    try:
        if log is not None:
            return _refresh_or_rebuild(settings, log, as_of, full, say, on_page, look_for_damage)
        with EventLog(settings) as opened:
            opened.check_key()  # a missing or wrong key is one plain message, before anything is written
            return _refresh_or_rebuild(settings, opened, as_of, full, say, on_page, look_for_damage)
    except Exception as e:  # a full disk is said plainly (and is no damage: see _refresh_or_rebuild)
        if (plain := disk_full(e, settings, NOT_PUBLISHED)) is None or plain is e:
            raise
        raise plain from None


NOT_PUBLISHED = "nothing new was published"


def _refresh_or_rebuild(
    settings: Settings,
    log: EventLog,
    as_of: date | None,
    full: bool,
    say: Callable[[str], None],
    on_page: Callable[[CatchUp], None] | None,
    look_for_damage: bool,
) -> Refresh:
    if look_for_damage and (reason := damaged(settings.warehouse_path)):
        start_again(settings.warehouse_path, reason, say)
    try:
        return _refresh(settings, log, as_of or today(), full, on_page)
    except duckdb.Error as e:  # a damaged block, found only when a step read it
        if is_disk_full(e, settings.home) or (not isinstance(e, DAMAGE) and "Corrupt database file" not in str(e)):
            raise
        start_again(settings.warehouse_path, type(e).__name__, say)
        return _refresh(settings, log, as_of or today(), True, on_page)


def _refresh(
    settings: Settings, log: EventLog, as_of: date, full: bool, on_page: Callable[[CatchUp], None] | None
) -> Refresh:
    started = time.perf_counter()
    con = db.connect(settings.warehouse_path)
    try:
        done = Refresh(catch_up(con, log, on_page=on_page))
        state = incremental.read_state(con)
        checked_from = 0 if (full or state is None) else state.last_position
        done.counts = count_events(con, log, checked_from, done.caught_up.end_position)
        if done.counts.passed:
            done.models = incremental.refresh_models(con, as_of, full=full)
            done.published = publish_if_needed(con, settings)
        done.seconds = time.perf_counter() - started
        return done
    finally:
        con.close()


def count_events(con: duckdb.DuckDBPyConnection, log: EventLog, after: int, up_to: int) -> EventCounts:
    ours = dict(
        con.execute(
            "SELECT topic, count(*)::BIGINT FROM event_log WHERE position > ? AND position <= ? GROUP BY topic",
            [after, up_to],
        ).fetchall()
    )
    theirs = log.counts_by_topic(up_to=up_to, after=after)
    return EventCounts(
        after,
        up_to,
        {
            t: {"warehouse": ours.get(t, 0), "store": theirs.get(t, 0)}
            for t in sorted(set(ours) | set(theirs))
            if ours.get(t, 0) != theirs.get(t, 0)
        },
    )


def publish_if_needed(con: duckdb.DuckDBPyConnection, settings: Settings) -> Published | None:
    """Publish the models if the serving file does not hold them yet: after a refresh that changed them,
    or one that was stopped before it published."""
    state = incremental.read_state(con)
    if state is None:
        return None
    if state.published_position == state.last_position and settings.serving_path.exists():
        return None
    if state.published_position is None and _is_new_epoch(settings.serving_path, state.epoch):
        published = publication.publish_whole(con, settings.serving_path, state.epoch)
    else:
        published = publication.publish(con, settings.serving_path, state.epoch, state.last_position)
    incremental.mark_published(con, state.last_position)
    return published


def _is_new_epoch(serving_path: Path, epoch: str) -> bool:
    return not any(publication.epoch_of(g) == epoch for g in db.generations(serving_path))


# -- a damaged warehouse -------------------------------------------------------------------------------
def damaged(path: Path) -> str | None:
    """Why the warehouse file cannot be used as it is (emptied, garbage, truncated, an older layout), or
    None. Damage deeper in the file (a flipped bit in a block) is caught when a step reads that block:
    every DuckDB block carries a checksum, and the refresh then starts again from scratch."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path))
        try:
            found: dict[str, list[str]] = {}
            for table, column in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position"
            ).fetchall():
                found.setdefault(table, []).append(column)
            if "projection_state" in found:
                con.execute("SELECT * FROM projection_state").fetchall()
        finally:
            con.close()
    except duckdb.Error as e:
        if is_disk_full(e, path.parent):  # not damage: the file may be whole, and a rebuild would need the same space
            raise
        return type(e).__name__
    for fact in facts.TABLES:
        if fact.name in found and found[fact.name] != list(fact.column_names):
            return f"an older layout ({fact.name} has other columns)"
    return None


def start_again(path: Path, reason: str, say: Callable[[str], None]) -> None:
    what = f"is of {reason}" if reason.startswith("an older layout") else f"is damaged ({reason})"
    say(f"the warehouse {path} {what}; it is derived from the event store: rebuilding it")
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
