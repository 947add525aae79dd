"""Confidentiality, proven on the bytes: nothing personal in clear in any file, and erasure by
crypto-shredding leaves every figure as it was while the person's data is gone for good."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import duckdb
import pytest

from domain.application import open_application
from domain.config import Settings
from domain.model import ERASED_MEMBER
from tests.conftest import PEERPULSE, env_for

TODAY = "2026-06-30"
FIGURES = [
    "meeting_attendance",
    "meeting_airtime",
    "meeting_summary",
    "member_commitments",
    "group_health",
    "retention_curve",
    "dropout_risk",
    "dominance_alerts",
    "member_presenting",
    "group_members",
]


def peerpulse(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PEERPULSE, *args],
        env=env_for(settings) | {"PEERPULSE_TODAY": TODAY},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result


def personal_data(jsonl: Path, member: str) -> list[bytes]:
    """Everything personal about one member, straight from the commands that recorded it."""
    secrets: list[str] = []
    commitments = set()
    for line in jsonl.read_text().splitlines():
        c = json.loads(line)
        if c["type"] == "register_member" and c["member"] == member:
            secrets += [c["name"], c["email"]] + [c[k] for k in ("company", "title") if c.get(k)]
        elif c["type"] == "make_commitment" and c["member"] == member:
            secrets.append(c["text"])
            commitments.add(c["commitment"])
        elif c["type"] == "follow_up" and c["commitment"] in commitments and c.get("note"):
            secrets.append(c["note"])
    # Commitment texts are made from templates, so several members may share one: scan for those
    # that are this member's alone, plus name and email.
    return [s.encode() for s in dict.fromkeys(secrets)]


def files_holding(home: Path, secrets: list[bytes]) -> dict[str, list[bytes]]:
    found = {}
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = [s for s in secrets if s in data or s.lower() in data.lower()]
        if hits:
            found[str(path.relative_to(home))] = hits
    return found


def figures(settings: Settings) -> dict[str, list[tuple]]:
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{settings.serving_path}' AS s (READ_ONLY)")
    con.execute("USE s")
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in FIGURES}
    finally:
        con.close()


@pytest.fixture
def programme(tmp_path) -> tuple[Settings, Path]:
    settings = Settings(home=tmp_path / "home")
    jsonl = tmp_path / "programme.jsonl"
    peerpulse(settings, "seed", "--groups", "3", "--months", "12", "--seed", "4", "--jsonl", str(jsonl))
    peerpulse(settings, "import", str(jsonl))
    peerpulse(settings, "materialize")
    return settings, jsonl


def busiest_member(jsonl: Path) -> str:
    counts: dict[str, int] = {}
    for line in jsonl.read_text().splitlines():
        c = json.loads(line)
        if c["type"] == "make_commitment":
            counts[c["member"]] = counts.get(c["member"], 0) + 1
    return max(counts, key=counts.get)


def unique_secrets(jsonl: Path, member: str) -> list[bytes]:
    """This member's personal data, leaving out texts another member also wrote."""
    mine = personal_data(jsonl, member)
    others = set()
    for line in jsonl.read_text().splitlines():
        c = json.loads(line)
        if c["type"] == "make_commitment" and c["member"] != member:
            others.add(c["text"].encode())
    # Short values ("CEO") occur by chance in megabytes of ciphertext; eight bytes do not.
    return [s for s in mine if s not in others and len(s) >= 8]


def test_nothing_personal_is_in_clear_in_any_file(programme):
    settings, jsonl = programme
    secrets = unique_secrets(jsonl, busiest_member(jsonl))
    assert len(secrets) >= 5
    with open_application(settings) as app:  # the domain can still read them: the key opens them
        member = app.member(busiest_member(jsonl))
        assert member.name.encode() in secrets and member.email.encode() in secrets
    assert files_holding(settings.home, secrets) == {}


def test_erasure_shreds_the_member_everywhere_and_keeps_every_figure(programme):
    settings, jsonl = programme
    member = busiest_member(jsonl)
    secrets = unique_secrets(jsonl, member)
    with sqlite3.connect(settings.key_path.parent / "members.sqlite") as conn:
        wrapped_key = conn.execute("SELECT wrapped_key FROM member_keys WHERE member = ?", [member]).fetchone()[0]
    own_commitments = [
        json.loads(line)["commitment"]
        for line in jsonl.read_text().splitlines()
        if '"make_commitment"' in line and json.loads(line)["member"] == member
    ]
    with open_application(settings) as app:
        assert all(app.commitment(c).text for c in own_commitments)
    before = figures(settings)

    result = peerpulse(settings, "erase-member", member, "--yes")
    assert "key destroyed" in result.stdout and "published" in result.stdout

    assert files_holding(settings.home, secrets + [wrapped_key]) == {}
    assert figures(settings) == before, "erasure changed a figure"
    with open_application(settings) as app:
        erased = app.member(member)
        assert (erased.name, erased.email, erased.company, erased.erased) == (ERASED_MEMBER, None, None, True)
        # The erased member's commitments still replay (dates, outcomes), their texts are gone.
        replayed = [app.commitment(c) for c in own_commitments]
        assert all(c.member == member and c.text is None for c in replayed)
        erasures = [n for n in app.recorder.select_notifications(start=1, limit=10**6) if n.topic == "MemberErased"]
        assert len(erasures) == 1
        recorded = app.mapper.to_domain_event(erasures[0])
        assert recorded.requested_by and recorded.timestamp  # who asked and when; nothing about what
    # Erasing again is harmless and records nothing new.
    again = peerpulse(settings, "erase-member", member, "--yes")
    assert "already recorded" in again.stdout
