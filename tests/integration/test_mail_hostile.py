"""Mail that cannot be forged or stopped by one address (issue 21, item 5), through a real SMTP server on
loopback (aiosmtpd) and read back with the standard `email` package's two parsers, as mail clients do:

- display names longer than a header line, full of `<>,;"@` and `<x@evil.example>, `, add no recipient
  and hide none: each To: header names exactly one address, the right one;
- an address beyond ASCII, to a server without SMTPUTF8, is skipped and named by its pseudonymous id,
  the messages after it are sent, and it goes next run to a server that offers SMTPUTF8;
- the briefing's iCalendar part says its charset;
- handing a message to a server that stalls is cut off at the deadline its claim sets.

The programme is test_reminders' (the run at Mon 6 Jul 2026 09:00 sends kim's briefing, the lead's digest
and the nudges of ana, bob, dee and eve), with the names and addresses changed here.
"""

from __future__ import annotations

import email
import json
import random
import time
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.utils import getaddresses
from pathlib import Path

import pytest
from icalendar import Calendar

from domain.application import open_application
from domain.config import Settings
from domain.jsonl import import_file
from notifications.config import MailConfig
from notifications.outbox import FolderOutbox, MailServerError, SmtpOutbox
from notifications.render import mime
from notifications.sending import send_reminders
from tests.integration.test_reminders import BY, LEAD, NOW, config, programme, publish, run
from tests.mailbox import Received, mailbox
from tests.unit.test_notifications import briefing
from warehouse.db import ServingReader

EVIL = "<x@evil.example>, "
NAMES = {
    # quoted by the policy, then folded without its quotes: a second recipient
    "kim": "Kim " + "k" * 75 + " " + EVIL,
    # an unbalanced quote that swallowed the real address
    "ana": "Ana " + "a" * 80 + '"' + EVIL + ";@",
    "bob": (f"Bob, {EVIL}") * 5,
    "dee": '"' * 90 + "@",
    "eve": 'Ève Zoë "' + EVIL + "é" * 60 + ' ;@<>"',
}
GROUP = "Grüße aus Zürich ✓"
SENT = datetime(2026, 7, 6, 9, tzinfo=UTC)  # the calendar event's summary: not ASCII


def hostile_programme(emails: dict[str, str] | None = None) -> list[dict]:
    commands = programme().commands
    for command in commands:
        if command["type"] == "register_member" and command["member"] in NAMES:
            command["name"] = NAMES[command["member"]]
            command["email"] = (emails or {}).get(command["member"], command["email"])
        if command["type"] == "form_group" and command["group"] == "north":
            command["name"] = GROUP
    return commands


def published(folder: Path, commands: list[dict]) -> Settings:
    settings = Settings(home=folder / "home")
    path = folder / "programme.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in commands))
    with open_application(settings) as app:
        import_file(app, path)
    publish(settings)
    return settings


def raw_to(received: Received) -> list[str]:
    """The To: headers as a simple client reads them: the raw text, unfolded, no decoding."""
    return email.message_from_bytes(received.raw, policy=policy.compat32).get_all("To")


def test_no_display_name_adds_or_hides_an_address(tmp_path):
    settings = published(tmp_path, hostile_programme())
    with mailbox() as box:
        report = run(settings, box)
    assert report.sent == {"briefing": 1, "digest": 1, "nudge": 5}  # cy is not erased here
    for received in box.received:
        [address] = received.to
        member = address.split("@")[0]
        [header] = raw_to(received)
        assert getaddresses([header]) == [(getaddresses([header])[0][0], address)], header
        [parsed] = received.message["To"].addresses  # the policy's parser
        assert parsed.addr_spec == address and "evil" not in parsed.addr_spec
        if member in NAMES:
            assert EVIL.strip() not in header  # never readable as structure: only encoded
            phrase = header.rsplit("<", 1)[0]
            assert str(make_header(decode_header(phrase))).strip() == " ".join(NAMES[member].split())
            lines = f"To: {header}".splitlines()  # folded, and within RFC 5322's 78 characters a line
            assert len(lines) > 1 and all(len(line) <= 78 for line in lines)
    assert box.to("x@evil.example") == []


