"""Dagster, an entry point like the command line: the code location `dg dev` loads
([tool.dg.project] in pyproject.toml).

It composes two parts, as the other entry points do:

- the refresh (pipelines/defs/: the asset graph, its one step calling `pipelines.refresh.refresh()`, and
  the `new_events` sensor);
- the briefings and reminders on a schedule: every hour, the very code `peerpulse send-reminders` runs
  (entrypoints/reminders.py, `send_due`), in the run's own process, with the configuration the command
  reads (domain/config.py: the environment, then PEERPULSE_SECRETS or .streamlit/secrets.toml). Each run
  sends only what is due and was not sent before (README, "Briefings and reminders"), so an hourly
  schedule sends a briefing within the hour its window opens, and a missed or failed run is made up by
  the next. What it logs counts messages; it names nobody. The schedule starts stopped: turn it on (in
  the UI, or `dg launch`) where the mail settings are in place.
"""

import os
from pathlib import Path

import dagster as dg

from domain import clock
from domain.config import Config
from domain.errors import PeerPulseError
from entrypoints.reminders import send_due

PIPELINES = Path(__file__).resolve().parents[1] / "pipelines"


@dg.op(description="The briefings, nudges and digests due now, each sent once (as `peerpulse send-reminders`).")
def send_reminders(context: dg.OpExecutionContext) -> dg.Output:
    try:
        report, _ = send_due(Config.load(), clock.now())
    except PeerPulseError as e:  # no mail server, a wrong setting, nothing published: the plain message
        raise dg.Failure(description=str(e)) from None
    summary = report.summary(dry_run=False)
    context.log.info(summary)
    return dg.Output(None, metadata={"report": dg.MetadataValue.text(summary)})


@dg.job(description="Send the briefings and reminders that are due, each exactly once.")
def send_reminders_job() -> None:
    send_reminders()


reminders_every_hour = dg.ScheduleDefinition(
    name="reminders_every_hour",
    job=send_reminders_job,
    cron_schedule="5 * * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="At five past every hour: what `peerpulse send-reminders` would send (due, and not yet sent).",
)


@dg.definitions
def defs() -> dg.Definitions:
    os.umask(0o077)  # under `dg dev` too, the warehouse files are for their owner only
    reminders = dg.Definitions(jobs=[send_reminders_job], schedules=[reminders_every_hour])
    return dg.Definitions.merge(dg.load_from_defs_folder(path_within_project=PIPELINES), reminders)
