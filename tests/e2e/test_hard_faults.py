"""Hard faults, as `peerpulse` meets them: a figure no check accepts, a damaged warehouse file, two
materializes at once, a data folder whose path holds a quote. Each ends in a plain message and a true
account of what happened to the serving file, and the figures end equal to a clean rebuild."""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

from domain.application import open_application
from domain.config import Settings
from domain.jsonl import import_file
from domain.model import Meeting
from tests.conftest import PEERPULSE, env_for
from tests.integration.test_application import EXAMPLE, write_jsonl
from tests.support.serving import attached, published_tables

pytestmark = pytest.mark.slow


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PEERPULSE, *args], env=env_for(settings), capture_output=True, text=True, timeout=600)


def published(settings: Settings, sql: str) -> list[tuple]:
    with attached(settings.serving_path) as con:
        return con.execute(sql.replace("FROM ", "FROM s.")).fetchall()


def snapshot(settings: Settings) -> dict[str, list[tuple]]:
    """Every published table, sorted: what two builds must agree on (but when each was published)."""
    shown = {"publication_state": "* EXCLUDE (published_at)"}
    with attached(settings.serving_path) as con:
        return {
            t: sorted(con.execute(f"SELECT {shown.get(t, '*')} FROM s.{t}").fetchall(), key=repr)
            for t in published_tables(con)
        }


@pytest.fixture
def stored(tmp_path) -> Settings:
    settings = Settings(home=tmp_path / "home")
    with open_application(settings) as app:
        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
    return settings


def test_an_impossible_figure_blocks_publication_names_its_rows_and_is_corrected(stored, tmp_path):
    assert run(stored, "materialize").returncode == 0
    published_before = stored.serving_path.stat().st_mtime_ns
    # Seconds no meeting holds, recorded before the bounds existed (written past the command's checks).
    with open_application(stored) as app:
        group = app.group("north")
        meeting = Meeting.hold(
            meeting="north-03",
            group=group,
            held_on="2025-03-10",
            topic="growth",
            format=None,
            attendance={"ana": "present", "bob": "present"},
            speaking_seconds={"ana": 1e308, "bob": 1e308},
            presenters=[],
            guest_speaker=None,
        )
        app.save(meeting)

    failed = run(stored, "materialize")
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert "the previous serving file is unchanged" in failed.stderr
    assert "meeting_airtime / in_range" in failed.stdout and '"meeting_id": "north-03"' in failed.stdout
    assert "record the right seconds with correct_airtime" in failed.stdout
    assert stored.serving_path.stat().st_mtime_ns == published_before  # and that is true

    # erase-member in that state: the erasure is done, the serving file is kept, and it says so truly
    erased = run(stored, "erase-member", "bob", "--yes")
    assert erased.returncode == 2 and "key destroyed" in erased.stdout
    assert "the erasure is done" in erased.stderr and "the figures were not republished" in erased.stderr
    assert stored.serving_path.exists() and stored.serving_path.stat().st_mtime_ns == published_before

    corrections = [
        {"type": "correct_airtime", "meeting": "north-03", "member": m, "seconds": s}
        for m, s in (("ana", 1800), ("bob", 900.5))
    ]
    assert run(stored, "import", str(write_jsonl(tmp_path / "fix.jsonl", corrections))).returncode == 0
    fixed = run(stored, "materialize")
    assert fixed.returncode == 0, fixed.stderr
    assert published(
        stored, "SELECT member_id, seconds FROM meeting_airtime WHERE meeting_id = 'north-03' ORDER BY 1"
    ) == [("ana", 1800.0), ("bob", 900.5)]


def flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in range(len(data) // 3, len(data), max(len(data) // 40, 1)):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(os.urandom(64 * 1024)),
        lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
        flip_bytes,
    ],
    ids=["emptied", "garbage", "truncated", "bit-flipped"],
)
def test_a_damaged_warehouse_is_said_to_be_damaged_and_rebuilt_from_the_events(stored, damage):
    assert run(stored, "materialize").returncode == 0
    clean = snapshot(stored)
    damage(stored.warehouse_path)
    result = run(stored, "materialize")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if "damaged" not in result.stdout:  # a flip may land where nothing is read: the file still serves
        assert damage is flip_bytes
    assert snapshot(stored) == clean


def test_a_second_materialize_is_told_another_one_is_running(stored):
    stored.ensure_home()
    fd = os.open(stored.home / ".materialize.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running materialize holds it
        busy = run(stored, "materialize")
        assert busy.returncode == 2 and "another materialize is running" in busy.stderr
        waited = run(stored, "materialize", "--wait", "0.5")
        assert waited.returncode == 2 and "another materialize is running" in waited.stderr
    finally:
        os.close(fd)
    assert run(stored, "materialize").returncode == 0


def test_a_data_folder_with_a_quote_in_its_path_publishes_and_serves(tmp_path):
    settings = Settings(home=tmp_path / "o'brien's programme" / "home")
    with open_application(settings) as app:
        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
    result = run(settings, "materialize")
    assert result.returncode == 0, result.stderr
    from warehouse.db import ServingReader

    reader = ServingReader(settings.serving_path)
    try:
        assert reader.query("SELECT count(*) AS n FROM meeting_summary")["n"][0] == 2
    finally:
        reader.close()
