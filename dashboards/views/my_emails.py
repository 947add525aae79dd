"""Anyone PeerPulse emails: which of its emails you get. Each kind can be turned off, and on again; the link
at the foot of every email opens this page. The address in the link only picks which kind to point at:
nothing changes until you save."""

import streamlit as st

from dashboards import forms, recording, ui
from dashboards.identity import require_viewer

EMAILS = "emails"
KINDS = {
    "briefing": (
        "Facilitator briefing",
        "A day before each of your groups' expected meetings: the follow-ups due, who to check in with, who "
        "should present next, the airtime balance, and the meeting for your calendar.",
    ),
    "nudge": (
        "Commitment reminders",
        "When a commitment of yours falls due within a week and you have not checked in on it for three days; "
        "at most one a day.",
    ),
    "digest": (
        "Weekly programme digest",
        "Every week: tier changes, slipping groups, dropout risk counted, retention. Group names only.",
    ),
}

viewer = require_viewer()
st.title("Emails")
mine = recording.emails_for(viewer)
if not mine:
    ui.empty("PeerPulse sends no email to your role.")
    st.stop()

st.caption("PeerPulse emails you what you would otherwise come here to look at. Choose what you get.")
pointed = st.query_params.get("kind")
if pointed in mine:
    st.info(ui.md("You came from a {what} email: switch it off below and save.", what=KINDS[pointed][0]), icon="✉️")
forms.show_saved(EMAILS, "Your choice")
off = recording.turned_off(viewer)
key = forms.form_key(EMAILS)
with st.form(f"{key}-form"):
    wanted = {
        kind: st.toggle(KINDS[kind][0], value=kind not in off, help=KINDS[kind][1], key=f"{key}-{kind}")
        for kind in mine
    }
    for kind in mine:
        st.caption(ui.md("**{title}**: {what}", title=KINDS[kind][0], what=KINDS[kind][1]))
    if st.form_submit_button("Save", type="primary"):
        changed = {kind: on for kind, on in wanted.items() if on == (kind in off)}
        forms.save(EMAILS, lambda: recording.set_emails(viewer, changed))
        st.rerun()
    forms.refused_at(EMAILS, None, "kind", "member", "email", "wanted")
