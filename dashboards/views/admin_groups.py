"""Programme admin: form groups, and run their rosters: who joins and leaves (and why), who facilitates,
who has signed the confidentiality agreement. Names and emails only; never a commitment or a figure."""

from datetime import date

import polars as pl
import streamlit as st

from dashboards import forms, people, recording, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from domain.clock import today
from domain.model import CADENCES, LEAVE_REASONS
from warehouse import formatting as fmt
from warehouse.queries import admin

FORM_GROUP, MEMBERSHIP = "form_group", "membership"
KINDS = {"join": "joins", "leave": "leaves", "facilitate": "facilitates (from)", "sign": "signed confidentiality"}

viewer = require_viewer()
viewer.require_admin()
st.title("Groups")

groups = ask(viewer, admin.groups)
names = people.admin_group_names(viewer, groups["group_id"])

st.subheader("Form a group")
forms.show_saved(FORM_GROUP, "The group")
key = forms.form_key(FORM_GROUP)
with st.form(f"{key}-form"):
    left, right = st.columns(2)
    group_id = left.text_input("Group id (letters, digits, . _ -)", key=f"{key}-id", max_chars=64)
    name = right.text_input("Name", key=f"{key}-name", max_chars=200)
    cadence = left.selectbox("Meets", CADENCES, key=f"{key}-cadence")
    formed_on = right.date_input("Formed on", value=today(), key=f"{key}-formed", format="YYYY-MM-DD")
    purpose = st.text_input("Purpose (optional)", key=f"{key}-purpose", max_chars=500)
    if st.form_submit_button("Form the group", type="primary"):
        forms.save(
            FORM_GROUP,
            lambda: recording.form_group(viewer, group_id.strip(), name, cadence, formed_on.isoformat(), purpose),
        )
        st.rerun()
    forms.refused_at(FORM_GROUP, None, "group", "name", "cadence", "formed_on", "purpose")

if groups.is_empty():
    ui.empty("No group has been formed yet.")
    st.stop()

st.subheader("A group's roster")
chosen = st.selectbox("Group", groups["group_id"].to_list(), format_func=lambda g: f"{names.get(g, g)} ({g})")
spells = ask(viewer, admin.memberships, chosen)
directory = people.member_directory(viewer, ask(viewer, admin.members)["member_id"])
st.dataframe(
    ui.table(
        spells,
        pl.col("member_id")
        .replace_strict({m: n for m, (n, _) in directory.items()}, default=fmt.NO_DATA)
        .alias("Member"),
        pl.col("member_id")
        .replace_strict({m: e for m, (_, e) in directory.items()}, default=fmt.NO_DATA)
        .alias("Email"),
        ui.shown("joined_on", fmt.day, "Joined"),
        ui.shown("left_on", fmt.day, "Left"),
        pl.col("leave_reason").str.replace_all("_", " ").alias("Why"),
        pl.when(pl.col("facilitates")).then(pl.lit("facilitator")).otherwise(pl.lit("")).alias("Role"),
    ),
    hide_index=True,
)

assignments = people.facilitation(viewer, chosen)
if assignments:
    facilitators = people.member_directory(viewer, [m for m, _, _ in assignments])
    STATES = {"current": "facilitates now", "planned": "planned: takes over on this day", "former": "before"}
    st.caption("Facilitators: who facilitates the group now, and any handover planned for a later day.")
    st.dataframe(
        pl.DataFrame(
            {
                "Facilitator": [facilitators.get(m, (fmt.NO_DATA, ""))[0] for m, _, _ in assignments],
                "From": [fmt.day(date.fromisoformat(on)) for _, on, _ in assignments],
                "State": [STATES[state] for _, _, state in assignments],
            }
        ),
        hide_index=True,
    )

forms.show_saved(MEMBERSHIP, "The change")
key = forms.form_key(MEMBERSHIP)
with st.form(f"{key}-form"):
    left, middle, right = st.columns(3)
    person = left.selectbox(
        "Person",
        sorted(directory, key=lambda m: directory[m][0]),
        key=f"{key}-person",
        format_func=lambda m: f"{directory[m][0]} <{directory[m][1]}>",
    )
    kind = middle.selectbox("What", list(KINDS), format_func=KINDS.get, key=f"{key}-kind")
    on = right.date_input("On", value=today(), key=f"{key}-on", format="YYYY-MM-DD")
    reason = st.selectbox(
        "Reason (for a leave)", LEAVE_REASONS, key=f"{key}-reason", format_func=lambda r: r.replace("_", " ")
    )
    if st.form_submit_button("Record it", type="primary"):
        forms.save(
            MEMBERSHIP,
            lambda: recording.membership(
                viewer, kind, chosen, person, on.isoformat(), reason if kind == "leave" else None
            ),
        )
        st.rerun()
    forms.refused_at(MEMBERSHIP, None, "group", "member", "joined_on", "left_on", "reason", "assigned_on", "signed_on")
