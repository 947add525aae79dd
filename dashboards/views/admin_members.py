"""Programme admin: register members one at a time, or a whole roster from a spreadsheet (checked row by
row before anything is stored, then applied all or nothing)."""

import polars as pl
import streamlit as st

from dashboards import forms, recording, ui
from dashboards.identity import require_viewer
from domain.roster_csv import COLUMNS, MAX_BYTES, RosterError, read_roster

REGISTER, ROSTER = "register_member", "roster"

viewer = require_viewer()
viewer.require_admin()
st.title("Members")

st.subheader("Register a member")
forms.show_saved(REGISTER, "The member")
key = forms.form_key(REGISTER)
with st.form(f"{key}-form"):
    left, right = st.columns(2)
    name = left.text_input("Name", key=f"{key}-name", max_chars=200)
    email = right.text_input("Email", key=f"{key}-email", max_chars=254)
    company = left.text_input("Company (optional)", key=f"{key}-company", max_chars=200)
    title = right.text_input("Title (optional)", key=f"{key}-title", max_chars=200)
    if st.form_submit_button("Register", type="primary"):
        forms.save(REGISTER, lambda: recording.register_member(viewer, name, email.strip(), company, title))
        st.rerun()
    forms.refused_at(REGISTER, None, "member", "name", "email", "company", "title")
st.caption("To put them in a group, use Groups: a member joins on a day.")

st.subheader("Upload a roster")
st.caption(
    ui.md(
        "A CSV file (UTF-8) whose first line is `{columns}`, one row per person and group, up to {mb} MB. "
        "Every row is checked first; then the whole file is recorded, or nothing is.",
        columns=",".join(COLUMNS),
        mb=MAX_BYTES // 2**20,
    )
)
forms.show_saved(ROSTER, "The roster")
key = forms.form_key(ROSTER)
upload = st.file_uploader("Roster CSV", type=["csv"], key=f"{key}-file")
if upload is not None:
    try:
        rows, problems = read_roster(upload.getvalue(), upload.name)
    except RosterError as e:
        st.error(ui.md("{message}. Nothing was read from it.", message=e), icon="⛔")
        st.stop()
    preview = recording.preview_roster(viewer, rows, problems)
    bad = {p.line for p in preview.problems}
    st.dataframe(
        pl.DataFrame(
            {
                "Line": [r.line for r in rows],
                "Name": [r.name for r in rows],
                "Email": [r.email for r in rows],
                "Group": [r.group for r in rows],
                "Joins on": [r.joined_on for r in rows],
                "Member": [preview.members[r.line] + (" (new)" if r.line in preview.new else "") for r in rows],
                "Check": ["⛔ see below" if r.line in bad else "ok" for r in rows],
            },
            schema={
                "Line": pl.Int64,
                "Name": pl.String,
                "Email": pl.String,
                "Group": pl.String,
                "Joins on": pl.String,
                "Member": pl.String,
                "Check": pl.String,
            },
        ),
        hide_index=True,
    )
    for problem in preview.problems:
        st.error(ui.md("{file}, {problem}", file=upload.name, problem=problem), icon="⛔")
    if preview.problems:
        st.info("Fix these rows in the file and upload it again: nothing is recorded while any row is wrong.")
    elif st.button(ui.md("Record all {n} rows", n=len(rows)), type="primary", key=f"{key}-save"):
        forms.save(ROSTER, lambda: recording.import_roster(viewer, rows))
        st.rerun()
    message = forms.errors(ROSTER)
    for field_name, reason in message.items():
        st.error(
            ui.md(
                "{file}: {field}{reason}",
                file=upload.name,
                field=f"column '{field_name}': " if field_name else "",
                reason=reason,
            ),
            icon="⛔",
        )
