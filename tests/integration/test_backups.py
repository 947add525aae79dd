"""Backups that keep erasures, run as the README documents them: `peerpulse backup DIR`, `peerpulse
erase-member`, `peerpulse restore DIR [--force]`. The canary scan of test_confidentiality (every byte of
every file, for the member's name, email, own texts and wrapped key) proves the erasure survives."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from domain.application import open_application
from domain.config import Settings
from domain.model import ERASED_MEMBER
from domain.store.backup import _sha256
from tests.conftest import PEERPULSE, env_for, postgres_url
from tests.integration.test_application import EXAMPLE, write_jsonl
from tests.integration.test_confidentiality import busiest_member, files_holding, programme, unique_secrets

__all__ = ["programme"]  # the fixture, shared with test_confidentiality


def run(settings: Settings, *args: str, ledger: Path | None = None) -> subprocess.CompletedProcess:
    env = env_for(settings) | {"PEERPULSE_TODAY": "2026-06-30"}
    if ledger is not None:
        env["PEERPULSE_ERASURE_LEDGER"] = str(ledger)
    return subprocess.run([PEERPULSE, *args], env=env, capture_output=True, text=True, timeout=600)


def ok(settings: Settings, *args: str, ledger: Path | None = None) -> subprocess.CompletedProcess:
    result = run(settings, *args, ledger=ledger)
    assert result.returncode == 0, result.stderr
    return result


def refused(settings: Settings, *args: str, ledger: Path | None = None) -> str:
    result = run(settings, *args, ledger=ledger)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


def wrapped_key(settings: Settings, member: str) -> bytes:
    with sqlite3.connect(settings.member_keys_path) as conn:
        return conn.execute("SELECT wrapped_key FROM member_keys WHERE member = ?", [member]).fetchone()[0]


def owner_only(folder: Path) -> list[str]:
    """Every file and folder under `folder` that others could read or enter."""
    return [str(p) for p in [folder, *folder.rglob("*")] if stat.S_IMODE(p.stat().st_mode) & 0o077]


def test_a_restored_backup_taken_before_an_erasure_keeps_the_erasure(programme, tmp_path):
    settings, jsonl = programme
    member = busiest_member(jsonl)
    canaries = unique_secrets(jsonl, member) + [wrapped_key(settings, member)]
    ledger = tmp_path / "separate-storage" / "erasures.jsonl"  # where operators keep it: apart from home and backups
    backup = tmp_path / "backups" / "monday"
    (tmp_path / "backups").mkdir()

    taken = ok(settings, "backup", str(backup), ledger=ledger)
    assert f"into {backup}" in taken.stdout
    assert owner_only(backup) == []
    assert sorted(str(p.relative_to(backup)) for p in backup.rglob("*")) == [
        "events.sqlite",
        "keys",
        "keys/members.sqlite",
        "keys/store.key",
        "manifest.json",
    ]
    ok(settings, "erase-member", member, "--yes", ledger=ledger)
    assert files_holding(backup, canaries), "the backup taken before the erasure holds the member's key"

    # The ledger: pseudonymous ids and dates, nothing else.
    entries = [json.loads(line) for line in ledger.read_text().splitlines()]
    assert entries == [{"member": member, "erased_on": entries[0]["erased_on"]}]
    assert files_holding(ledger.parent, canaries) == {}

    # The home is lost; the old backup is restored into a new one, with the ledger kept apart.
    new_home = Settings(home=tmp_path / "new-home")
    restored = ok(new_home, "restore", str(backup), ledger=ledger)
    assert files_holding(new_home.home, canaries) == {}
    assert "1 of them erased again" in restored.stdout
    with open_application(new_home) as app:
        erased = app.member(member)
        assert (erased.name, erased.email, erased.erased) == (ERASED_MEMBER, None, True)
        assert app.erased_again == []  # restore did it all before returning
    assert entries == [json.loads(line) for line in ledger.read_text().splitlines()], "restore wrote the ledger"

    # The same backup over the live home: that needs --force, and erases the member again too.
    assert "is not empty" in refused(settings, "restore", str(backup), ledger=ledger)
    ok(settings, "restore", str(backup), "--force", ledger=ledger)
    assert files_holding(settings.home, canaries) == {}
    ok(settings, "materialize", ledger=ledger)  # the figures come back from the restored store


def test_a_restore_by_copying_files_back_is_erased_again_when_the_store_opens(tmp_path):
    settings = Settings(home=tmp_path / "home")
    ok(settings, "import", str(write_jsonl(tmp_path / "north.jsonl", EXAMPLE)))
    backup = tmp_path / "backup"
    ok(settings, "backup", str(backup))
    canaries = [b"Ana Ruiz", b"ana@example.org", wrapped_key(settings, "ana")]
    ok(settings, "erase-member", "ana", "--yes")
    # By hand, as an operator might: the old store and keys over the live ones (the ledger stays).
    settings.sqlite_path.unlink()
    for name in ("events.sqlite-wal", "events.sqlite-shm"):
        (settings.home / name).unlink(missing_ok=True)
    shutil.copyfile(backup / "events.sqlite", settings.sqlite_path)
    shutil.rmtree(settings.key_path.parent)
    shutil.copytree(backup / "keys", settings.key_path.parent)
    assert files_holding(settings.home / "keys", canaries), "the copied key store holds ana's key"

    with open_application(settings) as app:
        assert app.erased_again == ["ana"]
        assert app.member("ana").erased and app.member("ana").name == ERASED_MEMBER
        assert app.member("bob").name == "Bob Tanaka"
    assert files_holding(settings.home, canaries) == {}


def test_backups_taken_while_a_writer_imports_open_and_replay(tmp_path):
    settings = Settings(home=tmp_path / "home")
    programme = tmp_path / "programme.jsonl"
    ok(settings, "seed", "--groups", "20", "--months", "12", "--seed", "7", "--jsonl", str(programme))
    lines = programme.read_text().splitlines(keepends=True)
    chunks = []
    for n, start in enumerate(range(0, len(lines), 400)):
        chunks.append(tmp_path / f"part-{n:02}.jsonl")
        chunks[-1].write_text("".join(lines[start : start + 400]))
    ok(settings, "import", str(chunks[0]))  # the store exists before the first backup
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys\nfor f in sys.argv[2:]: subprocess.run([sys.argv[1], 'import', f], check=True)",
        ]
        + [PEERPULSE, *map(str, chunks[1:])],
        env=env_for(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Held open, as a running dashboards server holds it: the store's WAL is then not folded back into
    # its file at every writer's exit, and a copy of the file alone would miss recent imports.
    watcher = sqlite3.connect(settings.sqlite_path)
    backups, committed = [], []
    while writer.poll() is None and len(backups) < 6:
        committed.append(watcher.execute("SELECT count(*) FROM stored_events").fetchone()[0])
        backups.append(tmp_path / f"backup-{len(backups)}")
        ok(settings, "backup", str(backups[-1]))
    out, err = writer.communicate(timeout=600)
    watcher.close()
    assert writer.returncode == 0, err
    assert len(backups) >= 2, "the writer finished before a second backup: make the programme larger"

    # Each import stores its file in one transaction: a consistent copy holds whole imports only.
    stored = [
        int(line.split("; ")[1].split()[0].replace(",", "")) for line in out.splitlines() if "events stored" in line
    ]
    with open_application(settings) as app:
        first = app.event_count() - sum(stored)
        whole = {first + sum(stored[:i]) for i in range(len(stored) + 1)}
        live = app.recorder.select_notifications(start=1, limit=10**6)
    for backup, before in zip(backups, committed, strict=True):
        home = Settings(home=tmp_path / f"restored-{backup.name}")
        ok(home, "restore", str(backup))
        with open_application(home) as app:
            copied = app.recorder.select_notifications(start=1, limit=10**6)
            assert len(copied) in whole, f"{backup.name}: {len(copied)} events is not a whole number of imports"
            assert len(copied) >= before, f"{backup.name} lacks events committed before it was taken"
            assert [(n.originator_id, n.originator_version, n.state) for n in copied] == [
                (n.originator_id, n.originator_version, n.state) for n in live[: len(copied)]
            ]
            for stream in {n.originator_id for n in copied}:  # every aggregate replays, members' data opens
                aggregate = app.repository.get(stream)
                assert getattr(aggregate, "name", "") is not None


# -- refusals: plain messages, non-zero, nothing changed ---------------------------------------------
@pytest.fixture
def small(tmp_path) -> tuple[Settings, Path]:
    settings = Settings(home=tmp_path / "home")
    ok(settings, "import", str(write_jsonl(tmp_path / "north.jsonl", EXAMPLE)))
    backup = tmp_path / "backup"
    ok(settings, "backup", str(backup))
    return settings, backup


def test_backup_refuses_a_folder_that_is_not_new_or_empty(small, tmp_path):
    settings, _ = small
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine")
    assert f"{full} is not empty" in refused(settings, "backup", str(full))
    assert [p.name for p in full.iterdir()] == ["notes.txt"]
    (tmp_path / "a-file").write_text("x")
    assert "exists and is not a folder" in refused(settings, "backup", str(tmp_path / "a-file"))
    assert "does not exist" in refused(settings, "backup", str(tmp_path / "no" / "such"))
    assert "inside PEERPULSE_HOME" in refused(settings, "backup", str(settings.home / "backup"))
    assert "no event store to back up" in refused(Settings(home=tmp_path / "empty"), "backup", str(tmp_path / "b"))
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    ok(settings, "backup", str(empty))


def other_programme(tmp_path: Path) -> Path:
    """A backup of another store (with its own store key and member keys)."""
    other = Settings(home=tmp_path / "other")
    ok(other, "import", str(write_jsonl(tmp_path / "other.jsonl", EXAMPLE)))
    ok(other, "backup", str(tmp_path / "other-backup"))
    return tmp_path / "other-backup"


def mix(backup: Path, other: Path, name: str, *, rebind: bool = False) -> None:
    """Put `other`'s file `name` into `backup`, with a manifest that agrees (as a careless operator or
    an attacker would make it), so only the check of keys against events can tell."""
    shutil.copyfile(other / name, backup / name)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"][name] = _sha256(backup / name)
    if rebind:
        manifest["binding"] = json.loads((other / "manifest.json").read_text())["binding"]
    (backup / "manifest.json").write_text(json.dumps(manifest))


def tampered(backup: Path, name: str, content: bytes) -> None:
    """Replace a file of the backup and rewrite its digest in the manifest, so only reading it can tell."""
    (backup / name).write_bytes(content)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"][name] = _sha256(backup / name)
    (backup / "manifest.json").write_text(json.dumps(manifest))


def truncated(path: Path) -> bytes:
    """The file's first pages: a SQLite header promising pages that are not there."""
    return path.read_bytes()[: 4096 * 2]


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda b, o: mix(b, o, "keys/store.key"), "its store key cannot decrypt the events"),
        (
            lambda b, o: mix(b, o, "keys/members.sqlite", rebind=True),
            "member key store is bound to another event store",
        ),
        (lambda b, o: mix(b, o, "keys/members.sqlite"), "member key store is not the one its manifest names"),
        (lambda b, o: shutil.copyfile(o / "events.sqlite", b / "events.sqlite"), "does not match its digest"),
        (lambda b, o: (b / "keys" / "members.sqlite").unlink(), "keys/members.sqlite is missing"),
        (lambda b, o: (b / "manifest.json").write_text("{"), "not a manifest of peerpulse-backup/1"),
        (lambda b, o: tampered(b, "events.sqlite", b"not a database " * 1000), "events.sqlite is not a readable"),
        (lambda b, o: tampered(b, "events.sqlite", truncated(b / "events.sqlite")), "events.sqlite is not a readable"),
    ],
)
def test_restore_refuses_a_backup_that_does_not_match_its_keys(small, tmp_path, damage, expected):
    _, backup = small
    damage(backup, other_programme(tmp_path))
    target = Settings(home=tmp_path / "target")
    assert expected in refused(target, "restore", str(backup))
    assert not target.home.exists() or list(target.home.iterdir()) == []