@pytest.mark.parametrize("seed", range(3))
def test_any_name_of_any_length_names_exactly_its_one_address(seed):
    """Names drawn from the signs a header is built of, of every length up to a few lines and then the
    longest text the domain takes, to a short address and to the longest one, as the message goes."""
    rng = random.Random(seed)
    signs = '<>,;:"@()[]\\.=? \t' + "ak" + "éЖ✓" + "\u200b"
    long_address = "l" * 64 + "@" + ".".join(["d" * 60] * 3) + ".example.org"
    for length in [*range(seed, 320, 3), 999, 5000]:
        name = "".join(rng.choice(signs) for _ in range(length))
        address = long_address if length % 5 == 0 else "ana@example.org"
        message = mime(briefing(), to=address, to_name=name, config=MailConfig(), message_id="<m@x>", now=SENT)
        raw = message.as_bytes()
        [header] = email.message_from_bytes(raw, policy=policy.compat32).get_all("To")
        assert [spec for _, spec in getaddresses([header])] == [address], (seed, length)
        [only] = email.message_from_bytes(raw, policy=policy.default)["To"].addresses
        assert only.addr_spec == address, (seed, length)
        shown = " ".join(name.split())  # as RFC 2047 decoders show it (3.11's parser spaces encoded words)
        phrase = header.rsplit("<", 1)[0] if shown else ""
        assert str(make_header(decode_header(phrase))).strip() == shown, (seed, length)
        lines = f"To: {header}".splitlines()
        assert all(len(line) <= 78 for line in lines if address not in line), (seed, length)


def test_an_address_the_server_cannot_take_is_skipped_by_id_and_goes_next_run(tmp_path):
    settings = published(tmp_path, hostile_programme({"ana": "anä@example.org"}))
    # a dry run, first, writes it as an SMTPUTF8 server would get it
    out = FolderOutbox(tmp_path / "dry-run")
    reader = ServingReader(settings.serving_path)
    try:
        with open_application(settings) as app:
            dry = send_reminders(app, reader, MailConfig(), [LEAD], NOW, out, by=BY)
    finally:
        reader.close()
    assert dry.written["nudge"] == 5 and dry.not_taken == []
    [file] = [f for f in out.written if "member_ana" in f.name]
    parsed = email.message_from_string(file.read_bytes().decode("utf-8"), policy=policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["anä@example.org"]
    with mailbox() as box:  # no SMTPUTF8
        report = run(settings, box)
    assert report.not_taken == ["nudge-2026-07-06-member_ana"] and report.refused == []
    assert [r.to for r in box.of("nudge")] == [[f"{m}@example.org"] for m in ("bob", "cy", "dee", "eve")]
    said = report.summary(dry_run=False)
    assert "nudge-2026-07-06-member_ana" in said and "SMTPUTF8" in said and "anä" not in said
    with open_application(settings) as app:
        assert app.message("member:ana", "nudge", "2026-07-06") is None  # not even claimed
    with mailbox(smtputf8=True) as box:  # the next run, to a server that takes it
        again = run(settings, box)
    assert again.sent == {"nudge": 1} and again.not_taken == []
    [nudge] = box.received
    assert nudge.to == ["anä@example.org"]
    assert [a.addr_spec for a in nudge.message["To"].addresses] == ["anä@example.org"]


def test_the_calendar_part_says_its_charset(tmp_path):
    settings = published(tmp_path, hostile_programme())
    with mailbox() as box:
        run(settings, box)
    [briefing] = box.of("briefing")
    [ics] = [p for p in briefing.message.walk() if p.get_content_type() == "text/calendar"]
    assert ics.get_content_charset() == "utf-8" and ics.get_param("method") == "PUBLISH"
    assert ics.get_filename() == "north-2026-07-07.ics"
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(event["summary"]) == f"{GROUP}: next meeting"


def test_a_server_that_stalls_is_cut_off_at_the_claims_deadline(tmp_path):
    settings = published(tmp_path, hostile_programme())
    with mailbox(stall_data=20) as box:
        outbox = SmtpOutbox(config(box))
        reader = ServingReader(settings.serving_path)
        try:
            with open_application(settings) as app:
                from notifications.sending import planned

                first = next(planned(app, reader, config(box), [], NOW))
            message = mime(
                first.content, to=first.address, to_name=first.name, config=config(box), message_id="<t@x>", now=NOW
            )
            started = time.monotonic()
            with pytest.raises(MailServerError, match="took too long over briefing-.*cut off before its claim"):
                outbox.deliver(message, first.address, first.label, deadline=started + 1)
            assert time.monotonic() - started < 5
        finally:
            reader.close()
            outbox.close()
    assert box.received == []
