"""Briefings and reminders: the emails PeerPulse sends, so that people need not come to the dashboards.

- the facilitator's **briefing**, some hours before each of their groups' next expected meetings: the
  "Before the next meeting" page in their inbox, with the meeting as a calendar event;
- a member's **nudge**, when commitments of theirs fall due within a week and they have not checked in;
- the programme lead's weekly **digest**: tiers, slipping groups, dropout risk and retention, counted.

The modules, in the order a run uses them:

- `config`: the mail server, the sender and the settings, from the environment or the secrets file;
- `occasions`: when each message is due (the exactly-once key's occasion);
- `content`: what each message says: figures from the serving file (`warehouse.queries`, the same SQL
  as the pages), names and texts from the event store for the one person entitled to them;
- `render`: Jinja2 templates (HTML autoescaped, and plain text) made into a MIME message, with the
  iCalendar event (`ical`) and the retention chart (`chart`);
- `outbox`: the SMTP connection, or a folder of .eml files for a dry run;
- `sending`: the run: each message claimed, sent and recorded exactly once (domain.model.Message).

Nothing here logs or prints a name, an email address or a text.
"""
