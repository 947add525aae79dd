"""Each kind of message, rendered by Chromium as a mail client would show its HTML part, on a seeded
programme: nothing is fetched from anywhere (the chart travels inside the message), every section is
there, and the screenshots for the README go to docs/screenshots/email-*.png."""

from __future__ import annotations

import base64
import io
from datetime import datetime, time, timedelta
from email.message import EmailMessage

import pytest

from domain.application import Actor, open_application
from domain.config import Settings
from notifications.config import MailConfig
from notifications.outbox import FolderOutbox
from notifications.sending import send_reminders
from tests.e2e.test_dashboards_browser import SCREENSHOTS
from warehouse.db import ServingReader

pytestmark = pytest.mark.slow
AS_OF = datetime(2026, 6, 30).date()
LEAD = "programme.lead@example.org"


def richest_briefing_day(reader: ServingReader) -> datetime:
    """The morning before the meeting of the group with the most to prepare (drifting members, airtime)."""
    frame = reader.query(
        """
        SELECT g.group_id, g.next_meeting_on,
               (SELECT count(*) FROM dropout_risk r WHERE r.group_id = g.group_id AND r.level <> 'low')
             + (SELECT count(*) FROM dominance_alerts a WHERE a.group_id = g.group_id AND a.recent) AS to_prepare
        FROM groups g WHERE g.next_meeting_on >= ? ORDER BY to_prepare DESC, g.group_id LIMIT 1
        """,
        [AS_OF],
    )
    day = frame["next_meeting_on"][0] - timedelta(days=1)
    return datetime.combine(day, time(9, 0)).astimezone()


def inline(message: EmailMessage) -> str:
    """The HTML part with its inline images as data: URLs, as a mail client shows it."""
    html = message.get_body(("html",)).get_content()
    for part in message.walk():
        if part.get_content_type().startswith("image/"):
            data = base64.b64encode(part.get_content()).decode()
            cid = part["Content-ID"].strip("<>")
            html = html.replace(f"cid:{cid}", f"data:{part.get_content_type()};base64,{data}")
    return html


def test_every_kind_of_message_renders_in_chromium_with_nothing_fetched(tmp_path, monkeypatch, browser):
    from entrypoints.seeding import seed_programme

    settings = Settings(home=tmp_path / "home")
    monkeypatch.setenv("PEERPULSE_HOME", str(settings.home))
    seed_programme(groups=4, months=10, seed=9, until=AS_OF)
    from pipelines.refresh import refresh

    refresh(settings, as_of=AS_OF, full=True, say=lambda _: None)

    reader = ServingReader(settings.serving_path)
    mail = MailConfig(sender="PeerPulse <peerpulse@example.org>", dashboards_url="https://peerpulse.example.org")
    outbox = FolderOutbox(tmp_path / "outbox")
    soonest_due = reader.query(
        "SELECT min(due_on) AS due_on FROM member_commitments WHERE status = 'open' AND due_on >= ?", [AS_OF]
    )["due_on"][0]
    written = []
    with open_application(settings) as app:
        for now in (richest_briefing_day(reader), datetime.combine(soonest_due, time(9, 0)).astimezone()):
            written.append(send_reminders(app, reader, mail, [LEAD], now, outbox, Actor("test", "mail")).written)
    reader.close()
    assert written[0]["briefing"] >= 1 and written[0]["digest"] == 1 and written[1]["nudge"] >= 1

    import email
    from email import policy

    from PIL import Image

    first = {}
    for path in outbox.written:
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        first.setdefault(str(parsed["X-PeerPulse-Kind"]), parsed)
    page = browser.new_page(viewport={"width": 720, "height": 900})
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    for kind, message in first.items():
        page.set_content(inline(message), wait_until="load")
        assert page.locator("h1").inner_text().strip()
        if kind == "briefing":
            sections = ("Follow up these commitments", "Check in with", "Invite to present", "Balance the airtime")
            assert all(page.locator("h2", has_text=section).count() == 1 for section in sections)
        if kind == "digest":
            assert page.locator("img").evaluate("img => img.naturalWidth") > 500  # the chart, drawn
        assert page.get_by_text("Stop these emails").count() == 1
        image = Image.open(io.BytesIO(page.screenshot(full_page=True)))
        image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE).save(
            SCREENSHOTS / f"email-{kind}.png", optimize=True
        )
    page.close()
    assert all(url.startswith(("data:", "about:")) for url in fetched), fetched