def test_restore_refuses_a_home_that_is_not_empty_and_changes_nothing(small):
    settings, backup = small
    before = {p: _sha256(p) for p in settings.home.rglob("*") if p.is_file()}
    message = refused(settings, "restore", str(backup))
    assert "is not empty" in message and "--force" in message
    assert {p: _sha256(p) for p in settings.home.rglob("*") if p.is_file()} == before


def test_restore_refuses_a_damaged_ledger_by_file_and_line(small, tmp_path):
    _, backup = small
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text('{"member": "ana", "erased_on": "2026-06-01"}\n{"member": "Ana Ruiz <ana@x>"}\n')
    target = Settings(home=tmp_path / "target")
    message = refused(target, "restore", str(backup), ledger=ledger)
    assert f"the erasure ledger {ledger}, line 2" in message and "Ana Ruiz" not in message
    assert not target.sqlite_path.exists()


def test_erasure_is_not_done_when_the_ledger_cannot_be_kept(small, tmp_path):
    settings, _ = small
    (tmp_path / "a-file").write_text("")
    message = refused(settings, "erase-member", "ana", "--yes", ledger=tmp_path / "a-file" / "ledger.jsonl")
    assert "the erasure ledger" in message
    with open_application(settings) as app:
        assert app.member("ana").name == "Ana Ruiz" and not app.member("ana").erased


