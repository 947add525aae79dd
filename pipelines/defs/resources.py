"""Resources: the warehouse (and the event store it is built from) of the configured PEERPULSE_HOME."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import dagster as dg

from domain.clock import today
from domain.config import Settings
from domain.store.log import EventLog


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse built from the event store, as of a day (default: today). A refresh waits up
    to `wait_seconds` for another one on the same data folder (a `materialize`, the follower) to finish."""

    as_of: str | None = None
    wait_seconds: float = 600

    @property
    def settings(self) -> Settings:
        return Settings.from_env()

    def as_of_date(self) -> date:
        return date.fromisoformat(self.as_of) if self.as_of else today()

    @contextmanager
    def event_log(self) -> Iterator[EventLog]:
        log = EventLog(self.settings)
        try:
            yield log
        finally:
            log.close()


@dg.definitions
def resources() -> dg.Definitions:
    # One process writes the warehouse file at a time, so steps run in the run's own process.
    return dg.Definitions(resources={"warehouse": Warehouse()}, executor=dg.in_process_executor)
