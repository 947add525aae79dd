"""A real SMTP server on loopback (aiosmtpd, in a thread of the test) that keeps what it accepts, as the
standard `email` package parses it. It can refuse an address, fail a message, stall over one, refuse
every sign-in, and offer SMTPUTF8 or not (aiosmtpd's default: not)."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.conftest import free_port


@dataclass
class Received:
    to: list[str]  # the envelope's recipients
    message: EmailMessage
    raw: bytes = b""  # as it came over the wire

    @property
    def kind(self) -> str:
        return str(self.message["X-PeerPulse-Kind"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


@dataclass
class Mailbox:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # addresses answered 550 at RCPT
    fail_data_after: int | None = None  # accept this many messages, then answer 451 to every DATA
    stall_data: float = 0  # seconds to wait before answering each DATA

    def of(self, kind: str) -> list[Received]:
        return [r for r in self.received if r.kind == kind]

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]

    # aiosmtpd's handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_data_after is not None and len(self.received) >= self.fail_data_after:
            return "451 4.3.0 try again later"
        if self.stall_data:
            await asyncio.sleep(self.stall_data)
        raw = envelope.original_content
        if envelope.smtp_utf8:  # headers in UTF-8 (RFC 6532)
            parsed = email.message_from_string(raw.decode("utf-8"), policy=policy.default)
        else:
            parsed = email.message_from_bytes(raw, policy=policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), parsed, raw))
        return "250 2.0.0 accepted"


def _refuse_everyone(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=False, handled=False)


@contextmanager
def mailbox(*, refuse_sign_in: bool = False, smtputf8: bool = False, **options) -> Iterator[Mailbox]:
    box = Mailbox("127.0.0.1", free_port(), **options)
    extra = {"authenticator": _refuse_everyone, "auth_require_tls": False} if refuse_sign_in else {}
    controller = Controller(box, hostname=box.host, port=box.port, enable_SMTPUTF8=smtputf8, **extra)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
