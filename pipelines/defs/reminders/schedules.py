"""Briefings and reminders on a schedule: every hour, `peerpulse send-reminders`, the very command an
administrator or cron runs, in a process of its own.

The pipelines never import the messages (notifications/ sits beside them: pyproject.toml's layers), so
the job runs the installed command. Each run sends only what is due and was not sent before (README,
"Briefings and reminders"), so an hourly schedule sends a briefing within the hour its window opens, and
a missed or failed run is made up by the next. What it logs counts messages; it names nobody.

The schedule starts stopped: turn it on (in the UI, or `dg launch`) where the mail settings are in place.
"""

import subprocess
import sys
from pathlib import Path

import dagster as dg

PEERPULSE = Path(sys.executable).with_name("peerpulse")  # the command installed beside this interpreter
TIMEOUT = 3600


@dg.op(description="Run `peerpulse send-reminders`: the briefings, nudges and digests due now, each sent once.")
def send_reminders(context: dg.OpExecutionContext) -> dg.Output:
    done = subprocess.run([str(PEERPULSE), "send-reminders"], capture_output=True, text=True, timeout=TIMEOUT)
    for line in done.stdout.splitlines():
        context.log.info(line)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise dg.Failure(description=said[-1] if said else f"peerpulse send-reminders exited with {done.returncode}")
    return dg.Output(None, metadata={"report": dg.MetadataValue.text(done.stdout.strip())})


@dg.job(description="Send the briefings and reminders that are due, each exactly once.")
def send_reminders_job() -> None:
    send_reminders()


reminders_every_hour = dg.ScheduleDefinition(
    name="reminders_every_hour",
    job=send_reminders_job,
    cron_schedule="5 * * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="At five past every hour: `peerpulse send-reminders` (what is due and not yet sent).",
)
