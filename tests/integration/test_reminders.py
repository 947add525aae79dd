"""Briefings, nudges and the lead's digest, sent to a real SMTP server on loopback (aiosmtpd) and read back
with the standard `email` package: who gets what, the figures against the serving file, the calendar
event, no names for a lead, preferences, erasure, a rerun that sends nothing, refusals that leave nothing
marked sent, bad settings said plainly, and two runs at once that send each message once.

The programme: North (weekly) met last on Tue 30 Jun 2026, so its next meeting is expected Tue 7 Jul;
South (monthly) on 15 Jun, expected 15 Jul. Figures are published as of Sun 5 Jul; the run is at
Mon 6 Jul 09:00, in North's briefing window (24 h before its day) and on the digest's day.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from icalendar import Calendar

from domain.application import Actor, open_application
from domain.commands import SetMessagePreference
from domain.config import Settings
from domain.errors import ConfigurationError
from domain.jsonl import import_file
from notifications.config import MailConfig
from notifications.outbox import MailServerError, SmtpOutbox
from notifications.sending import send_reminders
from tests.conftest import free_port
from tests.integration.programmes import Programme
from tests.mailbox import Mailbox, mailbox
from warehouse.db import ServingReader

AS_OF = date(2026, 7, 5)
NOW = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)
LEAD = "lead@example.org"
BY = Actor("user:test", "mail")
GROUP_NAMES = {"north": "Group north", "south": "Group south"}


def programme() -> Programme:
    p = Programme().group("north", "2026-05-01", cadence="weekly").group("south", "2026-05-01")
    p.facilitator("north", "kim", "2026-05-01").facilitator("south", "lee", "2026-05-01")
    for member in ("ana", "bob", "cy", "dee"):
        p.join("north", member, "2026-05-01")
    p.join("south", "eve", "2026-05-01")
    everyone = {m: "present" for m in ("ana", "bob", "cy", "dee")}
    p.meeting("north", "n-0", "2026-05-26", everyone, {"ana": 300, "bob": 300, "cy": 300, "dee": 300})
    without_bob = everyone | {"bob": "absent"}  # bob misses 3 of his 5 meetings: at risk of dropping out
    p.meeting("north", "n-1", "2026-06-09", without_bob, {"ana": 300, "cy": 300, "dee": 300}, ["ana"])
    p.meeting("north", "n-2", "2026-06-16", everyone, {"ana": 300, "bob": 300, "cy": 300, "dee": 300}, ["cy"])
    p.meeting("north", "n-3", "2026-06-23", without_bob, {"ana": 900, "cy": 100, "dee": 100})
    p.meeting("north", "n-4", "2026-06-30", without_bob, {"ana": 900, "cy": 100, "dee": 100}, ["dee"])
    p.commit("c-bob-0", "bob", "n-2", "2026-06-29")  # overdue by the next meeting: the briefing follows it up
    p.commit("c-bob-1", "bob", "n-2", "2026-07-08")
    p.commit("c-cy-0", "cy", "n-3", "2026-07-01")  # cy is erased: in nobody's message
    for commitment, member, due in (
        ("c-ana-1", "ana", "2026-07-07"),  # nudged, and followed up at the meeting
        ("c-ana-2", "ana", "2026-07-10"),  # checked in on 4 Jul (published): not nudged
        ("c-dee-1", "dee", "2026-07-08"),  # checked in on 30 Jun, a week ago: nudged
        ("c-dee-2", "dee", "2026-07-09"),  # checked in on 6 Jul, after publication: not nudged
        ("c-dee-3", "dee", "2026-07-20"),  # not due within the week
        ("c-cy-1", "cy", "2026-07-09"),
    ):
        p.commit(commitment, member, "n-4", due)
    p.check_in("k-1", "c-ana-2", "ana", "2026-07-04", "on_track", 8)
    p.check_in("k-2", "c-dee-1", "dee", "2026-06-30", "at_risk", 4)
    p.check_in("k-3", "c-dee-2", "dee", "2026-07-06", "on_track", 9)
    p.meeting("south", "s-1", "2026-06-15", {"eve": "present"})
    p.commit("c-eve-1", "eve", "s-1", "2026-07-10")
    for command in p.commands:  # distinct texts, to find each in the messages
        if command["type"] == "make_commitment":
            command["text"] = f"Text of {command['commitment']}"
    return p


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The programme imported and published once; each test works on a copy of its data folder."""
    return published_with_cy_erased(tmp_path_factory.mktemp("reminders")).home


