"""Member, between meetings: say how an open commitment is going, rate a meeting you attended (within 14
days of it, once), and see who recorded what about you. Only your own."""

from datetime import timedelta

import polars as pl
import streamlit as st

from dashboards import forms, people, recording, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from domain.clock import today
from domain.model import PROGRESS, RATING_WINDOW_DAYS
from warehouse import formatting as fmt
from warehouse.queries import member

CHECK_IN, RATE = "check_in", "rate"

viewer = require_viewer()
st.title("Check in and rate")

st.subheader("How is it going?")
commitments = ask(viewer, member.commitments, viewer.member_id)
still_open = commitments.filter(pl.col("status") == "open").sort("due_on")
forms.show_saved(CHECK_IN, "Your check-in")
if still_open.is_empty():
    ui.empty("You have no open commitment to check in on.")
else:
    texts = people.commitment_texts(viewer, still_open["commitment_id"])
    latest = ask(viewer, member.check_ins, viewer.member_id)
    key = forms.form_key(CHECK_IN)
    due = dict(zip(still_open["commitment_id"], still_open["due_on"], strict=True))
    with st.form(f"{key}-form"):
        commitment = st.selectbox(
            "Commitment",
            list(due),
            key=f"{key}-commitment",
            format_func=lambda cid: f"{texts.get(cid, cid)[:80]} (due {fmt.day(due[cid])})",
        )
        progress = st.radio(
            "Progress",
            PROGRESS,
            horizontal=True,
            key=f"{key}-progress",
            format_func=lambda p: p.replace("_", " ").capitalize(),
        )
        confidence = st.slider(
            "How sure are you to do it by the due date? (0 to 10)", 0, 10, 7, key=f"{key}-confidence"
        )
        note = st.text_area("A note for yourself and your facilitator (optional)", key=f"{key}-note", max_chars=5000)
        if st.form_submit_button("Check in", type="primary"):
            forms.save(CHECK_IN, lambda: recording.check_in(viewer, commitment, progress, confidence, note, key))
            st.rerun()
        forms.refused_at(CHECK_IN, None, "commitment", "member", "progress", "confidence", "note", "checked_in_on")
    if not latest.is_empty():
        st.caption("Your latest check-in on each commitment:")
        st.dataframe(
            ui.table(
                latest.join(still_open.select("commitment_id"), on="commitment_id"),
                pl.col("commitment_id").replace_strict(texts, default=fmt.NO_DATA).alias("Commitment"),
                ui.shown("checked_in_on", fmt.day, "Checked in"),
                pl.col("progress").str.replace_all("_", " ").alias("Progress"),
                pl.col("confidence").alias("Confidence"),
            ),
            hide_index=True,
        )

st.subheader("Rate a meeting")
since = today() - timedelta(days=RATING_WINDOW_DAYS)
attended = (
    ask(viewer, member.attendance, viewer.member_id)
    .filter(pl.col("attended") & (pl.col("held_on") >= since))
    .sort("held_on")
)
already = people.rated(viewer, attended["meeting_id"])
to_rate = attended.filter(~pl.col("meeting_id").is_in(list(already)))
forms.show_saved(RATE, "Your rating")
if to_rate.is_empty():
    ui.empty(
        ui.md(
            "No meeting to rate: you can rate a meeting you attended within {days} days of it, once.",
            days=RATING_WINDOW_DAYS,
        )
    )
else:
    groups = people.group_names(viewer, to_rate["group_id"])
    key = forms.form_key(RATE)
    with st.form(f"{key}-form"):
        meeting = st.selectbox(
            "Meeting",
            to_rate["meeting_id"].to_list(),
            key=f"{key}-meeting",
            format_func=lambda m: " · ".join(
                (
                    groups[to_rate.filter(pl.col("meeting_id") == m)["group_id"][0]],
                    fmt.day(to_rate.filter(pl.col("meeting_id") == m)["held_on"][0]),
                )
            ),
        )
        score = st.slider("How valuable was it to you? (0 to 10)", 0, 10, 8, key=f"{key}-score")
        if st.form_submit_button("Rate it", type="primary"):
            forms.save(RATE, lambda: recording.rate(viewer, meeting, score))
            st.rerun()
        forms.refused_at(RATE, None, "member", "meeting", "rated_on", "score")

st.subheader("Who recorded what about you")
history = people.my_history(viewer, commitments["commitment_id"])
st.dataframe(ui.history_frame(history, {}, viewer), hide_index=True)
