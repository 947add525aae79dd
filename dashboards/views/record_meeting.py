"""Facilitator, after a meeting: who came, what they committed to, how last time's commitments went.
Everything is saved at once, as one batch, or nothing is (only for the groups the viewer facilitates)."""

from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboards import forms, people, recording, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from domain.application import RosterEntry
from domain.clock import today
from domain.meeting_exports import teams, zoom
from domain.meeting_exports.errors import ExportFormatError
from domain.meeting_exports.hold_meeting import draft_hold_meeting
from domain.meeting_exports.matching import Aliases
from domain.meeting_exports.vtt import read_transcript
from domain.model import ATTENDANCE_STATUSES, FORMATS, OUTCOMES, TOPICS
from warehouse import formatting as fmt
from warehouse.queries import facilitator

FORM = "record_meeting"
GUEST = "a guest (not counted)"
NOT_YET = "not followed up yet"

viewer = require_viewer()
group, name = ui.choose_group(viewer)
group_id = group["group_id"]
key = forms.form_key(FORM)

st.title(ui.md("Record a meeting of {name}", name=name))
forms.show_saved(FORM, "The meeting")
forms.refused_at(FORM, None, "meeting", "group")

# -- 1 · the meeting -----------------------------------------------------------------------------------
st.subheader("1 · The meeting")
left, middle, right = st.columns(3)
held_on = left.date_input("Held on", value=today(), max_value=today(), key=f"{key}-held_on", format="YYYY-MM-DD")
topic = middle.selectbox("Topic", TOPICS, format_func=lambda t: t.replace("_", " ").capitalize(), key=f"{key}-topic")
meeting_format = right.selectbox(
    "Format", [None, *FORMATS], format_func=lambda f: "—" if f is None else f.replace("_", " "), key=f"{key}-format"
)
guest_speaker = st.text_input("Guest speaker (optional)", key=f"{key}-guest", max_chars=200)
forms.refused_at(FORM, "held_on", "topic", "format", "guest_speaker")
held = held_on.isoformat()
roster = people.roster_on(viewer, group_id, held)
if not roster:
    ui.empty("Nobody was a member of this group on that day, so there is no roster to record.")
    st.stop()
label = {member: f"{member_name} ({member})" for member, member_name, _ in roster}
if people.meeting_record(viewer, recording.meeting_id(group_id, held)) is not None:
    st.info(
        "This meeting is recorded already. To add a commitment made at it, or to change a status, use "
        "Correct a meeting: nothing else needs typing again.",
        icon="ℹ️",
    )

# -- 2 · the meeting tool's files (optional) -----------------------------------------------------------
st.subheader("2 · From Zoom or Teams (optional)")
st.caption(
    ui.md(
        "The participants report (Zoom) or attendance report (Teams), and the transcript, up to {mb} MB "
        "each. Nothing is recorded until you save.",
        mb=forms.MAX_UPLOAD_MB,
    )
)
tool = st.radio("Meeting tool", ["Zoom", "Microsoft Teams"], horizontal=True, key=f"{key}-tool")
report_file = st.file_uploader("Participants or attendance report", type=["csv", "tsv", "txt"], key=f"{key}-report")
transcript_file = st.file_uploader("Transcript (WebVTT)", type=["vtt"], key=f"{key}-transcript")
mapped: dict[str, str] = st.session_state.setdefault(f"{key}-mapped", {})
draft = None
if report_file is not None:
    remembered = people.remembered_aliases(viewer, group_id)
    aliases = Aliases.none().with_remembered(remembered | mapped)
    entries = [RosterEntry(member, member_name, email) for member, member_name, email in roster]
    try:
        with forms.uploaded(report_file) as report_path:
            reader = zoom.read_participants_report if tool == "Zoom" else teams.read_attendance_report
            export = reader(report_path)
            if transcript_file is not None:
                with forms.uploaded(transcript_file) as transcript_path:
                    export = export.with_transcript(read_transcript(transcript_path))
            draft = draft_hold_meeting(
                export,
                entries,
                aliases,
                group=group_id,
                meeting=recording.meeting_id(group_id, held),
                held_on=held,
                topic=topic,
            )
    except ExportFormatError as e:
        where = f"{e.path.name}, line {e.line}" if e.line else e.path.name
        st.error(ui.md("{where}: {reason}. Nothing was read from it.", where=where, reason=e.reason), icon="⛔")
    if draft is not None:
        seconds = draft.speaking_seconds
        preview = pl.DataFrame(
            {
                "Member": [label[m] for m in draft.attendance],
                "Status": [fmt.ATTENDANCE_STATUSES[s] for s in draft.attendance.values()],
                "Matched by": [draft.matched_by.get(m, "") for m in draft.attendance],
                "Seconds spoken": [
                    f"{seconds[m]:.1f}" if seconds and m in seconds else fmt.NO_DATA for m in draft.attendance
                ],
            }
        )
        st.dataframe(preview, hide_index=True)
        unmatched = [p.name for p in draft.not_on_roster] + [p.name for p in draft.speakers_not_on_roster]
        if unmatched:
            st.caption(
                "People in the files who are not on the roster: map each to a member (the group remembers "
                "it for its next meetings), or leave them as guests."
            )
            for person in dict.fromkeys(unmatched):
                choice = st.selectbox(
                    ui.md("{person}", person=person),
                    [GUEST, *label],
                    format_func=lambda m: m if m == GUEST else label[m],
                    key=f"{key}-map-{person}",
                )
                if choice != GUEST and mapped.get(person) != choice:
                    mapped[person] = choice
                    st.rerun()
                elif choice == GUEST and person in mapped:
                    del mapped[person]
                    st.rerun()

