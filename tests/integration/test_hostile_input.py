"""Hostile input, as an adversarial tester fed it: every refusal is one plain message naming the file,
line and field, a non-zero exit, nothing stored, and never a traceback. Each case here broke a promise
of the product before it was fixed (issue 13)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from domain.application import open_application
from domain.config import Settings
from entrypoints.cli import main
from tests.conftest import PEERPULSE, env_for
from tests.integration.test_application import EXAMPLE, write_jsonl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MEMBERS = EXAMPLE[:6]  # a group, two members (ana, bob), their joins and a facilitator


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PEERPULSE, *args], env=env_for(settings), capture_output=True, text=True, timeout=300)


def events_in(settings: Settings) -> int:
    with open_application(settings) as app:
        return app.event_count()


def refused(settings: Settings, capsys, *args: str) -> str:
    """Run `peerpulse ARGS` in this process; it must refuse with exit code 2. Returns stderr."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PEERPULSE_HOME", str(settings.home))
        code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    return err


# -- JSONL -----------------------------------------------------------------------------------------
def line(**command) -> str:
    return json.dumps(command)


REGISTER = {"type": "register_member", "member": "zoe", "email": "zoe@example.org"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[" * 100_000 + "]" * 100_000, "line 1: command: is nested deeper than any command"),
        ('{"type": ["form_group"], "group": "g"}', "line 1: field 'type': must be one of form_group"),
        ('{"type": {"a": 1}, "group": "g"}', "line 1: field 'type': must be one of form_group"),
        (
            '{"type": "rate_meeting", "meeting": "m", "member": "a", "score": ' + "9" * 4400 + "}",
            "line 1: command: holds an integer of more than 30 digits",
        ),
        (
            '{"type": "register_member", "member": "zoe", "name": "Zo\\ud800e", "email": "zoe@example.org"}',
            "line 1: field 'name': is not valid Unicode text",
        ),
        ('{"type": "register_member", "type": "form_group", "member": "zoe"}', "line 1: field 'type': appears twice"),
        (line(**REGISTER, name="Zo\u0000e"), "line 1: field 'name': must not contain control characters"),
        (line(**REGISTER, name="Zoe\x1b[2J"), "line 1: field 'name': must not contain control characters"),
        (line(**REGISTER, name="Zoe\u2028Smith"), "line 1: field 'name': must be one line"),
        (line(**REGISTER, name="Ana\u202eziuR"), "line 1: field 'name': must not contain invisible or direction"),
        (line(**REGISTER, name="Ana\u200b Ruiz"), "line 1: field 'name': must not contain invisible or direction"),
        (
            '{"type": "rate_meeting", "meeting": "m", "member": "a", "score": NaN}',
            "line 1: command: holds NaN, which is not a JSON number",
        ),
        (
            '{"type": "hold_meeting", "group": "g", "meeting": "m", "held_on": "2025-01-13", "topic": "growth", '
            '"speaking_seconds": {"ana": 1e308}}',
            "line 1: field 'speaking_seconds': entry for 'ana' must be at most 86400",
        ),
        (
            '{"type": "hold_meeting", "group": "g", "meeting": "m", "held_on": "2025-01-13", "topic": "growth", '
            '"speaking_seconds": {"ana": 1e999}}',
            "line 1: command: holds a number too large to be finite",
        ),
    ],
    ids=[
        "deep-nesting",
        "type-list",
        "type-object",
        "huge-integer",
        "lone-surrogate",
        "duplicate-type",
        "nul",
        "escape-codes",
        "line-separator",
        "rtl-override",
        "zero-width",
        "nan",
        "absurd-seconds",
        "infinite-seconds",
    ],
)
def test_a_hostile_line_is_refused_with_file_line_and_field(tmp_path, capsys, text, expected):
    settings = Settings(home=tmp_path / "home")
    path = tmp_path / "hostile.jsonl"
    path.write_text(text + "\n")
    err = refused(settings, capsys, "import", str(path))
    assert f"{path}, {expected}" in err
    assert events_in(settings) == 0


def test_a_line_holding_u2028_or_u0085_is_one_line_and_later_line_numbers_hold(tmp_path, capsys):
    settings = Settings(home=tmp_path / "home")
    path = tmp_path / "names.jsonl"
    named = [dict(c) for c in EXAMPLE[:8]]
    named[7]["text"] = "Hire a COO\u2028then a CFO\u0085by June"  # line breaks inside a text, in one JSONL line
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in named) + '{"type":"fly"}\n')
    err = refused(settings, capsys, "import", str(path))
    assert f"{path}, line {len(named) + 1}: field 'type'" in err


def test_a_commitment_by_an_erased_member_is_refused_plainly(tmp_path, capsys):
    settings = Settings(home=tmp_path / "home")
    with open_application(settings) as app:
        app.apply_commands([], "nothing")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PEERPULSE_HOME", str(settings.home))
        assert main(["import", str(write_jsonl(tmp_path / "programme.jsonl", EXAMPLE[:9]))]) == 0
    with open_application(settings) as app:
        app.erase_member("ana", requested_by="test")
        before = app.event_count()
    later = {
        "type": "make_commitment",
        "commitment": "c-002",
        "member": "ana",
        "meeting": "north-01",
        "text": "Something new",
        "due_on": "2025-03-01",
    }
    err = refused(settings, capsys, "import", str(write_jsonl(tmp_path / "later.jsonl", [later])))
    assert "line 1: field 'member': member 'ana' was erased" in err
    assert events_in(settings) == before