def published_with_cy_erased(folder: Path) -> Settings:
    """The programme imported into a new store in `folder` as `peerpulse import` would, cy erased, published."""
    settings = Settings(home=folder / "home")
    path = folder / "programme.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in programme().commands))
    with open_application(settings) as app:
        import_file(app, path)
        app.erase_member("cy", requested_by="test")
    publish(settings)
    return settings


def publish(settings: Settings) -> None:
    from pipelines.refresh import refresh

    refresh(settings, as_of=AS_OF, full=True, say=lambda _: None)


@pytest.fixture
def settings(published, tmp_path) -> Settings:
    home = tmp_path / "home"
    shutil.copytree(published, home)
    (home / "warehouse.duckdb").unlink()
    return Settings(home=home)


def config(box: Mailbox, **changes) -> MailConfig:
    values = {
        "host": box.host,
        "port": box.port,
        "starttls": False,
        "sender": "PeerPulse <peerpulse@example.org>",
        "dashboards_url": "https://peerpulse.example.org",
    }
    return MailConfig(**(values | changes))


def run(settings: Settings, box: Mailbox, now: datetime = NOW, **changes):
    mail = config(box, **changes)
    outbox = SmtpOutbox(mail)
    reader = ServingReader(settings.serving_path)
    try:
        with open_application(settings) as app:
            return send_reminders(app, reader, mail, [LEAD], now, outbox, by=BY)
    finally:
        reader.close()
        outbox.close()


