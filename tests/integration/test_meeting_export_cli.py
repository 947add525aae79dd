"""`peerpulse import-zoom` / `import-teams` run as a facilitator runs them: a process on a data folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from domain.application import open_application
from domain.config import Settings

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PEERPULSE = Path(sys.executable).with_name("peerpulse")

PROGRAMME = [
    {"type": "form_group", "group": "north", "name": "North Forum", "cadence": "monthly", "formed_on": "2025-01-06"},
    {"type": "register_member", "member": "ana", "name": "Ana Ruiz", "email": "ana.ruiz@northforum.example"},
    {"type": "register_member", "member": "ben", "name": "Ben Okafor", "email": "ben@okafor-logistics.example"},
    {"type": "register_member", "member": "chloe", "name": "Chloé Durand", "email": "chloe@durand.example"},
    {"type": "register_member", "member": "dev", "name": "Dev Patel", "email": "dev.patel@patelfoods.example"},
    {"type": "register_member", "member": "emma", "name": "Emma Schmidt", "email": "emma@schmidt.example"},
    {"type": "register_member", "member": "farid", "name": "Farid Haddad", "email": "farid@haddad.example"},
    {"type": "register_member", "member": "grace", "name": "Grace Lee", "email": "grace@peerpulse.example"},
    *(
        {"type": "join_group", "group": "north", "member": m, "joined_on": "2025-01-06"}
        for m in ("ana", "ben", "chloe", "dev", "emma", "farid")
    ),
    {"type": "assign_facilitator", "group": "north", "member": "grace", "assigned_on": "2025-01-06"},
]
MEETING = ["--group", "north", "--meeting", "north-01", "--held-on", "2025-01-13", "--topic", "growth"]


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "home"
    programme = tmp_path / "programme.jsonl"
    programme.write_text("".join(json.dumps(c) + "\n" for c in PROGRAMME), encoding="utf-8")
    run(home, "import", str(programme))
    return home


@pytest.fixture
def aliases(tmp_path) -> Path:
    path = tmp_path / "aliases.csv"
    path.write_text("alias,member\nDev's iPhone,dev\n", encoding="utf-8")
    return path


def run(home: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPULSE_")}
    env["PEERPULSE_HOME"] = str(home)
    done = subprocess.run([str(PEERPULSE), *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == expect, done.stderr
    return done


def stored(home: Path):
    with open_application(Settings(home=home)) as app:
        return app.meeting("north-01"), app.event_count()


def zoom(home: Path, aliases: Path, *extra: str, expect: int = 0) -> subprocess.CompletedProcess:
    return run(
        home,
        "import-zoom",
        *MEETING,
        "--aliases",
        str(aliases),
        *extra,
        str(FIXTURES / "zoom_written" / "per_session_participants.csv"),
        str(FIXTURES / "zoom_written" / "transcript.vtt"),
        expect=expect,
    )


def test_a_dry_run_prints_the_meeting_and_stores_nothing(home, aliases):
    _, events_before = stored(home)
    out = zoom(home, aliases, "--dry-run").stdout
    assert "Dry run: nothing was stored." in out
    assert re.search(r"^  ben +late +\+10:00 +name +11\.1$", out, re.M)
    assert re.search(r"^  emma +absent$", out, re.M)
    assert "Grace Lee <grace@peerpulse.example>" in out  # the facilitator, not a member: listed, not counted
    assert "1 transcript cue with no speaker (2.0 s)" in out
    meeting, events_after = stored(home)
    assert meeting is None and events_after == events_before


def test_a_real_run_records_the_meeting_and_a_second_run_records_nothing_new(home, aliases):
    first = zoom(home, aliases).stdout
    assert "Recorded meeting north-01" in first
    meeting, events = stored(home)
    assert meeting.attendance == {
        "ana": "present",
        "ben": "late",
        "chloe": "present",
        "dev": "present",
        "emma": "absent",
        "farid": "present",
    }
    # to the millisecond the transcript gives (60.25 s stays 60.25 s); rounding is for display only
    assert meeting.speaking_seconds == {"ana": 21.0, "ben": 11.12, "chloe": 4.34, "dev": 13.66, "farid": 0.0}
    assert meeting.format == "virtual"

    again = zoom(home, aliases).stdout
    assert "Nothing new: meeting north-01 is already recorded" in again
    assert stored(home)[1] == events


def test_teams_report_as_downloaded(home, aliases):
    out = run(
        home,
        "import-teams",
        *MEETING,
        "--aliases",
        str(aliases),
        str(FIXTURES / "teams" / "meetingAttendanceReport.csv"),
        str(FIXTURES / "teams" / "transcript.vtt"),
    ).stdout
    assert "Heard in the transcript but missing from the report, recorded present: emma" in out
    meeting, _ = stored(home)
    assert meeting.attendance["emma"] == "present" and meeting.attendance["ben"] == "late"
    assert meeting.speaking_seconds["chloe"] == 18.345  # 52.345 - 34.000: the transcript's milliseconds, kept


def test_a_truncated_file_exits_non_zero_with_file_and_line_and_stores_nothing(home, aliases):
    _, events_before = stored(home)
    report = FIXTURES / "teams" / "truncated_attendanceReport.csv"
    done = run(home, "import-teams", *MEETING, str(report), expect=2)
    assert f"{report}, line 14:" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert stored(home) == (None, events_before)


def test_the_same_meeting_id_with_other_details_is_refused(home, aliases):
    zoom(home, aliases)
    done = run(home, "import-teams", *MEETING, str(FIXTURES / "teams" / "meetingAttendanceReport.csv"), expect=2)
    assert "the meeting was not recorded" in done.stderr and "already recorded with other details" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_group_is_refused_before_anything_is_printed(home):
    done = run(
        home,
        "import-zoom",
        "--group",
        "south",
        "--meeting",
        "south-01",
        "--held-on",
        "2025-01-13",
        "--topic",
        "growth",
        str(FIXTURES / "zoom" / "meeting001_participants.csv"),
        expect=2,
    )
    assert "group 'south' does not exist" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"


@pytest.mark.parametrize("extreme", ["9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+14:00"])
def test_a_time_past_the_calendar_in_a_zoom_report_is_a_plain_error_naming_file_line_and_field(home, tmp_path, extreme):
    _, events_before = stored(home)
    report = tmp_path / "participants.csv"
    report.write_text(
        ZOOM_HEADER
        + "Ana Ruiz,ana.ruiz@northforum.example,2025-01-13T18:01:05+00:00,2025-01-13T19:31:40+00:00,90,No\n"
        + f"Ben Okafor,,{extreme},2025-01-13T19:31:40+00:00,80,No\n",
        encoding="utf-8",
    )
    done = run(home, "import-zoom", *MEETING, str(report), expect=2)
    assert f"{report}, line 3: 'Join Time' is a time out of range" in done.stderr
    assert "Traceback" not in done.stderr and "Overflow" not in done.stderr and done.stdout == ""
    assert stored(home) == (None, events_before)


def test_a_time_past_the_calendar_in_a_teams_report_is_a_plain_error_naming_file_line_and_field(home, tmp_path):
    _, events_before = stored(home)
    text = (FIXTURES / "teams" / "meetingAttendanceReport_saved_as_utf8.csv").read_text(encoding="utf-8-sig")
    moment = re.compile(r'"1/13/25,\s(\d+):(\d\d):(\d\d)\sPM"')  # Teams may write a narrow no-break space
    text = moment.sub(lambda m: f"2025-01-13T{int(m[1]) + 12}:{m[2]}:{m[3]}Z", text)  # every time, in ISO 8601
    text = text.replace("2025-01-13T18:01:05Z", "9999-12-31T23:59:59-10:00", 1)  # Ana's first join, line 12
    report = tmp_path / "Attendance report.csv"
    report.write_text(text, encoding="utf-8")
    done = run(home, "import-teams", *MEETING, str(report), expect=2)
    assert f"{report}, line 12: 'First Join' is a time out of range" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert stored(home) == (None, events_before)
