"""The follower: keeps the published figures fresh while `peerpulse serve` runs, with no other process.

A background thread looks at the event log's last position a few times a second (one indexed query) and,
when the log has grown or the day has changed, runs a refresh (pipelines/refresh.py): by partition for
new events, whole for a new as-of day. A quiet store costs that one query per look and nothing else.

If `peerpulse materialize` (or Dagster) is refreshing the same data folder, the follower waits for its
turn and finds the work done. A refresh that fails (a blocking check, a full disk) is said once, plainly,
and tried again when more events arrive: the previous figures stay published meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from domain.clock import today
from domain.config import Settings
from domain.disk import disk_full
from domain.errors import PeerPulseError
from domain.store.log import EventLog
from pipelines.refresh import NOT_PUBLISHED, Refresh, RefreshBusy, only_one_at_a_time, refresh

POLL_SECONDS = 0.25


class Follower(threading.Thread):
    """Refreshes the figures whenever the event log grows or the day changes, until stopped."""

    def __init__(
        self, settings: Settings, say: Callable[[str], None] = print, poll_seconds: float = POLL_SECONDS
    ) -> None:
        super().__init__(name="peerpulse-follower", daemon=True)
        self.settings, self.say, self.poll_seconds = settings, say, poll_seconds
        self.refreshes = 0
        self._done: tuple[int, object] | None = None  # (log position, day) the figures were refreshed for
        self._halt = threading.Event()

    def stop(self, timeout: float = 30) -> None:
        self._halt.set()
        self.join(timeout)

    def run(self) -> None:
        warm_up()
        log: EventLog | None = None
        said = ""
        try:
            while not self._halt.is_set():
                wanted = self._done
                try:
                    if log is None:
                        log = EventLog(self.settings)
                        log.check_key()
                    wanted = (log.max_position(), today())
                    if wanted != self._done:
                        self._refresh(log, wanted)
                except RefreshBusy:
                    pass  # someone else is refreshing: look again shortly
                except Exception as e:
                    # a plain message for a PeerPulse error (no key yet, a wrong one, a full disk: never taken
                    # for damage), the kind of error otherwise (never a traceback with data in it); said
                    # once, tried again later
                    e = disk_full(e, self.settings, NOT_PUBLISHED) or e
                    message = str(e) if isinstance(e, PeerPulseError) else f"{type(e).__name__}; see the server log"
                    if message != said:
                        self.say(f"the figures were not refreshed: {message}; the last ones stay published")
                        said = message
                    self._done = wanted
                    if log is not None:
                        log.close()
                    log = None
                    self._halt.wait(2)
                self._halt.wait(self.poll_seconds)
        finally:
            if log is not None:
                log.close()

    def _refresh(self, log: EventLog, wanted: tuple[int, object]) -> None:
        position, day = wanted
        with only_one_at_a_time(self.settings):
            # the warehouse file is looked at closely once; after that, damage shows when a step reads it
            done = refresh(self.settings, as_of=day, say=self.say, log=log, look_for_damage=not self.refreshes)
        self._done = (max(position, done.caught_up.end_position), day)
        self.refreshes += 1
        self.say(describe(done))


def warm_up() -> None:
    """What the first refresh would otherwise pay for when the first events arrive: the models read
    from their files, and the modules a page of events goes through to DuckDB."""
    import pyarrow  # noqa: F401  (DuckDB scans a page's columns through Arrow)

    from warehouse.models import models

    models()


def describe(done: Refresh) -> str:
    """One line about a refresh, with counts only (no ids: they go to a log)."""
    caught = done.caught_up
    if not done.passed:
        failed = sorted({f"{o.model.name} / {o.check.rule}" for o in done.failed_checks})
        if done.counts is not None and not done.counts.passed:
            failed.insert(0, "event_facts / event_counts_match_store")
        return (
            f"figures not refreshed: {caught.events:,} new events, checks failed ({', '.join(failed)}); "
            "the previous figures stay published: run `peerpulse materialize` to see the rows and what to do"
        )
    models = done.models
    if models is None or models.nothing_to_do:
        return f"figures up to date at log position {caught.end_position:,}"
    what = "every table rebuilt" if models.full else f"{models.groups:,} groups refreshed"
    why = f" ({models.reason})" if models.full and models.reason else ""
    return (
        f"figures refreshed at {time.strftime('%H:%M:%S')}: {caught.events:,} new events, {what}{why}, "
        f"published up to log position {caught.end_position:,} in {done.seconds:.2f} s"
    )
