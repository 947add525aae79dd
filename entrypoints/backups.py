"""`peerpulse backup DIR` and `peerpulse restore DIR [--force]`: backups that keep erasures.

`backup` takes a consistent copy of the store and its keys while writers run (domain.store.backup);
`restore` checks a backup against its keys, refuses a non-empty PEERPULSE_HOME without `--force`, and
erases again everyone in the erasure ledger before the restored store can be read (domain.backups).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from domain.backups import restore
from domain.config import Settings
from domain.store import backup


def cmd_backup(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    manifest = backup.take(settings, Path(args.dir))
    target = Path(args.dir).expanduser().absolute()
    held = "the store key, the member keys" if manifest.store_key == "file" else "the member keys"
    if manifest.store == "sqlite":
        print(f"backed up {manifest.events:,} events, {held} into {target} (taken {manifest.taken_at})")
    else:
        print(
            f"backed up {held} of {settings.describe_store()} into {target} (taken {manifest.taken_at}); "
            "the events are in your pg_dump (README, 'Backups')"
        )
    if manifest.store_key != "file":
        print("the store key is PEERPULSE_STORE_KEY, kept outside PeerPulse: it is not in the backup")
    if settings.ledger_path.is_relative_to(settings.home):
        print(
            f"the erasure ledger {settings.ledger_path} is inside PEERPULSE_HOME: lose the home and a restore can "
            "no longer erase again who was erased after a backup. Keep it apart (PEERPULSE_ERASURE_LEDGER, "
            "README 'Backups')"
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    done = restore(settings, Path(args.dir), force=args.force, ledger_lost=args.ledger_lost)
    where = settings.describe_store()
    print(f"restored the backup taken {done.manifest.taken_at} into {where}, with its keys")
    print(
        f"erasure ledger {done.ledger}: {done.listed:,} erased members, "
        f"{done.erased_again:,} of them erased again (the backup still held their keys)"
    )
    if done.unlisted:
        print(
            f"--ledger-lost: the backup shows {len(done.unlisted):,} erased, now added to the ledger; "
            "anyone erased after the backup was taken is NOT erased again: erase them again by hand"
        )
    elif not done.ledger.exists():
        print("the erasure ledger does not exist yet: nobody was ever erased, or PEERPULSE_ERASURE_LEDGER is not set")
    if done.removed:
        print(f"removed the replaced store's figures ({', '.join(done.removed)}): run `peerpulse materialize`")
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("backup", help="copy the event store and its keys into a new folder, while writers run")
    p.add_argument("dir", metavar="DIR", help="a folder that does not exist yet, or is empty")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="restore a backup; everyone in the erasure ledger is erased again")
    p.add_argument("dir", metavar="DIR", help="a folder written by `peerpulse backup`")
    p.add_argument(
        "--force", action="store_true", help="replace the event store and keys of a PEERPULSE_HOME that is not empty"
    )
    p.add_argument(
        "--ledger-lost",
        action="store_true",
        help="the erasure ledger is lost for good: start it again from the backup's own erasures",
    )
    p.set_defaults(func=cmd_restore)
