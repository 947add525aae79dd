"""The messages' pure parts, with no server, store or file: when each is due, the settings and their
refusals, the templates (HTML autoescaped, plain text as written), subjects, and the calendar event."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from domain.errors import ConfigurationError
from notifications import config, content, ical, occasions, outbox, sending
from notifications.render import mime, render, subject
from warehouse.queries.facilitator import AtRisk, CheckedIn, FollowUp, NextMeeting, Presenter, TookTheFloor

UTC = UTC
EVIL = "<script>alert('x')</script> & <b>Eve</b>"


def briefing(empty: bool = False, **changes) -> content.Briefing:
    """A briefing as content.briefing makes it: the page's read model, with the names and texts."""
    meeting = NextMeeting(
        group_id="north",
        cadence="weekly",
        meeting_on=date(2026, 7, 7),
        last_held_on=date(2026, 6, 30),
        last_attended=3,
        last_roster_size=4,
        active_members=4,
        follow_ups=(
            FollowUp(
                "eve", "c-1", date(2026, 7, 6), date(2026, 6, 2), True, 1, CheckedIn(date(2026, 7, 1), "at_risk", 4)
            ),
        ),
        check_in_with=(AtRisk("bob", "high", 0.7, 0.55, "consecutive_absences,new_member"),),
        present_next=(Presenter("ana", 4, None, 0.25),),
        took_the_floor=(TookTheFloor("ana", 2.449, date(2026, 6, 30)),),
    )
    if empty:
        meeting = replace(meeting, follow_ups=(), check_in_with=(), present_next=(), took_the_floor=())
    values = dict(
        facilitator_id="kim",
        facilitator="Kim Berg",
        group="North Forum",
        meeting=meeting,
        names={"eve": EVIL, "bob": "Bob Lee", "ana": "Ana Ruiz"},
        texts={"c-1": "Hire a COO <now>"},
        page_url="https://pp.example.org/group_next_meeting",
        preferences_url="https://pp.example.org/my_emails?kind=briefing",
    )
    return content.Briefing(**(values | changes))


# -- when ------------------------------------------------------------------------------------------
def test_a_briefing_is_due_from_hours_before_the_meetings_day_until_it_ends():
    meeting = date(2026, 7, 7)
    at = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731
    assert not occasions.briefing_due(meeting, at(2026, 7, 5, 23, 59), 24)
    assert occasions.briefing_due(meeting, at(2026, 7, 6, 0, 0), 24)
    assert occasions.briefing_due(meeting, at(2026, 7, 7, 23, 59), 24)  # a run that missed it still sends
    assert not occasions.briefing_due(meeting, at(2026, 7, 8, 0, 0), 24)  # never after the meeting's day
    assert not occasions.briefing_due(meeting, at(2026, 7, 6, 12, 0), 6)
    assert occasions.briefing_due(meeting, at(2026, 7, 6, 18, 0), 6)
    assert occasions.briefing_occasion("north", meeting) == "north@2026-07-07"


def test_nudges_look_a_week_ahead_and_skip_what_was_checked_in_on_in_three_days():
    today = date(2026, 7, 6)
    assert occasions.nudge_window(today) == (date(2026, 7, 6), date(2026, 7, 13))
    assert occasions.checked_in_recently(date(2026, 7, 4), today)  # today, yesterday, the day before
    assert not occasions.checked_in_recently(date(2026, 7, 3), today)
    assert not occasions.checked_in_recently(None, today)
    assert occasions.nudge_occasion(today) == "2026-07-06"  # one per member per day


def test_the_digest_is_weekly_from_its_day_on():
    monday, sunday = date(2026, 7, 6), date(2026, 7, 12)
    assert occasions.digest_occasion(monday) == occasions.digest_occasion(sunday) == "2026-W28"
    assert occasions.digest_occasion(sunday + timedelta(days=1)) == "2026-W29"
    assert occasions.digest_due(monday, 0) and not occasions.digest_due(monday, 2)
    assert occasions.digest_due(sunday, 2)  # a week whose Wednesday run failed still gets its digest
    assert occasions.week_of(sunday) == monday


# -- settings --------------------------------------------------------------------------------------
def test_settings_come_from_the_environment_before_the_secrets_file():
    secrets = {"peerpulse": {"mail": {"host": "smtp.file.example", "port": 2525, "starttls": False, "user": "u"}}}
    found = config.read(secrets, {"PEERPULSE_SMTP_HOST": "smtp.env.example", "PEERPULSE_SMTP_PASSWORD": "pw"})
    assert (found.host, found.port, found.starttls, found.user, found.password) == (
        "smtp.env.example",
        2525,
        False,
        "u",
        "pw",
    )
    assert "pw" not in repr(found)
    assert config.read({}, {}).port == 587 and config.read({}, {}).starttls
    assert config.read({}, {"PEERPULSE_DIGEST_WEEKDAY": "Friday"}).digest_weekday == 4
    assert config.read({}, {"PEERPULSE_MAIL_CLAIM_SECONDS": "60"}).claim_seconds == 60 == config.MIN_CLAIM_SECONDS
    assert config.MIN_CLAIM_SECONDS > outbox.TIMEOUT + sending.RECORD_MARGIN  # one whole exchange fits in a claim


