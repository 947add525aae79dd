"""`peerpulse import`: apply JSONL files through the domain, each all or nothing."""

from __future__ import annotations

import argparse
import getpass
import time
from pathlib import Path

from domain import jsonl
from domain.application import open_application
from domain.disk import disk_full
from entrypoints.arguments import progress_bar


def cmd_import(args: argparse.Namespace) -> int:
    with open_application() as app:
        for n, path in enumerate(args.files):
            started = time.perf_counter()
            commands, digest = jsonl.read_file(Path(path))
            try:
                with progress_bar(len(commands), f"importing {Path(path).name}") as bar:
                    summary = app.apply_commands(
                        commands,
                        str(path),
                        by=app.actor("jsonl", account=getpass.getuser()),
                        file_digest=digest,
                        progress=bar.update,
                    )
            except Exception as e:  # a full disk: this file's transaction was rolled back, the ones before kept
                after = f"nothing of {path} was recorded (the files before it were)" if n else "nothing was recorded"
                if (full := disk_full(e, app.settings, after)) is None:
                    raise
                raise full from None
            elapsed = time.perf_counter() - started
            if summary.already_imported:
                print(f"{path}: already imported; nothing new stored ({summary.commands} commands)")
                continue
            rate = f" ({summary.commands / elapsed:,.0f} commands/s)" if summary.commands >= 1000 else ""
            print(
                f"{path}: {summary.commands} commands: {summary.applied} applied, {summary.skipped} skipped "
                f"(already recorded); {summary.events} events stored in {elapsed:.1f} s{rate}"
            )
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("import", help="apply JSONL commands (docs/import-format.md), all-or-nothing per file")
    p.add_argument("files", nargs="+", metavar="FILE.jsonl")
    p.set_defaults(func=cmd_import)
