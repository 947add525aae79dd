"""The incremental refresh rebuilds only what new events touched, and its figures are exactly a clean
rebuild's: a seeded programme arrives in random batches (groups interleaved, corrections and follow-ups of
old meetings, members leaving and coming back, an erasure, members of no group), each batch refreshed by
partition, and after each one every model and every published table equals a rebuild from nothing."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from domain.application import open_application
from domain.config import Settings
from domain.jsonl import commands_from
from pipelines.refresh import refresh
from synthetic import generate_programme
from warehouse import incremental
from warehouse.db import sql_string
from warehouse.models import models, published

AS_OF = date(2026, 6, 30)
GROUP = re.compile(r"\b(g\d{4})-")


def group_of(command: dict) -> str | None:
    if command.get("group"):
        return command["group"]
    for value in command.values():
        if isinstance(value, str) and (found := GROUP.match(value)):
            return found[1]
    return None


def interleaved(commands: list[dict], rng: random.Random) -> list[dict]:
    """The commands with the groups' histories shuffled into one another, each group's kept in order (and
    whatever belongs to no group first), as a real programme's events arrive."""
    first = [c for c in commands if group_of(c) is None]
    queues: dict[str, list[dict]] = {}
    for command in commands:
        if (group := group_of(command)) is not None:
            queues.setdefault(group, []).append(command)
    out = list(first)
    while queues:
        group = rng.choice(sorted(queues))
        take = rng.randint(1, 12)
        out += queues[group][:take]
        del queues[group][:take]
        if not queues[group]:
            del queues[group]
    return out


def later_changes(store: Settings) -> list[list[dict]]:
    """What arrives after the history: a check-in, corrections of old meetings, a leave and a return, and
    two people who join no group."""
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH {sql_string(store.serving_path)} AS s (READ_ONLY)")
    meeting, member = con.execute(
        "SELECT meeting_id, member_id FROM s.meeting_attendance WHERE status = 'absent' ORDER BY 1, 2 LIMIT 1"
    ).fetchone()
    aired, speaker = con.execute(
        "SELECT meeting_id, member_id FROM s.meeting_airtime ORDER BY held_on, 1, 2 LIMIT 1"
    ).fetchone()
    leaver, group, last_met = con.execute(  # leaves after the group's last meeting, comes back at the as-of day
        "SELECT member_id, group_id, (SELECT max(held_on) FROM s.meeting_summary WHERE group_id = m.group_id) "
        "FROM s.group_members m WHERE active ORDER BY 2, 1 LIMIT 1"
    ).fetchone()
    open_commitment, maker = con.execute(
        "SELECT commitment_id, member_id FROM s.member_commitments WHERE status = 'open' ORDER BY 1 LIMIT 1"
    ).fetchone()
    con.close()
    return [  # each list one refresh
        [
            {
                "type": "check_in",
                "check_in": "k-1",
                "commitment": open_commitment,
                "member": maker,
                "checked_in_on": str(AS_OF),
                "progress": "at_risk",
                "confidence": 6,
            },
            {"type": "correct_attendance", "meeting": meeting, "member": member, "status": "excused"},
        ],
        [{"type": "correct_airtime", "meeting": aired, "member": speaker, "seconds": 4321}],
        [
            {
                "type": "leave_group",
                "group": group,
                "member": leaver,
                "left_on": str(last_met + timedelta(days=1)),
                "reason": "dropped_out",
            },
            {"type": "join_group", "group": group, "member": leaver, "joined_on": str(AS_OF)},
        ],
        [
            {"type": "register_member", "member": "newcomer", "name": "New Comer", "email": "new@example.org"},
            {"type": "register_member", "member": "another", "name": "An Other", "email": "other@example.org"},
        ],
    ]


def apply(settings: Settings, commands: list[dict], source: str) -> None:
    with open_application(settings) as app:
        app.apply_commands(commands_from(commands, source), source)


def tables(path: Path, names: list[str]) -> dict[str, list[tuple]]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {sql_string(path)} AS w (READ_ONLY)")
        found = {}
        for name in names:
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'w' AND table_name = ? "
                    "ORDER BY ordinal_position",
                    [name],
                ).fetchall()
                if c != "published_at"
            ]
            found[name] = sorted(con.execute(f"SELECT {', '.join(columns)} FROM w.{name}").fetchall(), key=repr)
        return found
    finally:
        con.close()


def clean_rebuild(store: Settings, into: Path, daily_from: Path | None = None) -> Settings:
    """A rebuild from nothing of the store's events; with `daily_from`, the models declared `refresh: daily`
    are taken from that warehouse instead of rebuilt: what the store's own refreshes read all day."""
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(mode=0o700)
    shutil.copy(store.sqlite_path, into / "events.sqlite")
    shutil.copytree(store.key_path.parent, into / "keys")
    clean = Settings(home=into)
    with _daily_models_from(daily_from):
        refresh(clean, as_of=AS_OF, full=True, say=lambda _: None)
    return clean