def test_a_file_without_end_is_read_up_to_a_limit(tmp_path, capsys, monkeypatch):
    import domain.jsonl

    monkeypatch.setattr(domain.jsonl, "MAX_FILE_BYTES", 1024 * 1024)  # the limit, scaled down for the test
    settings = Settings(home=tmp_path / "home")
    err = refused(settings, capsys, "import", "/dev/zero")
    assert "/dev/zero: the file is larger than 1 MiB" in err


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_bytes("\n".join(json.dumps(c) for c in MEMBERS).encode("utf-16-be")),
        lambda p: p.write_bytes("\n".join(json.dumps(c) for c in MEMBERS).encode("utf-16")),
        lambda p: p.mkdir(),
    ],
    ids=["utf-16-be-without-bom", "utf-16-with-bom", "a-directory"],
)
def test_a_file_that_is_not_utf8_text_says_what_it_is(tmp_path, capsys, make):
    settings = Settings(home=tmp_path / "home")
    path = tmp_path / "odd.jsonl"
    make(path)
    err = refused(settings, capsys, "import", str(path))
    assert str(path) in err
    assert "UTF-16 text; save it as UTF-8" in err or "cannot read the file" in err


def test_an_unknown_field_with_escape_codes_is_printed_escaped(tmp_path):
    settings = Settings(home=tmp_path / "home")
    path = tmp_path / "escape.jsonl"
    path.write_text('{"type": "rate_meeting", "meeting": "m", "member": "a", "score": 1, "\\u001b[31mred": 1}\n')
    result = run(settings, "import", str(path))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr
    assert "field '\\x1b[31mred': is not a field of rate_meeting" in result.stderr


# -- meeting exports -------------------------------------------------------------------------------
ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
PROGRAMME = [
    {"type": "form_group", "group": "north", "name": "North Forum", "cadence": "monthly", "formed_on": "2025-01-06"},
    {"type": "register_member", "member": "ana", "name": "Ana Ruiz", "email": "ana@example.org"},
    {"type": "join_group", "group": "north", "member": "ana", "joined_on": "2025-01-06"},
]
MEETING = ["--group", "north", "--meeting", "north-01", "--held-on", "2025-01-13", "--topic", "growth"]


@pytest.fixture
def north(tmp_path) -> Settings:
    settings = Settings(home=tmp_path / "home")
    with open_application(settings) as app:
        from domain.jsonl import import_file

        import_file(app, write_jsonl(tmp_path / "north.jsonl", PROGRAMME))
    return settings


@pytest.mark.parametrize("minutes", ["inf", "1e308", "-1", "nan", "1441"])
def test_zoom_durations_that_no_meeting_has_are_refused(north, tmp_path, capsys, minutes):
    report = tmp_path / "participants.csv"
    report.write_text(
        ZOOM_HEADER + f"Ana Ruiz,ana@example.org,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,{minutes},No\n"
    )
    before = events_in(north)
    err = refused(north, capsys, "import-zoom", *MEETING, str(report))
    assert f"{report}, line 2: 'Duration (Minutes)' is not a number of minutes" in err
    assert events_in(north) == before


@pytest.mark.parametrize("hours", ["4" * 400, "4" * 5000, "25"])
def test_teams_durations_of_absurd_hours_are_refused(north, tmp_path, capsys, hours):
    original = (FIXTURES / "teams" / "meetingAttendanceReport_saved_as_utf8.csv").read_text(encoding="utf-8-sig")
    report = tmp_path / "attendance.csv"
    report.write_text(original.replace("1h 27m 51s", f"{hours}h 27m 51s", 1), encoding="utf-8")
    err = refused(north, capsys, "import-teams", *MEETING, str(report))
    assert f"{report}, line" in err and "is not a duration like" in err


@pytest.mark.parametrize("end", ["4" * 306 + ":00:00.000", "99:00:00.000"])
def test_a_transcript_cue_ending_days_later_is_refused(north, tmp_path, capsys, end):
    report = tmp_path / "participants.csv"
    report.write_text(ZOOM_HEADER + "Ana Ruiz,ana@example.org,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,60,No\n")
    transcript = tmp_path / "transcript.vtt"
    transcript.write_text(f"WEBVTT\n\n1\n00:00:01.000 --> {end}\nAna Ruiz: Hello\n")
    err = refused(north, capsys, "import-zoom", *MEETING, str(report), str(transcript))
    assert f"{transcript}, line 4: " in err


