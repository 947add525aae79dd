"""One rule for who facilitates a group on a day: the assignment with the latest `assigned_on` on or before
it, ties broken by the order recorded. The domain (write entitlement, the briefing's recipient) and the
warehouse (`group_facilitators.current`, the viewer's roles) must agree on it, whatever order the
handovers were recorded in: future-dated, back-filled, two on one day.

Each group below records its assignments in an order that the old domain rule ("the last one recorded")
got wrong; the test compares the domain with the published table, and with the rule computed here by
hand from the commands."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import duckdb
import pytest

from dashboards import recording
from dashboards.recording import MeetingForm
from dashboards.viewer import NotEntitled, Viewer
from domain.application import Actor, open_application
from domain.config import Settings
from domain.jsonl import import_file
from notifications.config import MailConfig
from notifications.outbox import SmtpOutbox
from notifications.sending import send_reminders
from tests.integration.programmes import Programme
from tests.integration.test_dashboards_app import environment
from tests.mailbox import mailbox
from warehouse.db import ServingReader

TODAY = date(2026, 7, 6)
NOW = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)
# group -> its assignments in the order they are recorded
HANDOVERS = {
    "planned": [("kim", "2026-05-01"), ("fut", "2026-08-01")],  # a handover planned for next month
    "backfilled": [("kim", "2026-06-01"), ("old", "2026-05-01")],  # an older assignment recorded later
    "same_day": [("kim", "2026-06-01"), ("two", "2026-06-01")],  # two on one day: the later recorded
    "handed_over": [("old", "2026-05-01"), ("kim", "2026-06-15")],  # an ordinary handover
    "only_future": [("fut", "2026-09-01")],  # nobody facilitates it yet
}


def by_hand(assignments: list[tuple[str, str]], day: str) -> str | None:
    """The rule, independently: walk the assignments in recorded order, keep the latest date on or
    before the day, a later record winning a tie."""
    best: tuple[str, str] | None = None
    for member, on in assignments:
        if on <= day and (best is None or on >= best[1]):
            best = (member, on)
    return best[0] if best else None


def programme() -> Programme:
    p = Programme()
    for group, assignments in HANDOVERS.items():
        p.group(group, "2026-04-01", cadence="weekly")
        p.join(group, f"{group}-ana", "2026-04-01")
        p.meeting(group, f"{group}-m1", "2026-06-30", {f"{group}-ana": "present"})
        for member, on in assignments:
            p.facilitator(group, member, on)
    return p


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp("facilitators")
    settings = Settings(home=folder / "home")
    path = folder / "programme.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in programme().commands))
    with open_application(settings) as app:
        import_file(app, path)
    from pipelines.refresh import refresh

    refresh(settings, as_of=TODAY, full=True, say=lambda _: None)
    return settings


@pytest.mark.parametrize("day", ["2026-05-15", "2026-06-01", "2026-07-06", "2026-08-01", "2026-09-01"])
def test_the_domain_and_the_rule_agree_on_every_day(published, day):
    with open_application(published) as app:
        for group, assignments in HANDOVERS.items():
            assert app.group(group).facilitator_on(day) == by_hand(assignments, day), group


def test_the_warehouse_and_the_domain_agree_today(published):
    con = duckdb.connect(str(published.serving_path), read_only=True)
    try:
        current = dict(con.execute("SELECT group_id, member_id FROM group_facilitators WHERE current").fetchall())
    finally:
        con.close()
    with open_application(published) as app:
        domain = {g: app.group(g).facilitator_on(TODAY.isoformat()) for g in HANDOVERS}
    assert current == {g: m for g, m in domain.items() if m is not None}
    assert current == {"planned": "kim", "backfilled": "kim", "same_day": "two", "handed_over": "kim"}


def test_a_planned_handover_is_shown_to_the_admin_as_planned(published):
    from dashboards import people

    admin = Viewer(email="admin@example.org", is_admin=True)
    with environment({"PEERPULSE_HOME": str(published.home), "PEERPULSE_TODAY": TODAY.isoformat()}):
        assert people.facilitation(admin, "planned") == [
            ("kim", "2026-05-01", "current"),
            ("fut", "2026-08-01", "planned"),
        ]
        assert people.facilitation(admin, "backfilled") == [
            ("old", "2026-05-01", "former"),
            ("kim", "2026-06-01", "current"),
        ]
        with pytest.raises(NotEntitled):
            people.facilitation(Viewer(email="kim@example.org", member_id="kim", facilitates=("planned",)), "planned")


@pytest.mark.parametrize("group", ["planned", "backfilled", "same_day"])
def test_only_the_facilitator_of_the_day_may_save(published, group, tmp_path):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(published.home, home)
    settings = Settings(home=home)
    current = by_hand(HANDOVERS[group], TODAY.isoformat())
    others = {m for m, _ in HANDOVERS[group]} - {current}
    meeting = MeetingForm(
        group=group, held_on="2026-07-06", topic="growth", attendance={f"{group}-ana": "present"}, presenters=[]
    )
    with environment({"PEERPULSE_HOME": str(home), "PEERPULSE_TODAY": TODAY.isoformat()}):
        for other in sorted(others):  # a planned or former facilitator is refused, whatever the viewer claims
            with pytest.raises(NotEntitled):
                recording.record_meeting(
                    Viewer(email=f"{other}@example.org", member_id=other, facilitates=(group,)), meeting
                )
        saved = recording.record_meeting(
            Viewer(email=f"{current}@example.org", member_id=current, facilitates=(group,)), meeting
        )
    assert saved.applied == 1
    with open_application(settings) as app:
        assert app.meeting(f"{group}-2026-07-06") is not None


def test_the_briefing_goes_to_the_facilitator_of_the_day_only(published, tmp_path):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(published.home, home)
    settings = Settings(home=home)
    with mailbox() as box:
        mail = MailConfig(
            host=box.host,
            port=box.port,
            starttls=False,
            sender="PeerPulse <peerpulse@example.org>",
            dashboards_url="https://peerpulse.example.org",
        )
        outbox = SmtpOutbox(mail)
        reader = ServingReader(settings.serving_path)
        try:
            with open_application(settings) as app:
                send_reminders(app, reader, mail, [], NOW, outbox, by=Actor("user:test", "mail"))
        finally:
            reader.close()
            outbox.close()
    briefed = sorted((r.to[0], r.kind) for r in box.received if r.kind == "briefing")
    # every group last met on 30 Jun, weekly: each is due on 7 Jul. "only_future" has nobody yet.
    assert briefed == [("kim@example.org", "briefing")] * 3 + [("two@example.org", "briefing")]
