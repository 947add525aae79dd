"""A run: which messages are due now, and each sent exactly once.

For every message due (a briefing per group meeting soon, the week's digest per lead, a nudge per member
with commitments due), in that order:

1. skipped if it was sent already (the event store says so), or its kind is turned off for that person,
   or the person cannot receive it (erased, or no email);
2. made from the figures and the event store as they are now;
3. **claimed** in the event store under its key (recipient, kind, occasion): of several runs at once,
   one gets it and the others skip it;
4. handed to the mail server, which accepts it;
5. **recorded as sent**.

A run that dies after 3 leaves a claim that lapses after `claim_seconds`; the next run then claims the
message again and sends it. So a message is never lost, and never sent twice, except in one window: the
server accepted it (4) and the run died before recording it (5), a few milliseconds. The next run then
sends it again, with the same Message-ID, which lets mail systems and clients that deduplicate show it
once. A message the server refused is let go at once (nothing is marked sent that was not) and tried by
the next run. So is a message whose address cannot be carried: one beyond ASCII when the server does not
offer SMTPUTF8, or (stored before the domain's stricter rule) one that cannot be written as a single
address; it is never claimed, it is named by its pseudonymous recipient, and the run goes on. Handing a
message over is cut off before its claim lapses (outbox.SmtpOutbox.deliver), so no other run can claim a
message still being sent. README, "Briefings and reminders", says the same to its readers.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import duckdb

from domain import ids
from domain.application import Actor, PeerPulse
from domain.errors import PeerPulseError
from notifications import chart, content, occasions
from notifications.addressing import Unwritable
from notifications.config import MailConfig
from notifications.outbox import AddressNotTaken, FolderOutbox, MailServerError, RecipientRefused, SmtpOutbox
from notifications.render import Content, mime
from notifications.render import message_id as make_message_id
from warehouse.db import crash_if_asked
from warehouse.queries import Reader

KINDS = ("briefing", "digest", "nudge")  # the order a run sends them in
RECORD_MARGIN = 5  # seconds of a claim kept, after handing the message over, to record it sent


@dataclass(frozen=True)
class Outgoing:
    kind: str
    recipient: str  # pseudonymous: member:<id> or person:<digest>
    occasion: str
    address: str  # from the event store (a member) or the configuration (a lead): never logged or recorded
    name: str | None
    content: Content

    @property
    def label(self) -> str:
        """How files and messages name it: kind, occasion and the pseudonymous recipient, no address."""
        return re.sub(r"[^A-Za-z0-9._@-]+", "_", f"{self.kind}-{self.occasion}-{self.recipient}")


@dataclass
class Report:
    sent: Counter = field(default_factory=Counter)  # kind -> messages the server accepted in this run
    written: Counter = field(default_factory=Counter)  # kind -> .eml files of a dry run
    already_sent: int = 0
    turned_off: int = 0
    claimed_elsewhere: int = 0  # another run holds it right now
    refused: list[str] = field(default_factory=list)  # labels whose address the server refused
    not_taken: list[str] = field(default_factory=list)  # labels whose address this server cannot carry
    unwritable: list[str] = field(default_factory=list)  # labels whose address is not one plain address

    def summary(self, dry_run: bool) -> str:
        done = self.written if dry_run else self.sent
        counts = ", ".join(f"{done[kind]} {kind}{'' if done[kind] == 1 else 's'}" for kind in KINDS)
        verb = "wrote" if dry_run else "sent"
        skipped = [
            f"{self.already_sent} already sent",
            f"{self.turned_off} turned off by their recipient",
            f"{self.claimed_elsewhere} being sent by another run",
        ]
        line = f"{verb} {counts}; skipped {', '.join(skipped)}"
        if self.refused:
            line += f"; the server refused {len(self.refused)} address(es): {', '.join(self.refused)}"
        if self.not_taken:
            line += (
                f"; the server cannot take {len(self.not_taken)} address(es) with letters beyond ASCII (it does "
                f"not offer SMTPUTF8): {', '.join(self.not_taken)}"
            )
        if self.unwritable:
            line += (
                f"; {len(self.unwritable)} address(es) cannot be written as one address (correct them): "
                + ", ".join(self.unwritable)
            )
        if self.refused or self.not_taken or self.unwritable:
            line += "; those are tried again next run"
        return line


def planned(
    app: PeerPulse, reader: Reader, config: MailConfig, leads: Sequence[str], now: datetime
) -> Iterator[Outgoing]:
    """Every message due at `now`, briefings first, then the week's digest, then nudges."""
    people = content.People(app)
    base = config.links
    published = _published(reader)
    today = now.date()
    for overview in content.groups_meeting_soon(reader, now, config.briefing_hours).iter_rows(named=True):
        found = content.briefing(reader, people, overview, base, today)
        if found is not None:
            person = people.reachable(found.facilitator_id)
            yield Outgoing(
                "briefing",
                app.recipient_for(member=found.facilitator_id),
                occasions.briefing_occasion(found.group_id, found.meeting_on),
                person.email,
                person.name,
                replace(found, published=published),
            )
    if leads and occasions.digest_due(today, config.digest_weekday):
        digest = content.digest(reader, people, today, base)
        digest = replace(digest, chart=chart.retention_png(content.retention_curve(reader)), published=published)
        for lead in sorted(set(leads)):
            yield Outgoing(
                "digest", app.recipient_for(email=lead), occasions.digest_occasion(today), lead, None, digest
            )
    for nudge in content.nudges(reader, people, today, base):
        person = people.reachable(nudge.member_id)
        yield Outgoing(
            "nudge",
            app.recipient_for(member=nudge.member_id),
            occasions.nudge_occasion(today),
            person.email,
            person.name,
            replace(nudge, published=published),
        )


