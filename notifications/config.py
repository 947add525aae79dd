"""How messages are sent: the mail server, the sender, where the dashboards are, and when to send.

From the environment, else the `[peerpulse.mail]` table of the secrets file (the one `peerpulse serve`
reads, .streamlit/secrets.toml, or `--secrets FILE`); the environment wins. Never from the command line,
where a password would show in the process list and the shell's history:

| environment | secrets file | what | default |
|---|---|---|---|
| PEERPULSE_SMTP_HOST | host | the mail server | (required to send) |
| PEERPULSE_SMTP_PORT | port | its port | 587 |
| PEERPULSE_SMTP_STARTTLS | starttls | upgrade to TLS (STARTTLS) before anything else | true |
| PEERPULSE_SMTP_USER | user | the user name to sign in with | none: no sign-in |
| PEERPULSE_SMTP_PASSWORD | password | its password | |
| PEERPULSE_MAIL_FROM | sender | the From address, e.g. `PeerPulse <peerpulse@example.org>` | (required to send) |
| PEERPULSE_DASHBOARDS_URL | dashboards_url | the dashboards' address, for the links in messages | (required to send) |
| PEERPULSE_BRIEFING_HOURS | briefing_hours | how long before a meeting's day the briefing goes | 24 |
| PEERPULSE_DIGEST_WEEKDAY | digest_weekday | the day of the week the lead's digest goes from | monday |
| PEERPULSE_MAIL_CLAIM_SECONDS | claim_seconds | how long a run's claim on a message lasts (sending), 60 or more | 900 |

A claim shorter than MIN_CLAIM_SECONDS is refused. A run hands a message over within its claim, less a
few seconds to record it sent (sending.RECORD_MARGIN), and one exchange with the server may take up to
30 seconds (outbox.TIMEOUT): a shorter claim could lapse while its run is still sending, and another run
would then send the message too.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import urlsplit

from domain.errors import ConfigurationError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WEEKDAYS = tuple(day.lower() for day in calendar.day_name)  # monday ... sunday
KEYS = {
    "host": "PEERPULSE_SMTP_HOST",
    "port": "PEERPULSE_SMTP_PORT",
    "starttls": "PEERPULSE_SMTP_STARTTLS",
    "user": "PEERPULSE_SMTP_USER",
    "password": "PEERPULSE_SMTP_PASSWORD",
    "sender": "PEERPULSE_MAIL_FROM",
    "dashboards_url": "PEERPULSE_DASHBOARDS_URL",
    "briefing_hours": "PEERPULSE_BRIEFING_HOURS",
    "digest_weekday": "PEERPULSE_DIGEST_WEEKDAY",
    "claim_seconds": "PEERPULSE_MAIL_CLAIM_SECONDS",
}
MIN_CLAIM_SECONDS = 60  # above the longest exchange with the server (outbox.TIMEOUT, 30 s) and the record
DRY_RUN_URL = "http://127.0.0.1:8501"  # a dry run's links, when no dashboards address is configured


@dataclass(frozen=True)
class MailConfig:
    host: str | None = None
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = None
    sender: str | None = None
    dashboards_url: str | None = None
    briefing_hours: float = 24.0
    digest_weekday: int = 0  # Monday
    claim_seconds: float = 900.0

    def __repr__(self) -> str:  # a traceback or a debugger never shows the password
        return f"MailConfig(host={self.host!r}, port={self.port}, user={'set' if self.user else None})"

    @property
    def links(self) -> str:
        """The dashboards' address the messages link to, without a trailing slash."""
        return (self.dashboards_url or DRY_RUN_URL).rstrip("/")

    @property
    def sender_domain(self) -> str:
        return (self.sender_address or "peerpulse@localhost").rsplit("@", 1)[-1]

    @property
    def sender_address(self) -> str | None:
        return parseaddr(self.sender or "")[1] or None

    def problems(self) -> list[str]:
        """Every reason this configuration cannot send, in words an administrator can act on (never a
        secret's value). A dry run needs none of it."""
        found = []
        if not self.host:
            found.append("no mail server: set PEERPULSE_SMTP_HOST (or host under [peerpulse.mail])")
        if not self.sender:
            found.append(
                "no sender address: set PEERPULSE_MAIL_FROM (or sender under [peerpulse.mail]), "
                "e.g. 'PeerPulse <peerpulse@example.org>'"
            )
        elif not _valid_sender(self.sender):
            found.append("the sender address (PEERPULSE_MAIL_FROM) is not an email address")
        if not self.dashboards_url:
            found.append(
                "no dashboards address for the links in messages: set PEERPULSE_DASHBOARDS_URL "
                "(or dashboards_url under [peerpulse.mail]), e.g. https://peerpulse.example.org"
            )
        elif urlsplit(self.dashboards_url).scheme not in ("http", "https") or not urlsplit(self.dashboards_url).netloc:
            found.append("PEERPULSE_DASHBOARDS_URL must be an http:// or https:// address")
        if bool(self.user) != bool(self.password):
            found.append(
                "give both the SMTP user and password (PEERPULSE_SMTP_USER, PEERPULSE_SMTP_PASSWORD), or neither"
            )
        if self.claim_seconds < MIN_CLAIM_SECONDS:
            found.append(CLAIM_TOO_SHORT.format(where="PEERPULSE_MAIL_CLAIM_SECONDS"))
        if self.password and not self.starttls and self.host not in LOOPBACK_HOSTS:
            found.append(
                "the SMTP password would cross the network unencrypted: keep STARTTLS on "
                "(PEERPULSE_SMTP_STARTTLS=true) for a server on another machine"
            )
        return found