# -- PostgreSQL: pg_dump for the events, `peerpulse backup` for the keys (README, "Backups") ------------
def pg(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def test_a_postgres_backup_restored_after_an_erasure_keeps_it(pg_schema, tmp_path):
    url, schema = postgres_url(), pg_schema.rsplit("schema=", 1)[1]
    ledger = tmp_path / "separate-storage" / "erasures.jsonl"
    settings = Settings(home=tmp_path / "home", database_url=pg_schema)
    ok(settings, "import", str(write_jsonl(tmp_path / "north.jsonl", EXAMPLE)), ledger=ledger)
    dump = tmp_path / "events.pgdump"
    pg_dump = ["pg_dump", "--format=custom", f"--schema={schema}", f"--exclude-table={schema}.peerpulse_member_key*"]
    subprocess.run([*pg_dump, f"--file={dump}", url], check=True, timeout=120)
    backup = tmp_path / "keys-backup"
    ok(settings, "backup", str(backup), ledger=ledger)
    assert sorted(p.name for p in backup.rglob("*")) == ["keys", "manifest.json", "members.sqlite", "store.key"]
    key = pg(url, f"SELECT wrapped_key FROM {schema}.peerpulse_member_keys WHERE member = 'ana'")[0][0]
    ok(settings, "erase-member", "ana", "--yes", ledger=ledger)

    pg(url, f"DROP SCHEMA {schema} CASCADE")  # the database is lost; the machine too
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={url}", str(dump)], check=True, timeout=120)
    new_home = Settings(home=tmp_path / "new-home", database_url=pg_schema)
    # Until the keys are restored, the store cannot be opened at all: nobody reads it before the ledger is applied.
    assert "member key store is missing or empty" in refused(new_home, "import", str(tmp_path / "north.jsonl"))
    restored = ok(new_home, "restore", str(backup), ledger=ledger)
    assert "1 of them erased again" in restored.stdout

    rows = pg(url, f"SELECT member, wrapped_key IS NULL FROM {schema}.peerpulse_member_keys ORDER BY member")
    assert rows == [("ana", True), ("bob", False)]
    everything = subprocess.run(
        ["pg_dump", "--format=plain", f"--schema={schema}", url], capture_output=True, check=True, timeout=120
    ).stdout
    assert bytes(key) not in everything and bytes(key).hex().encode() not in everything
    assert files_holding(new_home.home, [bytes(key), b"Ana Ruiz"]) == {}
    with open_application(Settings(home=new_home.home, database_url=pg_schema, erasure_ledger=ledger)) as app:
        assert app.member("ana").erased and app.member("ana").name == ERASED_MEMBER
        assert app.member("bob").name == "Bob Tanaka"
    assert "there are keys already" in refused(new_home, "restore", str(backup), ledger=ledger)


# -- the ledger lists at least every erasure a key store shows ------------------------------------------
def test_an_erasure_made_before_the_ledger_existed_is_listed_when_the_store_opens(small, tmp_path):
    settings, backup = small  # taken before the erasure
    canaries = [b"Ana Ruiz", b"ana@example.org", wrapped_key(settings, "ana")]
    ok(settings, "erase-member", "ana", "--yes")
    settings.ledger_path.unlink()  # as a store erased by a version without the ledger has it
    with open_application(settings):
        pass  # any process opening the store (the dashboards, an import) adds the tombstone to the ledger
    assert [json.loads(line)["member"] for line in settings.ledger_path.read_text().splitlines()] == ["ana"]

    new_home = Settings(home=tmp_path / "new-home")
    assert "1 of them erased again" in ok(new_home, "restore", str(backup), ledger=settings.ledger_path).stdout
    assert files_holding(new_home.home, canaries) == {}


def test_restore_refuses_a_ledger_that_lacks_the_backups_own_erasures(small, tmp_path):
    settings, _ = small
    ok(settings, "erase-member", "ana", "--yes")
    after = tmp_path / "after-the-erasure"
    ok(settings, "backup", str(after))
    target = Settings(home=tmp_path / "target")

    forgotten = refused(target, "restore", str(after))  # PEERPULSE_ERASURE_LEDGER not set: a new, empty ledger
    assert f"the erasure ledger {target.ledger_path} does not exist" in forgotten and "--ledger-lost" in forgotten
    other = tmp_path / "other-programme-ledger.jsonl"
    other.write_text('{"member": "bob", "erased_on": "2026-06-01"}\n')
    assert "does not list 1 member it shows erased" in refused(target, "restore", str(after), ledger=other)
    assert not target.home.exists() or list(target.home.iterdir()) == []
    assert other.read_text() == '{"member": "bob", "erased_on": "2026-06-01"}\n'

    lost = ok(target, "restore", str(after), "--ledger-lost")
    assert "the backup shows 1 erased, now added to the ledger" in lost.stdout
    assert [json.loads(line)["member"] for line in target.ledger_path.read_text().splitlines()] == ["ana"]
    with open_application(target) as app:
        assert app.member("ana").erased and app.member("bob").name == "Bob Tanaka"