def serving(settings: Settings, sql: str, *params) -> list[tuple]:
    con = duckdb.connect(str(settings.serving_path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def texts(*commitments: str) -> set[str]:
    return {f"Text of {c}" for c in commitments}


def test_each_message_goes_to_the_one_person_entitled_to_it(settings):
    with mailbox() as box:
        report = run(settings, box)
    assert [(r.to, r.kind) for r in box.received] == [
        (["kim@example.org"], "briefing"),  # North meets within a day; South's meeting is ten days off
        ([LEAD], "digest"),
        (["ana@example.org"], "nudge"),
        (["bob@example.org"], "nudge"),
        (["dee@example.org"], "nudge"),
        (["eve@example.org"], "nudge"),
    ]
    assert report.sent == {"briefing": 1, "digest": 1, "nudge": 4}
    for received in box.received:  # both parts, always; a link to turn this kind off in each
        assert received.message.get_content_type() in ("multipart/mixed", "multipart/alternative")
        assert received.text.strip() and received.html.strip()
        assert f"https://peerpulse.example.org/my_emails?kind={received.kind}" in received.text
        assert f'href="https://peerpulse.example.org/my_emails?kind={received.kind}"' in received.html
        assert received.message["From"] == "PeerPulse <peerpulse@example.org>"
    # an erased member receives nothing and is in nobody's message: not their name, not their texts
    everything = "\n".join(r.text + r.html for r in box.received)
    assert "Member cy" not in everything and not texts("c-cy-0", "c-cy-1") & set(everything.split("\n"))
    assert "Text of c-cy" not in everything


def test_the_briefing_holds_the_pages_figures_and_the_meeting(settings):
    with mailbox() as box:
        run(settings, box)
    [briefing] = box.of("briefing")
    assert briefing.message["Subject"] == "Before Group north's meeting on Tue 7 Jul 2026"
    assert briefing.message["To"] == "Member kim <kim@example.org>"
    text = briefing.text
    # 1. follow-ups: the open commitments due by the meeting, as the serving file has them (cy's left out)
    due = serving(
        settings,
        "SELECT commitment_id FROM member_commitments WHERE group_id = 'north' AND status = 'open' "
        "AND due_on <= DATE '2026-07-07' ORDER BY due_on",
    )
    assert [c for (c,) in due] == ["c-bob-0", "c-cy-0", "c-ana-1"]
    section = text.split("1. Follow up these commitments")[1].split("2. Check in with")[0]
    assert [line for line in section.splitlines() if line.startswith("- ")] == [
        "- Member bob: Text of c-bob-0",
        "- Member ana: Text of c-ana-1",
    ]
    assert "overdue, due 29 Jun 2026, made 16 Jun 2026" in section
    assert "Follow-ups due: 2 (1 overdue)" in text
    # 2. check in with: dropout risk as published, with its reasons in words
    risk = dict(serving(settings, "SELECT member_id, level FROM dropout_risk WHERE group_id = 'north'"))
    assert risk["bob"] in ("medium", "high")
    # too little history to fit a score on: the share of the last 6 meetings missed stands in for it
    assert "- Member bob: 🟠 Medium risk (missed 60% of their last 6 meetings): has missed many of their" in text
    # 3. who should present: the longest since presenting first (bob and ana presented least recently)
    since = dict(serving(settings, "SELECT member_id, meetings_since_presented FROM member_presenting"))
    assert f"- Member bob: {since['bob']} meetings since joining, never presented" in text
    assert f"- Member ana: {since['ana']} meetings since presenting (9 Jun 2026)" in text
    # 4. airtime: ana took the floor at the last two meetings (900 s of 1100 among three: 2.5x a fair share)
    ratios = serving(
        settings, "SELECT held_on, dominance_ratio FROM dominance_alerts WHERE member_id = 'ana' AND recent"
    )
    assert ratios and all(round(r, 1) == 2.5 for _, r in ratios)
    assert "- Member ana took 2.5× a fair share on 30 Jun 2026" in text
    assert "https://peerpulse.example.org/group_next_meeting" in text
    # the meeting as an iCalendar event: an all-day event on the expected day
    [ics] = [p for p in briefing.message.walk() if p.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == date(2026, 7, 7) and event.decoded("dtend") == date(2026, 7, 8)
    assert str(event["summary"]) == "Group north: next meeting"
    assert str(event["uid"]) == "north-2026-07-07@example.org"


def test_the_html_part_says_what_the_text_part_says(settings):
    with mailbox() as box:
        run(settings, box)
    [briefing] = box.of("briefing")
    assert "<strong>Member bob</strong>: Text of c-bob-0" in briefing.html
    assert "<strong>Member ana</strong> took 2.5× a fair share on 30 Jun 2026" in briefing.html
    assert "Follow-ups due</div><div" in briefing.html and ">2</div>" in briefing.html


def test_a_nudge_lists_what_falls_due_this_week_unless_checked_in_lately(settings):
    with mailbox() as box:
        run(settings, box)
    nudges = {r.to[0]: r for r in box.of("nudge")}
    assert texts("c-ana-1") <= set(nudges["ana@example.org"].text.replace("- ", "").splitlines())
    assert "Text of c-ana-2" not in nudges["ana@example.org"].text  # checked in on 4 Jul (published)
    dee = nudges["dee@example.org"].text
    assert "Text of c-dee-1" in dee  # checked in a week ago: reminded
    assert "Text of c-dee-2" not in dee  # checked in this morning, after the figures were published
    assert "Text of c-dee-3" not in dee  # due in two weeks
    assert nudges["dee@example.org"].message["Subject"] == "Your commitments: 1 commitment due by 8 Jul 2026"
    assert "due Wed 8 Jul 2026 (in 2 days) · last checked in 30 Jun 2026" in dee
    assert "Text of c-eve-1" in nudges["eve@example.org"].text and "Group south" in nudges["eve@example.org"].text
    assert all("Text of c-eve" not in r.text for to, r in nudges.items() if to != "eve@example.org")


def test_the_lead_digest_names_groups_and_counts_never_a_person(settings):
    with mailbox() as box:
        run(settings, box)
    [digest] = box.of("digest")
    assert digest.message["Subject"] == "PeerPulse weekly digest, week of 6 Jul 2026"
    everything = digest.text + digest.html
    for member in ("ana", "bob", "cy", "dee", "eve", "kim", "lee"):
        assert f"Member {member}" not in everything and f"{member}@" not in everything
        assert not re.search(rf"\b{member}\b", everything), member  # not even an id
    assert "Text of" not in everything
    high, medium = serving(
        settings,
        "SELECT sum(high_risk_members), sum(medium_risk_members) FROM group_portfolio WHERE active_members > 0",
    )[0]
    assert f"Dropout risk: {high} members at high risk" in digest.text and f"{medium} at medium risk" in digest.text
    survival = dict(
        serving(settings, "SELECT month, survival FROM retention_curve WHERE scope = 'programme' AND cohort = 'all'")
    )
    assert f"3 months: {round(survival[3] * 100)}%" in digest.text
    [chart] = [p for p in digest.message.walk() if p.get_content_type() == "image/png"]
    assert chart.get_content().startswith(b"\x89PNG") and chart["Content-ID"] == "<retention-chart@peerpulse>"
    assert 'src="cid:retention-chart@peerpulse"' in digest.html


def test_a_rerun_sends_nothing_and_a_kind_turned_off_is_not_sent(settings):
    with open_application(settings) as app:
        app.apply_commands([SetMessagePreference(member="bob", kind="nudge", wanted=False)], "test")
    with mailbox() as box:
        first = run(settings, box)
        again = run(settings, box, now=NOW + timedelta(hours=2))
    assert first.turned_off == 1 and "bob@example.org" not in [t for r in box.received for t in r.to]
    assert len(box.received) == 5 and sum(again.sent.values()) == 0
    assert again.already_sent == 5 and again.turned_off == 1
    with mailbox() as box:  # the next day: a new day's nudges, no second briefing or digest
        run(settings, box, now=NOW + timedelta(days=1))
    assert [r.to for r in box.received] == [["ana@example.org"], ["dee@example.org"], ["eve@example.org"]]


def test_an_address_the_server_refuses_is_not_marked_sent_and_goes_next_time(settings):
    with mailbox(refuse={"ana@example.org"}) as box:
        report = run(settings, box)
    assert report.refused == ["nudge-2026-07-06-member_ana"] and len(box.received) == 5
    with open_application(settings) as app:
        assert not app.message("member:ana", "nudge", "2026-07-06").sent
    with mailbox() as box:
        run(settings, box)
    assert [r.to for r in box.received] == [["ana@example.org"]]


def test_a_server_that_fails_mid_batch_stops_the_run_and_keeps_what_was_sent(settings):
    with mailbox(fail_data_after=2) as box, pytest.raises(MailServerError, match=r"refused .*\(451\).*2 sent"):
        run(settings, box)
    assert [r.kind for r in box.received] == ["briefing", "digest"]
    with mailbox() as box:  # the next run sends the rest, and only the rest
        run(settings, box)
    assert [r.kind for r in box.received] == ["nudge"] * 4


def test_bad_settings_are_said_plainly_and_claim_nothing(settings):
    with mailbox() as box:
        cases = [
            (config(box, port=free_port()), "cannot reach the mail server 127.0.0.1"),
            (config(box, starttls=True), "does not offer STARTTLS"),
            (config(box, sender=None), "no sender address: set PEERPULSE_MAIL_FROM"),
            (config(box, dashboards_url=None), "no dashboards address"),
            (config(box, user="peerpulse", password=None), "give both the SMTP user and password"),
        ]
        for mail, said in cases:
            with pytest.raises(ConfigurationError, match=said):
                SmtpOutbox(mail)
    with mailbox(refuse_sign_in=True) as box:
        with pytest.raises(ConfigurationError, match="refused the user name and password") as refused:
            SmtpOutbox(config(box, user="peerpulse", password="s3cret-value"))
        assert "s3cret-value" not in str(refused.value) and "s3cret" not in repr(config(box, password="s3cret"))
    with open_application(settings) as app:
        assert not app.recorder.select_notifications(start=1, limit=1, topics=["MessageClaimed"])


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_two_runs_at_once_send_each_message_once(store, published, tmp_path, request):
    settings = Settings(home=tmp_path / "home")
    if store == "postgres":
        settings = Settings(home=settings.home, database_url=request.getfixturevalue("pg_schema"))
        path = tmp_path / "programme.jsonl"
        path.write_text("".join(json.dumps(c) + "\n" for c in programme().commands))
        with open_application(settings) as app:
            import_file(app, path)
        publish(settings)
    else:
        shutil.copytree(published, settings.home)
    with mailbox() as box:
        reports, errors = [], []

        def one_run() -> None:
            try:
                reports.append(run(settings, box))
            except Exception as e:  # pragma: no cover - shown by the assertion below
                errors.append(e)

        runs = [threading.Thread(target=one_run) for _ in range(3)]
        for thread in runs:
            thread.start()
        for thread in runs:
            thread.join(timeout=120)
    assert not errors, errors
    sent = [(tuple(r.to), r.kind, r.message["Message-ID"]) for r in box.received]
    assert len(sent) == len(set(sent)) == sum(sum(r.sent.values()) for r in reports)
    expected = 6 if store == "sqlite" else 7  # on PostgreSQL nobody was erased: cy is nudged too
    assert len(sent) == expected
    # each message was sent by one run, and each of the two others found it claimed or sent
    assert sum(r.claimed_elsewhere + r.already_sent for r in reports) == 2 * expected
