"""`peerpulse materialize`: the Dagster job, run in this process (no server), with a plain report."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from domain.config import Settings
from domain.errors import PeerPulseError
from domain.store.log import EventLog
from entrypoints.arguments import date_argument


class MaterializeError(PeerPulseError):
    """The job ran but a step or a blocking check failed: the serving file was not replaced."""


def run_materialize(as_of: date | None):
    """Run `materialize_all` in-process; returns Dagster's result."""
    import dagster as dg

    from pipelines.definitions import defs

    definitions = defs()
    job = definitions.resolve_job_def("materialize_all")
    # Dagster's own run log goes to stderr; quiet unless asked (PEERPULSE_LOG_LEVEL=INFO or DEBUG).
    level = os.environ.get("PEERPULSE_LOG_LEVEL", "WARNING").upper()
    run_config = {"loggers": {"console": {"config": {"log_level": level}}}}
    if as_of is not None:
        run_config["resources"] = {"warehouse": {"config": {"as_of": as_of.isoformat()}}}
    return job.execute_in_process(run_config=run_config, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


@contextmanager
def only_one_at_a_time(settings: Settings, wait: float = 0) -> Iterator[None]:
    """One materialize per data folder at a time (DuckDB allows one writer): a second one is told so, or
    waits up to `wait` seconds for the first to finish."""
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
                    raise PeerPulseError(
                        "another materialize is running on this data folder: wait for it to finish, or run again "
                        "with --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)


DAMAGE = ("IOException", "InternalException", "SerializationException", "FatalException", "InvalidInputException")


def damaged_warehouse(path: Path) -> str | None:
    """Why the warehouse file cannot be opened as it is (emptied, garbage, truncated), or None. Damage
    deeper in the file (a flipped bit in a block) is caught when a step reads that block: every DuckDB
    block carries a checksum, and the run is then started again from scratch (`_damage`)."""
    if not path.exists():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(path))
        try:
            tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if "projection_state" in tables:
                con.execute("SELECT * FROM projection_state").fetchall()
        finally:
            con.close()
    except duckdb.Error as e:
        return type(e).__name__
    return None


def rebuild_from_scratch(path: Path, reason: str) -> None:
    print(f"the warehouse {path} is damaged ({reason}); it is derived from the event store: rebuilding it")
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def materialize_and_report(as_of: date | None, wait: float = 0) -> int:
    settings = Settings.from_env()
    with only_one_at_a_time(settings, wait):
        with EventLog(settings) as log:
            log.check_key()  # a missing or wrong key is one plain message, before Dagster starts
        reason = damaged_warehouse(settings.warehouse_path)
        if reason:
            rebuild_from_scratch(settings.warehouse_path, reason)
        started = time.perf_counter()
        result = run_materialize(as_of)
        damage = _damage(result)
        if damage:  # a damaged block read only by a model: start again from the event store, once
            rebuild_from_scratch(settings.warehouse_path, damage)
            result = run_materialize(as_of)
        return report(result, time.perf_counter() - started)


def _damage(result) -> str | None:
    for event in result.get_step_failure_events() if not result.success else []:
        error = getattr(event.event_specific_data, "error", None)
        while error is not None:
            if error.cls_name in DAMAGE:
                return error.cls_name
            error = error.cause
    return None


def report(result, elapsed: float) -> int:
    built: dict[str, dict] = {}
    for event in result.get_asset_materialization_events():
        metadata = {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}
        built[event.asset_key.to_user_string()] = metadata
    failed_checks = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    passed_checks = [e.check_name for e in result.get_asset_check_evaluations() if e.passed]

    facts = built.get("event_facts", {})
    if facts:
        print(
            f"caught up: {facts.get('events_appended', 0):,} new events in {facts.get('pages', 0)} pages "
            f"(log position {facts.get('previous_position', 0):,} -> {facts.get('last_position', 0):,})"
        )
    models = {k: v for k, v in built.items() if k not in ("event_facts", "serving_file")}
    if models:
        as_of_text = next(iter(models.values())).get("as_of", "")
        print(
            f"built {len(models)} tables as of {as_of_text}: "
            + ", ".join(f"{name} {meta.get('rows', 0):,}" for name, meta in sorted(models.items()))
        )
    print(
        f"checks: {len(passed_checks)} passed, {len(failed_checks)} failed"
        + (f" ({', '.join(failed_checks)})" if failed_checks else "")
    )
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:  # which rows, by their ids, and how to correct them
            metadata = {k: getattr(v, "value", v) for k, v in evaluation.metadata.items()}
            print(
                f"  {evaluation.asset_key.to_user_string()} / {evaluation.check_name}: "
                f"{str(metadata.get('what_to_do', '')).removeprefix('- ')}"
            )
            if "sample" in metadata:
                print(f"    rows: {json.dumps(metadata['sample'], default=str)}")
    if not result.success or failed_checks or "serving_file" not in built:
        failures = [_failure(e) for e in result.get_step_failure_events()] if not result.success else []
        reason = (
            f"steps failed: {', '.join(failures)}"
            if failures
            else f"checks failed: {', '.join(failed_checks) or 'none'}"
        )
        raise MaterializeError(f"materialize did not publish ({reason}); the previous serving file is unchanged")
    print(f"published {Settings.from_env().serving_path} in {elapsed:.1f} s")
    return 0


def _failure(event) -> str:
    """A failed step, and the plain message of a PeerPulse error that failed it (never another
    exception's text, which could hold anything)."""
    error = getattr(event.event_specific_data, "error", None)
    while error is not None and error.cls_name not in PEERPULSE_ERRORS and error.cause is not None:
        error = error.cause
    if error is None or error.cls_name not in PEERPULSE_ERRORS:
        return event.step_key
    message = error.message.split(": ", 1)[-1].strip()
    return f"{event.step_key} ({message})"


PEERPULSE_ERRORS = {"PeerPulseError", "ConfigurationError", "DomainError", "CommandError", "MaterializeError"}


def cmd_materialize(args: argparse.Namespace) -> int:
    return materialize_and_report(args.as_of, wait=args.wait)


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "materialize", help="catch up on events, build the warehouse, run checks, publish the serving file"
    )
    p.add_argument(
        "--as-of", type=date_argument, default=None, help="build the programme as it stood on this day (default today)"
    )
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="if another materialize is running, wait up to this long for it (default: do not wait)",
    )
    p.set_defaults(func=cmd_materialize)