# -- 3 · attendance and presenters ---------------------------------------------------------------------
st.subheader("3 · Who came")
statuses: dict[str, str] = {}
columns = st.columns(3)
for n, (member, member_name, _) in enumerate(roster):
    found = draft.attendance.get(member, "absent") if draft is not None else "present"
    statuses[member] = columns[n % 3].selectbox(
        ui.md("{who}", who=member_name),
        ATTENDANCE_STATUSES,
        index=ATTENDANCE_STATUSES.index(found),
        format_func=lambda s: fmt.ATTENDANCE_STATUSES[s],
        key=f"{key}-status-{member}-{found}",
    )
attendees = [m for m, s in statuses.items() if s in ("present", "late")]
presenters = st.multiselect("Presented a challenge", attendees, format_func=label.get, key=f"{key}-presenters")
forms.refused_at(FORM, "attendance", "presenters", "speaking_seconds", "alias")

# -- 4 · commitments made at this meeting --------------------------------------------------------------
st.subheader("4 · Commitments made")
made: list[tuple[str, str, str, str]] = st.session_state.setdefault(f"{key}-made", [])  # token, member, text, due
for n, (token, member, text, due_on) in enumerate(list(made)):
    row, remove = st.columns([12, 1])
    row.markdown(
        ui.md(
            "- **{who}**: {text} (due {due})",
            who=label.get(member, member),
            text=text,
            due=fmt.day(date.fromisoformat(due_on)),
        )
    )
    if remove.button("✕", key=f"{key}-remove-{token}", help="Remove this commitment"):
        made.pop(n)
        st.rerun()
with st.form(f"{key}-add", clear_on_submit=True, border=True):
    member, text, due_on = forms.commitment_row(attendees, label.get, held_on, f"{key}-add")
    if st.form_submit_button("Add the commitment") and member and text:
        made.append((recording.new_token(), member, text, due_on.isoformat()))
        st.rerun()
forms.refused_at(FORM, "member", "text", "due_on")

# -- 5 · follow-ups of earlier commitments -------------------------------------------------------------
st.subheader("5 · Follow-ups")
due = ask(viewer, facilitator.commitments_due, group_id, held_on)
due = due.filter(pl.col("made_on") < held_on)
follow_ups: list[tuple[str, str, str | None, str | None]] = []
if due.is_empty():
    ui.empty(ui.md("No open commitment of the group falls due by {day}.", day=fmt.day(held_on)))
else:
    texts = people.commitment_texts(viewer, due["commitment_id"])
    names = people.member_names(viewer, group_id, due["member_id"])
    for row in due.iter_rows(named=True):
        cid = row["commitment_id"]
        with st.container(border=True):
            st.markdown(
                ui.md(
                    "**{who}**: {text} (due {due})",
                    who=names.get(row["member_id"], row["member_id"]),
                    text=texts.get(cid, ""),
                    due=fmt.day(row["due_on"]),
                )
            )
            a, b, c = st.columns([2, 1, 3])
            outcome = a.selectbox(
                "Outcome", [NOT_YET, *OUTCOMES], key=f"{key}-outcome-{cid}", format_func=lambda o: o.replace("_", " ")
            )
            new_due = b.date_input(
                "New due date",
                value=None,
                min_value=row["due_on"] + timedelta(days=1),
                key=f"{key}-newdue-{cid}",
                format="YYYY-MM-DD",
                disabled=outcome != "carried_forward",
            )
            note = c.text_input("Note (optional)", key=f"{key}-note-{cid}", max_chars=5000)
            if outcome != NOT_YET:
                follow_ups.append(
                    (
                        cid,
                        outcome,
                        new_due.isoformat() if new_due and outcome == "carried_forward" else None,
                        note or None,
                    )
                )
forms.refused_at(FORM, "outcome", "new_due_on", "note", "commitment")

# -- save ----------------------------------------------------------------------------------------------
if st.button("Save the meeting", type="primary", key=f"{key}-save"):
    commitments = list(made)
    form = recording.MeetingForm(
        group=group_id,
        held_on=held,
        topic=topic,
        format=meeting_format,
        guest_speaker=guest_speaker or None,
        attendance=statuses,
        speaking_seconds=draft.speaking_seconds if draft is not None else None,
        presenters=presenters,
        aliases=dict(mapped),
        commitments=commitments,
        follow_ups=follow_ups,
    )
    saved = forms.save(FORM, lambda: recording.record_meeting(viewer, form))
    if saved is None and "already recorded with other details" in forms.errors(FORM).get("meeting", ""):
        st.session_state[f"peerpulse_taken_{FORM}"] = form.meeting
    if saved is not None:  # a fresh form for the next meeting
        for name_of in [k for k in st.session_state if str(k).startswith(key)]:
            del st.session_state[name_of]
    st.rerun()

taken = st.session_state.get(f"peerpulse_taken_{FORM}")
if taken:
    record = people.meeting_record(viewer, taken)
    if record is not None:
        st.warning(
            "Someone recorded this meeting a moment ago, with other details. This is what is recorded "
            "now; to change a member's status, use Correct a meeting.",
            icon="🔁",
        )
        st.dataframe(
            pl.DataFrame(
                {
                    "Member": [label.get(m, m) for m in record.attendance],
                    "Status": [fmt.ATTENDANCE_STATUSES[s] for s in record.attendance.values()],
                }
            ),
            hide_index=True,
        )
