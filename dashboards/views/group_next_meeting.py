"""Facilitator, the evening before a meeting: what to follow up, who to check in with, who should
present, whose airtime to balance. Only the groups the viewer facilitates."""

import polars as pl
import streamlit as st

from dashboards import charts, people, ui
from dashboards.data import facilitator, published
from dashboards.identity import require_viewer
from domain.clock import today
from warehouse import formatting as fmt

viewer = require_viewer()
group, name = ui.choose_group(viewer)
group_id = group["group_id"]

st.title(ui.md("Before {name}'s next meeting", name=name))
if group["last_held_on"] is None:
    ui.empty(
        ui.md(
            "{name} has not met yet. Once its first meeting is recorded, this page lists what to prepare "
            "for the next one.",
            name=name,
        )
    )
    st.stop()
next_meeting = max(group["next_meeting_on"] or today(), today())
st.markdown(
    ui.md(
        "Next meeting expected **{next}** (meets {cadence}). Last met {last}: {attended} of {roster} attended. "
        "{members} now.",
        next=fmt.weekday(next_meeting),
        cadence=group["cadence"],
        last=fmt.day(group["last_held_on"]),
        attended=group["last_attended"],
        roster=group["last_roster_size"],
        members=fmt.count(group["active_members"], "member"),
    )
)
ui.published_caption()

due = facilitator.commitments_due(viewer, group_id, next_meeting)
drifting = facilitator.drifting_members(viewer, group_id)
presenting = facilitator.presenting(viewer, group_id)
alerts = facilitator.dominance_alerts(viewer, group_id)
recent_alerts = alerts.filter(pl.col("recent"))
grid = facilitator.attendance_grid(viewer, group_id)
everyone = pl.concat([f["member_id"] for f in (due, drifting, presenting, alerts, grid)])
names = people.member_names(viewer, group_id, everyone)

longest = presenting.row(0, named=True) if presenting.height else None
high = drifting.filter(pl.col("level") == "high").height
overdue = int(due["overdue"].sum())
tiles = st.columns(4)
ui.metric(
    tiles[0],
    "Follow-ups due",
    due.height,
    f"{overdue} overdue" if overdue else None,
    delta_color="inverse",
    delta_arrow="off",
    border=True,
    help="Open commitments falling due by the next meeting.",
)
ui.metric(
    tiles[1],
    "To check in with",
    drifting.height,
    f"{high} at high risk" if high else None,
    delta_color="inverse",
    delta_arrow="off",
    border=True,
    help="Members at medium or high dropout risk.",
)
ui.metric(
    tiles[2],
    "Airtime alerts",
    recent_alerts["member_id"].n_unique(),
    border=True,
    help="Members who took twice a fair share or more at 2 of their last 3 meetings at which they did not present, "
    "lately (the group's last 3 meetings with airtime).",
)
ui.metric(
    tiles[3],
    "Waiting to present",
    longest["meetings_since_presented"] if longest else fmt.NO_DATA,
    names.get(longest["member_id"]) if longest else None,
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="The most meetings any current member has gone without presenting, and who.",
)

st.subheader("1 · Follow up these commitments")
if due.is_empty():
    ui.empty(ui.md("No open commitment falls due by {day}.", day=fmt.day(next_meeting)))
else:
    texts = people.commitment_texts(viewer, due["commitment_id"])
    latest = {r["commitment_id"]: r for r in facilitator.check_ins(viewer, group_id).iter_rows(named=True)}
    for row in ui.named(due, names).iter_rows(named=True):
        late = "⏰ overdue, " if row["overdue"] else ""
        checked = latest.get(row["commitment_id"])
        if checked is not None:  # the member's own word since, between meetings
            late = (
                f"checked in {fmt.day(checked['checked_in_on'])}: {fmt.progress(checked['progress'])}, "
                f"confidence {checked['confidence']}/10 · "
            ) + late
        moved = (
            f", carried forward {fmt.count(row['times_carried_forward'], 'time')}"
            if row["times_carried_forward"]
            else ""
        )
        st.markdown(
            ui.md(
                "- **{member}**: {text}  \n  {late}due {due}, made {made}{moved}",
                member=row["member"],
                text=texts.get(row["commitment_id"], fmt.NO_DATA),
                late=late,
                due=fmt.day(row["due_on"]),
                made=fmt.day(row["made_on"]),
                moved=moved,
            )
        )

st.subheader("2 · Check in with")
if drifting.is_empty():
    ui.empty("Nobody in the group shows signs of drifting away (no member at medium or high dropout risk).")
else:
    for row in ui.named(drifting, names).iter_rows(named=True):
        st.markdown(
            ui.md(
                "- **{member}** — {level} risk ({score}): {reasons}",
                member=row["member"],
                level=fmt.risk_level(row["level"]),
                score=fmt.risk_figure(row["probability"], row["risk_score"]),
                reasons=fmt.reasons(row["reasons"]),
            )
        )

st.subheader("3 · Invite to present")
if presenting.is_empty():
    ui.empty("No presenting history yet.")
else:
    st.caption(
        "Current members, longest since they last presented first (or since they joined, if they never have), "
        "and how often they presented at the meetings they were on the roster of in the last twelve months."
    )
    rates = published.for_facilitator(viewer, "member_presenting_rate", group_id)
    st.dataframe(
        ui.table(
            ui.named(presenting, names).join(rates, on=["group_id", "member_id"], how="left").head(5),
            pl.col("member").alias("Member"),
            pl.col("meetings_since_presented").alias("Meetings since presenting"),
            ui.shown("last_presented_on", fmt.day, "Last presented"),
            ui.shown("presenting_rate", fmt.percent, "Presented, last 12 months"),
        ),
        hide_index=True,
    )

st.subheader("4 · Balance the airtime")
if recent_alerts.is_empty():
    ui.empty(
        "No one took twice a fair share of the airtime, lately, at two of their last three meetings at which they "
        "did not present."
    )
else:
    for row in ui.named(recent_alerts, names).iter_rows(named=True):
        st.markdown(
            ui.md(
                "- **{member}** took {ratio} on {day}",
                member=row["member"],
                ratio=fmt.times_fair_share(row["dominance_ratio"]),
                day=fmt.day(row["held_on"]),
            )
        )
    st.caption("Consider giving the quieter members the first word, or a round where everyone speaks once.")

st.subheader("Attendance, last meetings")
if grid.is_empty():
    ui.empty("No attendance recorded yet.")
else:
    st.altair_chart(charts.attendance_heatmap(ui.named(grid, names)), width="stretch")
