"""Meeting exports: real Zoom samples and Teams files written from Microsoft's documented format.

Expected figures are worked out here from the files themselves (a regex over the transcript, or the
cue times copied by hand), never taken from the code under test.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from domain.application import RosterEntry
from domain.meeting_exports.errors import AmbiguousMatchError, ExportFormatError
from domain.meeting_exports.hold_meeting import draft_hold_meeting
from domain.meeting_exports.matching import Aliases, Roster, read_aliases
from domain.meeting_exports.names import name_variants, normalized
from domain.meeting_exports.teams import read_attendance_report, seconds_of
from domain.meeting_exports.vtt import read_cues, read_transcript
from domain.meeting_exports.zoom import read_participants_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ZOOM = FIXTURES / "zoom"  # the real samples, copied unchanged from ../shared/fixtures/zoom
ZOOM_WRITTEN = FIXTURES / "zoom_written"
TEAMS = FIXTURES / "teams"
SHARED_ZOOM = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "zoom"

NORTH = [
    RosterEntry("ana", "Ana Ruiz", "ana.ruiz@northforum.example"),
    RosterEntry("ben", "Ben Okafor", "ben@okafor-logistics.example"),
    RosterEntry("chloe", "Chloé Durand", "chloe@durand.example"),
    RosterEntry("dev", "Dev Patel", "dev.patel@patelfoods.example"),
    RosterEntry("emma", "Emma Schmidt", "emma@schmidt.example"),
    RosterEntry("farid", "Farid Haddad", "farid@haddad.example"),
]
DEV_ALIAS = Aliases({normalized("Dev's iPhone"): "dev"})


def draft(export, roster=NORTH, aliases=DEV_ALIAS):
    return draft_hold_meeting(
        export, roster, aliases, group="north", meeting="north-01", held_on="2025-01-13", topic="growth"
    )


def error_of(read, path: Path) -> ExportFormatError:
    with pytest.raises(ExportFormatError) as caught:
        read(path)
    return caught.value


# -- the real Zoom samples ---------------------------------------------------------------------------


# SHA-256 of the files in ../shared/fixtures/zoom (the upstream samples), taken when they were copied here.
UPSTREAM_SHA256 = {
    "meeting001_participants.csv": "4781499100f1c2de52e56abb41395d3fe8e5b78ae0462622431a998a85ffb1b0",
    "meeting001_transcript.vtt": "15d9936befa58706c43cf3b0478511e9cd2b8a3ebbaf08277c45200e5cd58d6d",
    "LICENSE.md": "5be46e0bf8d512e27bfb2b82428147e8f54a4822bd8476df99dff24e0194ad32",
    "README.md": "50399b0a947cf9129f50b4615d7490564ec7da5515d2548143c79bd78428b2bc",
}


@pytest.mark.parametrize("name", sorted(UPSTREAM_SHA256))
def test_the_in_repo_samples_are_the_upstream_ones_unchanged(name):
    import hashlib

    assert hashlib.sha256((ZOOM / name).read_bytes()).hexdigest() == UPSTREAM_SHA256[name]
    if SHARED_ZOOM.is_dir():  # beside the shared folder, compare with it directly too
        assert (ZOOM / name).read_bytes() == (SHARED_ZOOM / name).read_bytes()


def independent_speaker_ms(text: str) -> dict[str, int]:
    """Per speaker label, the sum of cue durations: a plain regex over the file, nothing shared."""

    def ms(h, m, s, f):
        return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)

    cue = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\r?\n([^\r\n]*)")
    totals: dict[str, int] = defaultdict(int)
    for *times, words in cue.findall(text):
        label = words.split(": ", 1)[0] if ": " in words else "UNIDENTIFIED"
        totals[label] += ms(*times[4:]) - ms(*times[:4])
    return dict(totals)


def test_meeting001_transcript_holds_300_utterances_from_6_speaker_labels():
    transcript = read_transcript(ZOOM / "meeting001_transcript.vtt")
    labels = set(transcript.speaker_labels) | ({"UNIDENTIFIED"} if transcript.unattributed_cues else set())
    assert transcript.cue_count == 300
    assert len(labels) == 6


def test_meeting001_speaker_seconds_are_the_sums_of_their_cues():
    expected = independent_speaker_ms((ZOOM / "meeting001_transcript.vtt").read_text(encoding="utf-8-sig"))
    transcript = read_transcript(ZOOM / "meeting001_transcript.vtt")
    assert dict(transcript.speaking_ms) == {k: v for k, v in expected.items() if k != "UNIDENTIFIED"}
    assert transcript.unattributed_ms == expected["UNIDENTIFIED"]
    assert transcript.unattributed_cues == 2


@pytest.mark.parametrize("number, start", [(1, "09/24/2020"), (2, "09/27/2020"), (3, "09/30/2020")])
def test_zoom_one_row_per_person_layout_with_a_byte_order_mark(number, start):
    export = read_participants_report(ZOOM / f"meeting00{number}_participants.csv")
    assert export.started_at == datetime.strptime(f"{start} 11:35:16 AM", "%m/%d/%Y %I:%M:%S %p")
    assert len(export.participants) == 10
    first = export.participants[0]
    assert (first.name, first.emails, first.seconds_in_meeting, first.line) == (
        "Andrew Knight",
        ("knightap@wustl.edu",),
        75 * 60,
        5,
    )
    by_name = {p.name: p for p in export.participants}
    assert by_name["John Lennon"].emails == ()
    assert by_name["Eric's iPad (Clapton)"].seconds_in_meeting == 57 * 60
    assert all(p.first_join is None for p in export.participants)  # this layout has no join times


def test_meeting001_who_is_who_with_emails_names_accents_and_an_alias():
    roster = [
        RosterEntry("paul", "James Paul McCartney", "paul@gmail.com"),  # email only
        RosterEntry("george", "george   HARRISON", "gh@elsewhere.example"),  # name, case and spacing
        RosterEntry("ringo", "Richard Starkey", "ringorocks@beatles.org"),  # email in another case
        RosterEntry("eric", "Éric Clapton", "ec@elsewhere.example"),  # accent
        RosterEntry("mal", "Mal Evans", "mal@elsewhere.example"),
    ]
    export = read_participants_report(ZOOM / "meeting001_participants.csv")
    export = export.with_transcript(read_transcript(ZOOM / "meeting001_transcript.vtt"))
    aliases = Aliases({normalized("Eric's iPad (Clapton)"): "eric"})
    result = draft(export, roster, aliases)
    assert result.attendance == {
        "paul": "present",
        "george": "present",
        "ringo": "present",
        "eric": "present",
        "mal": "absent",
    }
    assert {m: result.matched_by[m] for m in ("paul", "george", "ringo", "eric")} == {
        "paul": "email",
        "george": "name",
        "ringo": "email",
        "eric": "name",
    }
    assert [p.name for p in result.not_on_roster] == [
        "Andrew Knight",
        "John Lennon",
        "George Martin",
        "Yoko Ono",
        "Peter Best",
    ]
    spoken = independent_speaker_ms((ZOOM / "meeting001_transcript.vtt").read_text(encoding="utf-8-sig"))
    assert result.speaking_seconds == {
        "paul": spoken["Paul McCartney"] / 1000,
        "george": spoken["George Harrison"] / 1000,
        "ringo": spoken["Ringo Starr"] / 1000,
        "eric": 0.0,
    }
    assert {p.name for p in result.speakers_not_on_roster} == {"Andrew Knight", "John Lennon"}
    assert (result.unattributed_cues, result.cue_count) == (2, 300)


# -- Zoom, one row per session ----------------------------------------------------------------------


def test_zoom_per_session_layout_folds_reconnects_and_reads_extra_columns():
    export = read_participants_report(ZOOM_WRITTEN / "per_session_participants.csv")
    at = lambda clock: datetime(2025, 1, 13, *map(int, clock.split(":")))  # noqa: E731
    assert export.started_at == at("17:58:12")
    people = {p.name: p for p in export.participants}
    assert list(people) == [
        "Grace Lee",
        "Ana Ruiz",
        "Farid Haddad",
        "Dev's iPhone",
        "Chloe  Durand",
        "Ben Okafor (Ben O.)",
        "Sam Taylor",
    ]
    assert (people["Ana Ruiz"].first_join, people["Ana Ruiz"].seconds_in_meeting) == (at("18:01:05"), (40 + 50) * 60)
    ben = people["Ben Okafor (Ben O.)"]
    assert (ben.first_join, ben.seconds_in_meeting) == (at("18:08:12"), (47 + 35) * 60)
    # Waiting to be admitted is arriving, not attending; someone never admitted is not there at all.
    assert (people["Farid Haddad"].first_join, people["Farid Haddad"].seconds_in_meeting) == (at("17:59:00"), 83 * 60)
    assert "+1 555 0100" not in people


def test_zoom_meeting_with_transcript_becomes_one_hold_meeting():
    export = read_participants_report(ZOOM_WRITTEN / "per_session_participants.csv")
    export = export.with_transcript(read_transcript(ZOOM_WRITTEN / "transcript.vtt"))
    result = draft(export)
    assert result.command.as_dict() == {
        "type": "hold_meeting",
        "group": "north",
        "meeting": "north-01",
        "held_on": "2025-01-13",
        "topic": "growth",
        "format": "virtual",
        "attendance": {
            "ana": "present",
            "ben": "late",  # 18:08:12 is exactly 10 minutes after 17:58:12
            "chloe": "present",  # 18:08:11, one second short of late
            "dev": "present",
            "emma": "absent",
            "farid": "present",
        },
        "speaking_seconds": {
            "ana": ((29750 - 13000) + (3724250 - 3720000)) / 1000,
            "ben": (41120 - 30000) / 1000,
            "chloe": (63340 - 59000) / 1000,
            "dev": (58660 - 45000) / 1000,  # labelled "Dev's iPhone": the report's participant, aliased
            "farid": 0.0,
        },
    }
    assert [p.name for p in result.not_on_roster] == ["Grace Lee", "Sam Taylor"]
    assert [(p.name, p.seconds_spoken) for p in result.speakers_not_on_roster] == [
        ("Grace Lee", 12.500 - 5.000),
        ("Sam Taylor", 70.000 - 64.000),
    ]
    assert (result.unattributed_cues, result.unattributed_seconds) == (1, 2.0)


def test_without_the_alias_a_device_name_is_listed_and_its_owner_absent():
    export = read_participants_report(ZOOM_WRITTEN / "per_session_participants.csv")
    result = draft(export, aliases=Aliases.none())
    assert result.attendance["dev"] == "absent"
    assert "Dev's iPhone" in [p.name for p in result.not_on_roster]
    assert "speaking_seconds" not in result.command.as_dict()  # no transcript, no airtime claimed


def test_without_a_start_time_the_first_join_is_the_start(tmp_path):
    report = tmp_path / "participants.csv"
    report.write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Ana Ruiz,,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,60\n"
        "Ben Okafor,,01/13/2025 06:09:59 PM,01/13/2025 07:00:00 PM,51\n"
        "Farid Haddad,,01/13/2025 06:10:00 PM,01/13/2025 07:00:00 PM,50\n",
        encoding="utf-8",
    )
    result = draft(read_participants_report(report))
    assert [result.attendance[m] for m in ("ana", "ben", "farid")] == ["present", "present", "late"]


# -- Microsoft Teams ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["meetingAttendanceReport.csv", "meetingAttendanceReport_saved_as_utf8.csv"])
def test_teams_attendance_report_as_downloaded_and_as_saved_from_a_spreadsheet(name):
    raw = (TEAMS / name).read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE if name == "meetingAttendanceReport.csv" else codecs.BOM_UTF8)
    export = read_attendance_report(TEAMS / name)
    at = lambda clock: datetime(2025, 1, 13, *map(int, clock.split(":")))  # noqa: E731
    assert export.started_at == at("17:58:12")
    assert [(p.name, p.first_join, p.seconds_in_meeting, p.line) for p in export.participants] == [
        ("Grace Lee", at("17:58:12"), 1 * 3600 + 33 * 60 + 28, 11),
        ("Ana Ruiz", at("18:01:05"), 1 * 3600 + 27 * 60 + 51, 12),
        ("Ben Okafor", at("18:08:12"), 1 * 3600 + 23 * 60 + 28, 13),
        ("Chloe Durand (Guest)", at("18:08:11"), 45 * 60 + 3, 14),
        ("Farid Haddad", at("17:59:00"), 1 * 3600 + 32 * 60 + 40, 15),
        ("Dev's iPhone", at("18:03:40"), 30, 16),
        ("Sam Taylor (External)", at("18:15:00"), 45 * 60, 17),
    ]
    emails = {p.name: p.emails for p in export.participants}
    assert emails["Ben Okafor"] == ("ben@okafor-logistics.example",)  # only the UPN column has it
    assert emails["Chloe Durand (Guest)"] == ()


@pytest.mark.parametrize(
    "text, seconds",
    [("1h 27m 51s", 5271), ("45m 3s", 2703), ("30s", 30), ("45m", 2700), ("2h", 7200), ("1h 0m 5s", 3605)],
)
def test_teams_durations(text, seconds):
    assert seconds_of(text) == seconds


@pytest.mark.parametrize("text", ["", "1:27:51", "about an hour", "5 s m"])
def test_teams_durations_that_are_not(text):
    assert seconds_of(text) is None


def test_teams_meeting_with_transcript_becomes_one_hold_meeting():
    export = read_attendance_report(TEAMS / "meetingAttendanceReport.csv")
    export = export.with_transcript(read_transcript(TEAMS / "transcript.vtt"))
    result = draft(export)
    assert result.attendance == {
        "ana": "present",
        "ben": "late",  # matched by the Participant ID (UPN)
        "chloe": "present",  # "Chloe Durand (Guest)" against "Chloé Durand"
        "dev": "present",  # the alias
        "emma": "present",  # not in the report, but heard in the transcript
        "farid": "present",  # email in capitals
    }
    assert result.matched_by == {
        "ana": "email",
        "ben": "email",
        "chloe": "name",
        "dev": "alias",
        "emma": "transcript",
        "farid": "email",
    }
    assert result.heard_but_not_in_report == ("emma",)
    assert result.speaking_seconds == {
        "ana": ((19250 - 7000) + (33000 - 31500) + (3605130 - 3600000)) / 1000,
        "ben": ((31040 - 19900) + (85900 - 85000)) / 1000,
        "chloe": (52345 - 34000) / 1000,
        "dev": (80000 - 71000) / 1000,  # the speaker label is the roster name
        "emma": (84600 - 81000) / 1000,
        "farid": (70010 - 56000) / 1000,
    }
    assert [p.name for p in result.not_on_roster] == ["Grace Lee", "Sam Taylor (External)"]
    assert [(p.name, p.seconds_spoken) for p in result.speakers_not_on_roster] == [("Grace Lee", (5500 + 4000) / 1000)]
    assert (result.unattributed_cues, result.unattributed_seconds, result.cue_count) == (1, 2.5, 12)


def test_the_utf8_save_records_the_same_meeting_as_the_download():
    downloaded = draft(read_attendance_report(TEAMS / "meetingAttendanceReport.csv"))
    saved = draft(read_attendance_report(TEAMS / "meetingAttendanceReport_saved_as_utf8.csv"))
    assert saved.command == downloaded.command


def test_teams_transcript_cues_over_several_lines_keep_their_text():
    cues = read_cues(TEAMS / "transcript.vtt")
    ben = cues[2]
    assert (ben.speakers, ben.line, ben.start_ms, ben.end_ms) == (("Ben Okafor",), 13, 19_900, 31_040)
    assert ben.text.count("\n") == 2


# -- files cut short or not what they claim -----------------------------------------------------------


@pytest.mark.parametrize(
    "read, path, line",
    [
        (read_participants_report, ZOOM_WRITTEN / "truncated_participants.csv", 11),
        (read_attendance_report, TEAMS / "truncated_attendanceReport.csv", 14),
        (read_transcript, TEAMS / "truncated_transcript.vtt", 12),
        (read_transcript, ZOOM_WRITTEN / "truncated_transcript.vtt", 60),
    ],
)
def test_a_truncated_file_is_an_error_naming_the_file_and_line(read, path, line):
    error = error_of(read, path)
    assert (error.path, error.line) == (path, line)
    assert str(error).startswith(f"{path}, line {line}: ")
    assert "truncated" in str(error)


def test_utf16_cut_in_the_middle_of_a_character(tmp_path):
    report = tmp_path / "report.csv"
    report.write_bytes((TEAMS / "meetingAttendanceReport.csv").read_bytes()[:-1])
    assert "ends in the middle of a character" in str(error_of(read_attendance_report, report))


def test_teams_report_missing_whole_rows_is_caught_by_the_summary_count(tmp_path):
    text = (TEAMS / "meetingAttendanceReport.csv").read_bytes().decode("utf-16")
    cut = text[: text.index("Sam Taylor (External)")]  # ends on a line boundary, in section 2
    report = tmp_path / "report.csv"
    report.write_bytes(codecs.BOM_UTF16_LE + cut.encode("utf-16-le"))
    error = error_of(read_attendance_report, report)
    assert error.line == 3  # where the summary says how many attended
    assert "counts 7 participants but section 2 lists 6" in str(error)


def test_teams_report_cut_before_its_participants(tmp_path):
    text = (TEAMS / "meetingAttendanceReport.csv").read_bytes().decode("utf-16")
    report = tmp_path / "report.csv"
    report.write_bytes(codecs.BOM_UTF16_LE + text[: text.index("2. Participants")].encode("utf-16-le"))
    assert "truncated" in str(error_of(read_attendance_report, report))


def test_a_row_with_an_unterminated_quote(tmp_path):
    report = tmp_path / "participants.csv"
    report.write_text(
        'Name (Original Name),User Email,Total Duration (Minutes)\nAna Ruiz,,60\n"Ben Okafor,,51\n', encoding="utf-8"
    )
    error = error_of(read_participants_report, report)
    assert error.line == 3 and "not valid CSV" in str(error)


@pytest.mark.parametrize(
    "content, line, reason",
    [
        ("Name (Original Name),User Email,Total Duration (Minutes)\nAna Ruiz,,sixty\n", 2, "not a number of minutes"),
        ("Name (Original Name),User Email,Total Duration (Minutes)\n,,60\n", 2, "'Name (Original Name)' is empty"),
        ("Name (Original Name),User Email,Total Duration (Minutes)\nAna Ruiz,,60,,extra\n", 2, "more columns"),
        (
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
            "Ana Ruiz,,01/13/2025 06:00:00 PM,01/13/2025 07:00:00 PM,60\n"
            "Ben Okafor,,the evening,01/13/2025 07:00:00 PM,51\n",
            3,
            "not a date and time",
        ),
        ("Name (Original Name),User Email,Total Duration (Minutes)\n", 1, "lists no participants"),
        ("Just some notes,about a meeting\n", None, "not a Zoom participants report"),
    ],
)
def test_zoom_report_errors_name_the_line(tmp_path, content, line, reason):
    report = tmp_path / "participants.csv"
    report.write_text(content, encoding="utf-8")
    error = error_of(read_participants_report, report)
    assert error.line == line
    assert reason in str(error)


def test_a_file_in_a_legacy_encoding_is_refused_with_its_line(tmp_path):
    report = tmp_path / "participants.csv"
    report.write_bytes(b"Name (Original Name),User Email,Total Duration (Minutes)\nRen\xe9 Dupont,,60\n")
    error = error_of(read_participants_report, report)
    assert error.line == 2 and "not UTF-8 or UTF-16" in str(error)


def test_a_missing_file(tmp_path):
    assert str(error_of(read_participants_report, tmp_path / "nope.csv")).endswith("nope.csv: no such file")


# -- WebVTT ------------------------------------------------------------------------------------------


def write_vtt(tmp_path, text: str) -> Path:
    path = tmp_path / "transcript.vtt"
    path.write_text(text, encoding="utf-8")
    return path


def test_vtt_both_speaker_styles_notes_and_settings(tmp_path):
    path = write_vtt(
        tmp_path,
        "WEBVTT - exported\n\nNOTE written by hand\nover two lines\n\n"
        "00:01.000 --> 00:03.500 align:start position:10%\nAna Ruiz: first line\nsecond line\n\n"
        "cue-2\n00:04.000 --> 00:05.000\n<v.loud Ben Okafor>Loud.</v>\n\n"
        "00:06.000 --> 00:10.000\n<v Ana Ruiz>Yes.</v> <v Ben Okafor>Agreed.</v>\n\n"
        "00:11.000 --> 00:12.000\n10:30 works for me\n\n"
        "00:13.000 --> 00:13.250\n<v Farid &amp; co>Hi</v>\n",
    )
    cues = read_cues(path)
    assert [c.speakers for c in cues] == [
        ("Ana Ruiz",),
        ("Ben Okafor",),
        ("Ana Ruiz", "Ben Okafor"),
        (),
        ("Farid & co",),
    ]
    transcript = read_transcript(path)
    # a cue with two voices is shared, not credited twice
    assert dict(transcript.speaking_ms) == {"Ana Ruiz": 2500 + 2000, "Ben Okafor": 1000 + 2000, "Farid & co": 250}
    assert (transcript.unattributed_cues, transcript.unattributed_ms) == (1, 1000)


@pytest.mark.parametrize(
    "text, line, reason",
    [
        ("1\n00:00:01.000 --> 00:00:02.000\nAna: hi\n", 1, "first line must be 'WEBVTT'"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nAna: hi\n", 3, "ends before it starts"),
        ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n", 4, "has no text"),
        ("WEBVTT\n\n1\nAna: hi\n", 3, "expected a cue timing line"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:61.000\nAna: hi\n", 3, "malformed"),
        ("WEBVTT\n\nNOTE nothing else\n", None, "holds no cues"),
    ],
)
def test_vtt_errors_name_the_line(tmp_path, text, line, reason):
    error = error_of(read_transcript, write_vtt(tmp_path, text))
    assert error.line == line
    assert reason in str(error)


# -- who is who ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shown, roster_name",
    [
        ("Chloe Durand", "Chloé Durand"),
        ("CHLOÉ   durand", "Chloé Durand"),
        ("Dev Patel (Dev's iPhone)", "Dev Patel"),
        ("Guest 4 (Dev Patel)", "Dev Patel"),
        ("Sean O’Brien", "Sean O'Brien"),
    ],
)
def test_names_that_are_the_same_person(shown, roster_name):
    assert normalized(roster_name) in name_variants(shown)


def test_email_comes_before_name():
    roster = Roster(
        [RosterEntry("ana", "Ana Ruiz", "ana@a.example"), RosterEntry("ana2", "Ana Ruiz", "other@a.example")],
        Aliases.none(),
    )
    match = roster.identify("Ana Ruiz", ["OTHER@a.example"], path=Path("r.csv"), line=7)
    assert (match.member, match.by) == ("ana2", "email")


def test_an_ambiguous_name_is_an_error_listing_member_ids_not_names():
    roster = Roster(
        [RosterEntry("ana", "Ana Ruiz", "ana@a.example"), RosterEntry("ana-r", "ANA RUIZ", "other@a.example")],
        Aliases.none(),
    )
    with pytest.raises(AmbiguousMatchError) as caught:
        roster.identify("Ana Ruiz", ["ana.personal@b.example"], path=Path("r.csv"), line=7)
    message = str(caught.value)
    assert message.startswith("r.csv, line 7: ") and "(ana, ana-r)" in message and "--aliases" in message
    assert "Ruiz" not in message and "@" not in message


def test_a_name_pair_matching_two_members_is_ambiguous():
    roster = Roster([RosterEntry("a", "Ana Ruiz", ""), RosterEntry("b", "Ben Okafor", "")], Aliases.none())
    with pytest.raises(AmbiguousMatchError) as caught:
        roster.identify("Ana Ruiz (Ben Okafor)", path=Path("r.csv"), line=3)
    assert caught.value.candidates == ("a", "b")


def test_an_alias_settles_an_ambiguous_name(tmp_path):
    aliases_file = tmp_path / "aliases.csv"
    aliases_file.write_text("alias,member\nAna Ruiz,ana-r\n", encoding="utf-8")
    roster = Roster(
        [RosterEntry("ana", "Ana Ruiz", "ana@a.example"), RosterEntry("ana-r", "Ana Ruiz", "o@a.example")],
        read_aliases(aliases_file),
    )
    match = roster.identify("ana ruiz", path=Path("r.csv"), line=2)
    assert (match.member, match.by) == ("ana-r", "alias")


def test_an_alias_for_someone_not_on_this_roster_matches_nobody():
    roster = Roster(NORTH, Aliases({normalized("Old Phone"): "someone-who-left"}))
    assert roster.identify("Old Phone", path=Path("r.csv"), line=2) is None


@pytest.mark.parametrize(
    "content, line, reason",
    [
        ("alias,member\nDev's iPhone\n", 2, "'alias,member id'"),
        ("Dev's iPhone,dev patel\n", 1, "member id must be"),
        ("Dev's iPhone,dev\ndev's   iphone,ana\n", 2, "already given to another member"),
    ],
)
def test_aliases_file_errors_name_the_line(tmp_path, content, line, reason):
    aliases_file = tmp_path / "aliases.csv"
    aliases_file.write_text(content, encoding="utf-8")
    error = error_of(read_aliases, aliases_file)
    assert error.line == line and reason in str(error)


def test_aliases_file_with_a_byte_order_mark_comments_and_quotes(tmp_path):
    aliases_file = tmp_path / "aliases.csv"
    aliases_file.write_bytes(codecs.BOM_UTF8 + b"# device names\n\"Eric's iPad (Clapton)\",eric\nDev's iPhone,dev\n")
    assert read_aliases(aliases_file).members == {"eric's ipad (clapton)": "eric", "dev's iphone": "dev"}


def test_a_speaker_who_is_two_participants_of_different_members_is_ambiguous(tmp_path):
    report = tmp_path / "participants.csv"
    report.write_text(
        "Name (Original Name),User Email,Total Duration (Minutes)\nSam (Ana Ruiz),,60\nSam (Ben Okafor),,60\n",
        encoding="utf-8",
    )
    vtt = write_vtt(tmp_path, "WEBVTT\n\n00:01.000 --> 00:02.000\nSam: hello\n")
    export = read_participants_report(report).with_transcript(read_transcript(vtt))
    with pytest.raises(AmbiguousMatchError) as caught:
        draft(export)
    assert (caught.value.path, caught.value.line, caught.value.candidates) == (vtt, 3, ("ana", "ben"))