def _published(reader: Reader) -> datetime | None:
    path = getattr(reader, "path", None)
    return datetime.fromtimestamp(path.stat().st_mtime) if path is not None and path.exists() else None


def send_reminders(
    app: PeerPulse,
    reader: Reader,
    config: MailConfig,
    leads: Sequence[str],
    now: datetime,
    outbox: SmtpOutbox | FolderOutbox,
    by: Actor,
) -> Report:
    """Send (or, to a FolderOutbox, write) every message due at `now` that was not sent before."""
    run = uuid.uuid4().hex
    dry_run = isinstance(outbox, FolderOutbox)
    report = Report()
    number = 0
    try:
        for message in planned(app, reader, config, leads, now):
            key = (message.recipient, message.kind, message.occasion)
            found = app.message(*key)
            if found is not None and found.sent:
                report.already_sent += 1
                continue
            if message.kind in app.turned_off(message.recipient):
                report.turned_off += 1
                continue
            wall = wall_clock()
            try:
                email = mime(
                    message.content,
                    to=message.address,
                    to_name=message.name,
                    config=config,
                    message_id=make_message_id(message.kind, _key_id(*key), config.sender_domain),
                    now=wall.astimezone(),
                )
            except Unwritable:
                report.unwritable.append(message.label)
                continue
            if not outbox.takes(message.address):
                report.not_taken.append(message.label)
                continue
            if dry_run:
                outbox.deliver(email, message.address, message.label)
                report.written[message.kind] += 1
                continue
            until = wall + timedelta(seconds=config.claim_seconds)
            deadline = time.monotonic() + config.claim_seconds - RECORD_MARGIN
            if not app.claim_message(*key, run=run, now=wall.isoformat(), until=until.isoformat(), by=by):
                report.claimed_elsewhere += 1
                continue
            number += 1
            crash_if_asked(f"message-{number}-claimed")
            try:
                outbox.deliver(email, message.address, message.label, deadline)
            except RecipientRefused as e:
                app.message_not_sent(*key, run=run, reason=type(e).__name__, by=by)
                (report.not_taken if isinstance(e, AddressNotTaken) else report.refused).append(message.label)
                continue
            except MailServerError as e:
                app.message_not_sent(*key, run=run, reason=type(e).__name__, by=by)
                raise MailServerError(f"{e}; {_so_far(report)}") from None
            crash_if_asked(f"message-{number}-accepted")
            app.message_sent(*key, run=run, at=wall_clock().isoformat(), by=by)
            report.sent[message.kind] += 1
            crash_if_asked(f"message-{number}-recorded")
    except duckdb.Error as e:
        raise PeerPulseError(
            f"the serving file cannot be read as this version reads it ({type(e).__name__}): run "
            "`peerpulse materialize` to rebuild it"
        ) from None
    return report


def wall_clock() -> datetime:
    """The time claims are measured in: the real one, whatever `--now` says is due."""
    return datetime.now(UTC)


def _key_id(recipient: str, kind: str, occasion: str) -> str:
    return ids.message_id(recipient, kind, occasion).hex


def _so_far(report: Report) -> str:
    return f"{sum(report.sent.values())} sent before it stay recorded as sent; run again once the server is back"