def test_overlapping_cues_of_one_speaker_count_once(north, tmp_path, capsys):
    report = tmp_path / "participants.csv"
    report.write_text(ZOOM_HEADER + "Ana Ruiz,ana@example.org,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,60,No\n")
    transcript = tmp_path / "transcript.vtt"
    cues = "".join(f"{n}\n00:00:{n:02d}.000 --> 00:00:{n + 10:02d}.500\nAna Ruiz: again\n\n" for n in range(1, 31))
    transcript.write_text("WEBVTT\n\n" + cues)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PEERPULSE_HOME", str(north.home))
        assert main(["import-zoom", *MEETING, str(report), str(transcript)]) == 0
    with open_application(north) as app:
        assert app.meeting("north-01").speaking_seconds == {"ana": 39.5}  # 0:01.000 to 0:40.500, not 30 × 10.5 s


def test_an_alias_for_a_member_nobody_registered_is_an_error(north, tmp_path, capsys):
    report = tmp_path / "participants.csv"
    report.write_text(ZOOM_HEADER + "Ana's iPad,,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,60,No\n")
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,member\nAna's iPad,ana\nBen's phone,benn\n")
    err = refused(north, capsys, "import-zoom", *MEETING, "--aliases", str(aliases), str(report))
    assert f"{aliases}, line 3: no member 'benn' is registered" in err


def test_guest_names_with_escape_codes_are_printed_escaped(north, tmp_path):
    report = tmp_path / "participants.csv"
    report.write_text(
        ZOOM_HEADER + "Ana Ruiz,ana@example.org,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,60,No\n"
        "\x1b]0;owned\x07Mallory,,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,60,Yes\n"
    )
    result = run(north, "import-zoom", *MEETING, "--dry-run", str(report))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b]0;owned\\x07Mallory" in result.stdout


# -- keys and files --------------------------------------------------------------------------------
@pytest.fixture
def stored(tmp_path) -> Settings:
    settings = Settings(home=tmp_path / "home")
    with open_application(settings) as app:
        from domain.jsonl import import_file

        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
    return settings


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda p: p.write_bytes(os.urandom(64)), "is not a base64 AES key"),
        (lambda p: (p.unlink(), p.mkdir()), "is not a file"),
        (lambda p: p.chmod(0o644), "can be read by other users of this machine: run `chmod 600"),
    ],
    ids=["binary", "directory", "world-readable"],
)
def test_a_damaged_or_exposed_store_key_is_refused_at_startup(stored, damage, expected):
    damage(stored.key_path)
    for command in (["import", "/dev/null"], ["materialize"], ["erase-member", "ana", "--yes"]):
        result = run(stored, *command)
        assert result.returncode == 3, (command, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(os.urandom(4096)),
        lambda p: (p.unlink(), p.mkdir()),
    ],
    ids=["garbage", "directory"],
)
def test_a_damaged_member_key_store_is_refused_at_startup(stored, damage):
    damage(stored.member_keys_path)
    result = run(stored, "import", "/dev/null")
    assert result.returncode == 3
    assert "the member key store" in result.stderr and "Traceback" not in result.stderr


def test_a_member_key_store_from_another_event_store_is_refused(tmp_path):
    key = "A" * 43 + "="
    first, second = (Settings(home=tmp_path / name, store_key=key) for name in ("first", "second"))
    for settings, programme in ((first, EXAMPLE), (second, EXAMPLE[:3])):
        with open_application(settings) as app:
            from domain.jsonl import import_file

            import_file(app, write_jsonl(tmp_path / f"{settings.home.name}.jsonl", programme))
    second.member_keys_path.write_bytes(first.member_keys_path.read_bytes())
    with pytest.raises(Exception) as refused_:
        open_application(second).__enter__()
    assert "belongs to another event store" in str(refused_.value)


def test_a_lost_member_key_is_not_silently_replaced(stored, tmp_path):
    import sqlite3

    with sqlite3.connect(stored.member_keys_path) as conn:
        conn.execute("DELETE FROM member_keys WHERE member = 'ana'")
    later = {
        "type": "make_commitment",
        "commitment": "c-009",
        "member": "ana",
        "meeting": "north-02",
        "text": "Something new",
        "due_on": "2025-04-01",
    }
    result = run(stored, "import", str(write_jsonl(tmp_path / "later.jsonl", [later])))
    assert result.returncode == 3
    assert "no key for member 'ana' in the member key store" in result.stderr


def test_every_file_under_home_is_for_its_owner_only(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)  # made by hand, open to others: PeerPulse tightens it
    settings = Settings(home=home)
    assert run(settings, "import", str(write_jsonl(tmp_path / "example.jsonl", EXAMPLE))).returncode == 0
    assert run(settings, "materialize").returncode == 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    found = [p for p in home.rglob("*")]
    assert {p.name for p in found} >= {
        "events.sqlite",
        "store.key",
        "members.sqlite",
        "warehouse.duckdb",
        "serving.duckdb",
    }
    for path in found:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_a_missing_store_key_is_refused_by_every_command_with_a_plain_message(stored):
    stored.key_path.unlink()
    for command, expected in (
        (["import", "/dev/null"], "its key is missing"),
        (["materialize"], "no store key"),
        (["erase-member", "ana", "--yes"], "its key is missing"),
    ):
        result = run(stored, *command)
        assert result.returncode == 3, (command, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr
    assert not stored.key_path.exists()  # and no new key was made for a store that holds events