@pytest.mark.parametrize(
    "secrets, environ, said",
    [
        ({}, {"PEERPULSE_SMTP_PORT": "smtp"}, "PEERPULSE_SMTP_PORT must be a number"),
        ({}, {"PEERPULSE_SMTP_STARTTLS": "maybe"}, "PEERPULSE_SMTP_STARTTLS must be true or false"),
        ({"peerpulse": {"mail": {"hots": "x"}}}, {}, r"unknown keys \['hots'\]"),
        ({}, {"PEERPULSE_DIGEST_WEEKDAY": "someday"}, "must be one of monday"),
        ({}, {"PEERPULSE_BRIEFING_HOURS": "-1"}, "PEERPULSE_BRIEFING_HOURS must be a number from 0"),
        # a claim that could lapse while its run is still sending: concurrent runs would send it twice
        ({}, {"PEERPULSE_MAIL_CLAIM_SECONDS": "1"}, "PEERPULSE_MAIL_CLAIM_SECONDS must be at least 60 seconds"),
        ({"peerpulse": {"mail": {"claim_seconds": 59.5}}}, {}, r"\[peerpulse.mail\] claim_seconds must be at least 60"),
        ({}, {"PEERPULSE_MAIL_CLAIM_SECONDS": "soon"}, "PEERPULSE_MAIL_CLAIM_SECONDS must be a number from 60"),
    ],
)
def test_a_malformed_setting_names_where_it_was_found(secrets, environ, said):
    with pytest.raises(ConfigurationError, match=said):
        config.read(secrets, environ)


def test_sending_needs_a_server_a_sender_and_the_dashboards_address_and_no_password_in_clear():
    assert len(config.MailConfig().problems()) == 3
    ok = config.MailConfig(host="smtp.example.org", sender="PeerPulse <pp@example.org>", dashboards_url="https://x.org")
    assert ok.problems() == []
    nobody = config.MailConfig(host="h", sender="nobody", dashboards_url="https://x")
    assert "not an email address" in nobody.problems()[0]
    clear = config.MailConfig(
        host="smtp.example.org",
        starttls=False,
        user="u",
        password="p",
        sender="pp@example.org",
        dashboards_url="https://x",
    )
    assert "unencrypted" in clear.problems()[0]
    on_this_machine = config.MailConfig(
        host="127.0.0.1", starttls=False, user="u", password="p", sender="pp@example.org", dashboards_url="https://x"
    )
    assert on_this_machine.problems() == []
    short = replace(ok, claim_seconds=1)  # made in code, not read: still refused before anything is claimed
    assert short.problems() == [
        "PEERPULSE_MAIL_CLAIM_SECONDS must be at least 60 seconds (one exchange with the mail server may take 30): "
        "a shorter claim could lapse while its run is still sending the message, and another run would send it too"
    ]


# -- templates -------------------------------------------------------------------------------------
def test_html_is_autoescaped_and_the_text_part_is_plain():
    rendered = render(briefing())
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "Hire a COO &lt;now&gt;" in rendered.html and "&lt;b&gt;Eve&lt;/b&gt;" in rendered.html
    assert f"- {EVIL}: Hire a COO <now>" in rendered.text  # text is text: nothing to escape
    assert "checked in 1 Jul 2026: 🟠 at risk, confidence 4/10 · overdue, due 6 Jul 2026" in rendered.text
    assert "carried forward 1 time" in rendered.text
    at_risk = (
        "- Bob Lee: 🔴 High risk (55% chance of dropping out within 90 days): missed their last meetings in a row;"
        " joined in the last six months"
    )
    assert at_risk in rendered.text
    assert "- Ana Ruiz: 4 meetings since joining, never presented" in rendered.text
    assert "- Ana Ruiz took 2.4× a fair share on 30 Jun 2026" in rendered.text
    assert "Follow-ups due: 1 (1 overdue) · To check in with: 1 (1 at high risk) · Airtime alerts: 1" in rendered.text


def test_empty_sections_say_so_rather_than_vanish():
    rendered = render(briefing(empty=True))
    assert "No open commitment falls due by 7 Jul 2026." in rendered.text
    assert "Nobody in the group shows signs of drifting away." in rendered.text
    assert "No one took twice a fair share" in rendered.html


def test_a_subject_is_one_line_whatever_a_name_holds():
    assert subject(briefing(group="North\nForum  ")) == "Before North Forum's meeting on Tue 7 Jul 2026"


def test_the_message_has_both_parts_and_the_meeting_attached():
    message = mime(
        briefing(),
        to="kim@example.org",
        to_name="Kim Berg",
        config=config.MailConfig(sender="PeerPulse <pp@example.org>"),
        message_id="<abc.briefing@example.org>",
        now=datetime(2026, 7, 6, 9, tzinfo=UTC),
    )
    kinds = [part.get_content_type() for part in message.walk()]
    assert kinds == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"]
    assert message["To"] == "Kim Berg <kim@example.org>" and message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"] == "<https://pp.example.org/my_emails?kind=briefing>"
    [ics] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert ics.get_filename() == "north-2026-07-07.ics" and ics.get_param("method") == "PUBLISH"
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == date(2026, 7, 7)
    assert str(event["uid"]) == ical.meeting_uid(briefing(), "example.org") == "north-2026-07-07@example.org"
    assert "https://pp.example.org/group_next_meeting" in str(event["description"])
