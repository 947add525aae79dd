"""Messages made from their content: Jinja2 templates (HTML autoescaped, so a name or a commitment text is
text in an email, never markup; plain text as written) made into one MIME message with both parts.

    multipart/mixed                      (a briefing: the meeting attached as text/calendar)
      multipart/alternative
        text/plain
        multipart/related                (a digest: the retention chart inline, by Content-ID)
          text/html
          image/png
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications import addressing, ical
from notifications.config import MailConfig
from notifications.content import Briefing, Digest, Nudge
from warehouse import formatting as fmt

CHART_CID = "retention-chart@peerpulse"
# Headers the policy makes are folded by it as before; one stored as it is (the To: header, folded by
# notifications/addressing.py) is never refolded, which is what would undo its care.
POLICY = policy.default.clone(refold_source="none")


def in_days(days: int) -> str:
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        day=fmt.day,
        weekday=fmt.weekday,
        month=fmt.month,
        percent=fmt.percent,
        score=fmt.score,
        tier=fmt.tier,
        risk_level=fmt.risk_level,
        reasons=fmt.reasons,
        progress=fmt.progress,
        times_fair_share=fmt.times_fair_share,
        count=fmt.count,
        in_days=in_days,
    )
    return env


ENV = _environment()
Content = Briefing | Nudge | Digest


def kind_of(content: Content) -> str:
    return {Briefing: "briefing", Nudge: "nudge", Digest: "digest"}[type(content)]


def subject(content: Content) -> str:
    if isinstance(content, Briefing):
        found = f"Before {_one_line(content.group)}'s meeting on {fmt.weekday(content.meeting_on)}"
    elif isinstance(content, Nudge):
        found = f"Your commitments: {fmt.count(len(content.commitments), 'commitment')} due by " + fmt.day(
            content.commitments[-1].due_on
        )
    else:
        found = f"PeerPulse weekly digest, week of {fmt.day(content.week_of)}"
    return _one_line(found)


def _one_line(value: str) -> str:
    """A header is one line, whatever a name holds."""
    return re.sub(r"\s+", " ", value).strip()


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(content: Content) -> Rendered:
    kind = kind_of(content)
    title = subject(content)
    values = {"m": content, "subject": title, "chart_cid": CHART_CID}
    return Rendered(
        title,
        ENV.get_template(f"{kind}.txt").render(values),
        ENV.get_template(f"{kind}.html").render(values),
    )


def mime(
    content: Content,
    *,
    to: str,
    to_name: str | None,
    config: MailConfig,
    message_id: str,
    now: datetime,
) -> EmailMessage:
    """The message as sent: headers, both parts, and its attachment or inline chart."""
    rendered = render(content)
    message = EmailMessage(policy=POLICY)
    message["Subject"] = rendered.subject
    message["From"] = config.sender or "PeerPulse <peerpulse@localhost>"
    message.set_raw("To", addressing.to_header(to_name, to))  # raises Unwritable: the run skips it
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to it
    message["List-Unsubscribe"] = f"<{content.preferences_url}>"
    message["X-PeerPulse-Kind"] = kind_of(content)
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if isinstance(content, Digest) and content.chart:
        html = message.get_payload()[1]
        html.add_related(content.chart, "image", "png", cid=f"<{CHART_CID}>", filename="retention.png")
    if isinstance(content, Briefing):
        message.add_attachment(  # text, so that it says its charset: text/calendar; charset="utf-8"
            ical.meeting_event(content, now, config.sender_domain).decode("utf-8"),
            subtype="calendar",
            filename=f"{content.group_id}-{content.meeting_on.isoformat()}.ics",
            params={"method": "PUBLISH"},
        )
    return message


def message_id(kind: str, key: str, domain: str) -> str:
    """The same for every attempt at one message (recipient, kind, occasion): a mail client that sees
    one twice (the residual of exactly-once, README) can tell it is the same message."""
    return f"<{key}.{kind}@{domain}>"
