"""Where messages go: a mail server over SMTP, or (a dry run) a folder of .eml files.

Everything that can be wrong with the mail server's configuration is found when the connection opens,
before any message is claimed: an address that does not answer, STARTTLS not offered or failing, a user
name and password refused. Each is one plain message naming the setting to look at, never its value.

Handing over one message is cut off at a deadline the run gives (its claim's end, less a margin): a
server that stalls or answers byte by byte cannot keep a run talking past its claim, when another run
could claim the message and send it too. Each single exchange also times out after TIMEOUT, which is
below the shortest claim a configuration may set (config.MIN_CLAIM_SECONDS).
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from domain.errors import ConfigurationError, PeerPulseError
from notifications.config import MailConfig

TIMEOUT = 30  # seconds for each exchange with the server: a run never hangs on a dead one


class RecipientRefused(PeerPulseError):
    """The server refused this one recipient's address; other messages can still go."""


class AddressNotTaken(RecipientRefused):
    """An address with characters beyond ASCII, and a server that does not offer SMTPUTF8 to carry it."""


class MailServerError(PeerPulseError):
    """The server failed or refused a message in a way that will fail the next one too: the run stops."""


class SmtpOutbox:
    def __init__(self, config: MailConfig):
        problems = config.problems()
        if problems:
            raise ConfigurationError("cannot send: " + "; ".join(problems))
        self.config = config
        self.where = f"the mail server {config.host}:{config.port}"
        self._smtp = self._connect()

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        try:
            # The machine's own name, without asking DNS for it (smtplib would, for its EHLO).
            smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT, local_hostname=socket.gethostname())
        except (OSError, smtplib.SMTPException) as e:
            raise ConfigurationError(
                f"cannot reach {self.where} ({type(e).__name__}): check PEERPULSE_SMTP_HOST and PEERPULSE_SMTP_PORT, "
                "and that the server is up"
            ) from None
        try:
            smtp.ehlo()
            if config.starttls:
                if not smtp.has_extn("starttls"):
                    raise ConfigurationError(
                        f"{self.where} does not offer STARTTLS: use its submission port (often 587), or set "
                        "PEERPULSE_SMTP_STARTTLS=false for a relay on this machine"
                    )
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config.user:
                if not smtp.has_extn("auth"):
                    raise ConfigurationError(f"{self.where} does not offer to sign in (no AUTH): leave the user unset")
                smtp.login(config.user, config.password or "")
        except smtplib.SMTPAuthenticationError as e:
            smtp.close()
            raise ConfigurationError(
                f"{self.where} refused the user name and password ({e.smtp_code}): check PEERPULSE_SMTP_USER "
                "and PEERPULSE_SMTP_PASSWORD"
            ) from None
        except ssl.SSLError as e:
            smtp.close()
            raise ConfigurationError(f"TLS with {self.where} failed ({type(e).__name__}: {e.reason})") from None
        except (OSError, smtplib.SMTPException) as e:
            smtp.close()
            raise ConfigurationError(f"{self.where} ended the conversation ({type(e).__name__})") from None
        except ConfigurationError:
            smtp.close()
            raise
        if not (config.sender_address or "").isascii() and not smtp.has_extn("smtputf8"):
            smtp.close()
            raise ConfigurationError(
                f"{self.where} does not offer SMTPUTF8, which the sender address (PEERPULSE_MAIL_FROM) needs"
            )
        return smtp

    def takes(self, address: str) -> bool:
        """Whether this server can carry the address at all: one beyond ASCII needs its SMTPUTF8."""
        return address.isascii() or self._smtp.has_extn("smtputf8")

    def deliver(self, message: EmailMessage, to: str, label: str, deadline: float | None = None) -> None:
        """Hand one message to the server; returns once the server has accepted it for delivery. Past
        `deadline` (time.monotonic()) the connection is cut and the message counts as not accepted."""
        if not self.takes(to):
            raise AddressNotTaken(f"{self.where} does not offer SMTPUTF8, which the address of {label} needs")
        if deadline is None:
            self._send(message, to, label)
            return
        budget = deadline - time.monotonic()
        if budget <= 0:
            raise MailServerError(f"no time was left to send {label} before its claim lapses")
        cut = threading.Event()
        timer = threading.Timer(budget, self._cut, args=(cut,))
        timer.daemon = True
        timer.start()
        try:
            self._send(message, to, label)
        except MailServerError:
            if cut.is_set():
                raise MailServerError(
                    f"{self.where} took too long over {label}: cut off before its claim could lapse"
                ) from None
            raise
        finally:
            timer.cancel()

    def _cut(self, cut: threading.Event) -> None:
        """Past the deadline: shut the connection, which ends the exchange under way at once."""
        cut.set()
        sock = self._smtp.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _send(self, message: EmailMessage, to: str, label: str) -> None:
        try:
            refused = self._smtp.send_message(message, from_addr=self.config.sender_address, to_addrs=[to])
        except smtplib.SMTPNotSupportedError:
            raise AddressNotTaken(f"{self.where} cannot take the address of {label} (no SMTPUTF8)") from None
        except smtplib.SMTPRecipientsRefused:
            raise RecipientRefused(f"{self.where} refused the address of {label}") from None
        except smtplib.SMTPSenderRefused as e:
            raise MailServerError(
                f"{self.where} refused the sender address ({e.smtp_code}): check PEERPULSE_MAIL_FROM"
            ) from None
        except smtplib.SMTPResponseException as e:
            raise MailServerError(f"{self.where} refused {label} ({e.smtp_code})") from None
        except (OSError, smtplib.SMTPException) as e:
            raise MailServerError(f"{self.where} failed while sending {label} ({type(e).__name__})") from None
        if refused:
            raise RecipientRefused(f"{self.where} refused the address of {label}")

    def close(self) -> None:
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()


class FolderOutbox:
    """A dry run: each message written as an .eml file (owner-only: it holds names and texts)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.written: list[Path] = []

    def takes(self, address: str) -> bool:
        return True

    def deliver(self, message: EmailMessage, to: str, label: str, deadline: float | None = None) -> None:
        path = self.folder / f"{len(self.written) + 1:03d}-{label}.eml"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:  # an address beyond ASCII as a SMTPUTF8 server gets it
            file.write(message.as_bytes(policy=message.policy.clone(utf8=not to.isascii())))
        self.written.append(path)

    def close(self) -> None:
        pass