@contextmanager
def _daily_models_from(warehouse: Path | None) -> Iterator[None]:
    if warehouse is None:
        yield
        return
    daily = [name for name, model in models().items() if model.daily]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        frames = {name: con.sql(f"FROM {name}").pl() for name in daily}
    finally:
        con.close()
    whole = incremental._Builder._whole

    def taken(builder, model, sql=None):
        if not model.daily or sql is not None:
            return whole(builder, model, sql)
        builder.con.register("daily_rows", frames[model.name])
        return whole(builder, model, "FROM daily_rows")

    incremental._Builder._whole = taken
    try:
        yield
    finally:
        incremental._Builder._whole = whole


def assert_same_as_a_clean_rebuild(store: Settings, tmp_path: Path, daily_too: bool = False) -> None:
    """Every model and every published table as a rebuild from nothing makes them. Those declared
    `refresh: daily` (rebuilt by whole refreshes only) are compared after a whole refresh (`daily_too`);
    before it, the rebuild reads the store's own daily tables, as the store's refreshes do."""
    clean = clean_rebuild(store, tmp_path / "clean", daily_from=None if daily_too else store.warehouse_path)
    every_model = [name for name, model in models().items() if daily_too or not model.daily]
    ours, theirs = tables(store.warehouse_path, every_model), tables(clean.warehouse_path, every_model)
    for name in every_model:
        assert ours[name] == theirs[name], f"{name} differs from a clean rebuild"
    served = [name for name in published() if name in every_model]
    assert tables(store.serving_path, served) == tables(clean.serving_path, served)


@pytest.fixture
def programme_in_batches(tmp_path) -> tuple[Settings, list[list[dict]]]:
    rng = random.Random(20261130)
    commands = [c for batch in generate_programme(groups=5, months=9, seed=5, until=AS_OF) for c in batch]
    commands = interleaved(commands, rng)
    batches, start = [], 0
    while start < len(commands):  # a few single events among batches of a meeting or many
        size = rng.choice([1, 60, 250, 400])
        batches.append(commands[start : start + size])
        start += size
    return Settings(home=tmp_path / "home"), batches


def test_random_batches_refreshed_by_partition_equal_a_clean_rebuild(programme_in_batches, tmp_path):
    store, batches = programme_in_batches
    apply(store, batches[0], "batch 0")
    first = refresh(store, as_of=AS_OF, say=lambda _: None)
    assert first.models.full and first.published.whole
    compared = 0
    for number, batch in enumerate(batches[1:], start=1):
        apply(store, batch, f"batch {number}")
        done = refresh(store, as_of=AS_OF, say=lambda _: None)
        assert done.passed, [o.what_to_do for o in done.failed_checks]
        assert not done.models.full, done.models.reason
        assert done.models.groups <= 5
        if number % 3 == 2 or number == len(batches) - 1:
            assert_same_as_a_clean_rebuild(store, tmp_path)
            compared += 1
    assert compared >= 3

    for number, changes in enumerate(later_changes(store)):
        apply(store, changes, f"change {number}")
        done = refresh(store, as_of=AS_OF, say=lambda _: None)
        assert done.passed and not done.models.full, (done.models.reason, [o.what_to_do for o in done.failed_checks])
    with open_application(store) as app:
        app.erase_member("newcomer", requested_by="test")
    erased = refresh(store, as_of=AS_OF, say=lambda _: None)
    assert erased.models.groups == 0 and erased.published is not None  # only publication_state moved
    assert_same_as_a_clean_rebuild(store, tmp_path)  # after the later changes and the erasure

    assert refresh(store, as_of=AS_OF, full=True, say=lambda _: None).models.full
    assert_same_as_a_clean_rebuild(store, tmp_path, daily_too=True)


def test_a_quiet_store_rebuilds_and_publishes_nothing(programme_in_batches):
    store, batches = programme_in_batches
    apply(store, [c for batch in batches for c in batch], "all")
    refresh(store, as_of=AS_OF, say=lambda _: None)
    identity = store.serving_path.stat().st_ino, store.serving_path.stat().st_mtime_ns
    again = refresh(store, as_of=AS_OF, say=lambda _: None)
    assert again.models.nothing_to_do and again.published is None
    assert (store.serving_path.stat().st_ino, store.serving_path.stat().st_mtime_ns) == identity
    next_day = refresh(store, as_of=date(2026, 7, 1), say=lambda _: None)
    assert next_day.models.full and "as-of day changed" in next_day.models.reason