CLAIM_TOO_SHORT = (
    f"{{where}} must be at least {MIN_CLAIM_SECONDS} seconds (one exchange with the mail server may take 30): "
    "a shorter claim could lapse while its run is still sending the message, and another run would send it too"
)


def _valid_sender(sender: str) -> bool:
    name, address = parseaddr(sender)
    if "@" not in address or "\n" in sender or "\r" in sender:
        return False
    try:
        Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError):
        return False
    return True


def read(secrets: Mapping[str, object], environ: Mapping[str, str]) -> MailConfig:
    """The configuration from the secrets file's contents and the environment; a malformed value is a
    ConfigurationError naming where it was found."""
    peerpulse = secrets.get("peerpulse", {})
    table = peerpulse.get("mail", {}) if isinstance(peerpulse, Mapping) else {}
    if not isinstance(table, Mapping):
        raise ConfigurationError("[peerpulse.mail] in the secrets file must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigurationError(f"[peerpulse.mail] has unknown keys {unknown} (known: {', '.join(KEYS)})")

    def value(key: str) -> tuple[object, str] | None:
        found = environ.get(KEYS[key])
        if found is not None and found.strip():
            return found.strip(), KEYS[key]
        if table.get(key) is not None:
            return table[key], f"[peerpulse.mail] {key}"
        return None

    def text(key: str) -> str | None:
        found = value(key)
        if found is None:
            return None
        if not isinstance(found[0], str):
            raise ConfigurationError(f"{found[1]} must be text")
        return found[0].strip() or None

    def number(key: str, default: float, low: float, high: float, too_low: str | None = None) -> float:
        found = value(key)
        if found is None:
            return default
        raw, where = found
        try:
            parsed = float(raw) if not isinstance(raw, bool) else float("nan")
        except (TypeError, ValueError):
            parsed = float("nan")
        if too_low is not None and parsed < low:
            raise ConfigurationError(too_low.format(where=where))
        if not low <= parsed <= high:
            raise ConfigurationError(f"{where} must be a number from {low:g} to {high:g}")
        return parsed

    def flag(key: str, default: bool) -> bool:
        found = value(key)
        if found is None:
            return default
        raw, where = found
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "yes", "1", "on", "false", "no", "0", "off"):
            return raw.lower() in ("true", "yes", "1", "on")
        raise ConfigurationError(f"{where} must be true or false")

    weekday = (text("digest_weekday") or "monday").lower()
    if weekday not in WEEKDAYS:
        raise ConfigurationError(f"the digest's weekday must be one of {', '.join(WEEKDAYS)}")
    port = number("port", 587, 1, 65535)
    if port != int(port):
        raise ConfigurationError("the SMTP port must be a whole number")
    return MailConfig(
        host=text("host"),
        port=int(port),
        starttls=flag("starttls", True),
        user=text("user"),
        password=text("password"),
        sender=text("sender"),
        dashboards_url=text("dashboards_url"),
        briefing_hours=number("briefing_hours", 24, 0, 24 * 14),
        digest_weekday=WEEKDAYS.index(weekday),
        claim_seconds=number("claim_seconds", 900, MIN_CLAIM_SECONDS, 24 * 3600, CLAIM_TOO_SHORT),
    )
