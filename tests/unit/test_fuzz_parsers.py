"""Property-based fuzzing of everything that reads a user's file: under any input, the outcome is either
a result or a refusal with a plain message (CommandError, ExportFormatError), never another exception.

Hypothesis generates the inputs: arbitrary text and bytes, JSON objects shaped like commands, and the
real export files mutated (bytes flipped, cut short, text spliced in). The budget is bounded so CI
spends seconds here, not minutes.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.commands import COMMANDS
from domain.errors import CommandError
from domain.jsonl import parse_lines
from domain.meeting_exports.errors import ExportFormatError
from domain.meeting_exports.teams import read_attendance_report
from domain.meeting_exports.vtt import read_transcript
from domain.meeting_exports.zoom import read_participants_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BUDGET = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

FIELD_NAMES = sorted({f.name for cls in COMMANDS.values() for f in fields(cls)})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
commandish = st.fixed_dictionaries(
    {"type": st.sampled_from(sorted(COMMANDS)) | json_values},
    optional={name: json_values | st.text(max_size=12) | st.dates().map(str) for name in FIELD_NAMES},
)


def parses_or_refuses(lines: list[str]) -> None:
    try:
        list(parse_lines(lines, "fuzz.jsonl"))
    except CommandError as e:
        assert str(e).startswith("fuzz.jsonl, line ")


@BUDGET
@given(st.lists(st.text(max_size=200), max_size=5))
def test_any_text_is_parsed_or_refused(lines):
    parses_or_refuses(lines)


@BUDGET
@given(st.lists(commandish, min_size=1, max_size=3))
def test_any_command_shaped_object_is_parsed_or_refused(objects):
    parses_or_refuses([json.dumps(o, allow_nan=True) for o in objects])


def mutated(original: bytes):
    """The original file with a few bytes flipped, a cut, or text spliced in somewhere."""
    position = st.integers(min_value=0, max_value=max(len(original) - 1, 0))
    flip = st.tuples(position, st.integers(0, 255)).map(
        lambda pb: original[: pb[0]] + bytes([pb[1]]) + original[pb[0] + 1 :]
    )
    cut = position.map(lambda p: original[:p])
    splice = st.tuples(position, st.text(max_size=40)).map(
        lambda pt: original[: pt[0]] + pt[1].encode("utf-8", "surrogatepass") + original[pt[0] :]
    )
    return st.one_of(flip, cut, splice, st.binary(max_size=300))


def reads_or_refuses(reader, tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_bytes(data)
    try:
        reader(path)
    except ExportFormatError as e:
        assert str(e).startswith(str(path))


ZOOM = (FIXTURES / "zoom_written" / "per_session_participants.csv").read_bytes()
TEAMS = (FIXTURES / "teams" / "meetingAttendanceReport.csv").read_bytes()
TEAMS_UTF8 = (FIXTURES / "teams" / "meetingAttendanceReport_saved_as_utf8.csv").read_bytes()
VTT = (FIXTURES / "zoom_written" / "transcript.vtt").read_bytes()
TEAMS_VTT = (FIXTURES / "teams" / "transcript.vtt").read_bytes()


@BUDGET
@given(data=mutated(ZOOM))
def test_any_zoom_report_is_read_or_refused(tmp_path, data):
    reads_or_refuses(read_participants_report, tmp_path, ".csv", data)


@BUDGET
@given(data=mutated(TEAMS) | mutated(TEAMS_UTF8))
def test_any_teams_report_is_read_or_refused(tmp_path, data):
    reads_or_refuses(read_attendance_report, tmp_path, ".csv", data)


@BUDGET
@given(data=mutated(VTT) | mutated(TEAMS_VTT))
def test_any_transcript_is_read_or_refused(tmp_path, data):
    reads_or_refuses(read_transcript, tmp_path, ".vtt", data)


@BUDGET
@given(
    data=st.tuples(
        st.sampled_from(["1e308", "inf", "-0", "1" * 500, "nan", "9" * 5000, "1e-400", "0x10"]),
        st.sampled_from(["Duration (Minutes)"]),
    )
)
def test_zoom_minutes_of_any_size_are_read_or_refused(tmp_path, data):
    minutes, _ = data
    header = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    row = f"Ana Ruiz,ana@example.org,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,{minutes},No\n"
    reads_or_refuses(read_participants_report, tmp_path, ".csv", (header + row).encode())
