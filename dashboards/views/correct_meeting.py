"""Facilitator: correct what was recorded at an earlier meeting (a status, someone's seconds), add a
commitment forgotten on the day, and see who recorded or corrected what, and when. Nothing is deleted: a
correction is a new record."""

from datetime import date

import polars as pl
import streamlit as st

from dashboards import forms, people, recording, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from domain.model import ATTENDANCE_STATUSES
from warehouse import formatting as fmt
from warehouse.queries import facilitator

FORM = "correct_meeting"

viewer = require_viewer()
group, name = ui.choose_group(viewer)
group_id = group["group_id"]
key = forms.form_key(FORM)

st.title(ui.md("Correct a meeting of {name}", name=name))
meetings = ask(viewer, facilitator.meetings, group_id).sort("held_on", descending=True)
if meetings.is_empty():
    ui.empty(ui.md("{name} has no meeting recorded yet.", name=name))
    st.stop()
meeting_id = st.selectbox(
    "Meeting",
    meetings["meeting_id"].to_list(),
    key=f"{key}-meeting",
    format_func=dict(zip(meetings["meeting_id"], map(fmt.day, meetings["held_on"]), strict=True)).get,
)
record = people.meeting_record(viewer, meeting_id)
if record is None:
    ui.empty("This meeting is published but not in the event store: run `peerpulse materialize` again.")
    st.stop()
names = people.member_names(viewer, group_id, list(record.attendance))
forms.show_saved(FORM, "The correction")
forms.refused_at(FORM, None, "meeting")

st.subheader("As recorded now")
seconds = record.speaking_seconds
st.dataframe(
    pl.DataFrame(
        {
            "Member": [names.get(m, m) for m in record.attendance],
            "Status": [fmt.ATTENDANCE_STATUSES[s] for s in record.attendance.values()],
            "Seconds spoken": [round(seconds[m], 3) if seconds and m in seconds else None for m in record.attendance],
            "Presented": ["yes" if m in record.presenters else "" for m in record.attendance],
        }
    ),
    hide_index=True,
)

left, right = st.columns(2)
with left, st.form(f"{key}-status"):
    st.markdown("**A member's status**")
    member = st.selectbox("Member", list(record.attendance), format_func=names.get, key=f"{key}-status-member")
    status = st.selectbox(
        "Status", ATTENDANCE_STATUSES, format_func=fmt.ATTENDANCE_STATUSES.get, key=f"{key}-status-value"
    )
    if st.form_submit_button("Correct the status"):
        forms.save(FORM, lambda: recording.correct_attendance(viewer, meeting_id, member, status))
        st.rerun()
    forms.refused_at(FORM, "member", "status")
with right, st.form(f"{key}-airtime"):
    st.markdown("**A member's seconds spoken**")
    if seconds is None:
        st.caption("This meeting recorded no airtime.")
    attendees = [m for m, s in record.attendance.items() if s in ("present", "late")]
    speaker = st.selectbox("Member", attendees, format_func=names.get, key=f"{key}-airtime-member")
    spoken = st.number_input("Seconds", min_value=0.0, max_value=86400.0, step=1.0, key=f"{key}-airtime-value")
    if st.form_submit_button("Correct the seconds", disabled=seconds is None):
        forms.save(FORM, lambda: recording.correct_airtime(viewer, meeting_id, speaker, spoken))
        st.rerun()
    forms.refused_at(FORM, "seconds")

with st.form(f"{key}-commitment"):
    st.markdown("**A commitment made at this meeting** (one that was not recorded with it)")
    held_on = date.fromisoformat(record.held_on)
    committer, text, due_on = forms.commitment_row(attendees, names.get, held_on, f"{key}-commitment")
    if st.form_submit_button("Add the commitment") and committer and text:
        forms.save(
            FORM,
            lambda: recording.add_commitment(viewer, meeting_id, committer, text, due_on.isoformat(), key),
        )
        st.rerun()
    forms.refused_at(FORM, "text", "due_on", "commitment")

st.subheader("History")
made_here = ask(viewer, facilitator.commitments_made_at, group_id, meeting_id)
history = people.meeting_history(viewer, meeting_id, made_here["commitment_id"])
everyone = {h.who.removeprefix("member:") for h in history if h.who and h.who.startswith("member:")}
who = people.member_names(viewer, group_id, everyone & people.group_member_ids(viewer, group_id))
st.dataframe(ui.history_frame(history, who, viewer), hide_index=True)
