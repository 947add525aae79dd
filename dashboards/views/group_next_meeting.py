"""Facilitator, the evening before a meeting: what to follow up, who to check in with, who should
present, whose airtime to balance. Only the groups the viewer facilitates."""

import polars as pl
import streamlit as st

from dashboards import charts, people, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from domain.clock import today
from warehouse import formatting as fmt
from warehouse.queries import facilitator

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
meeting = ask(viewer, facilitator.next_meeting, group_id, today())
st.markdown(
    ui.md(
        "Next meeting expected **{next}** (meets {cadence}). Last met {last}: {attended} of {roster} attended. "
        "{members} now.",
        next=fmt.weekday(meeting.meeting_on),
        cadence=meeting.cadence,
        last=fmt.day(meeting.last_held_on),
        attended=meeting.last_attended,
        roster=meeting.last_roster_size,
        members=fmt.count(meeting.active_members, "member"),
    )
)
ui.published_caption()

grid = ask(viewer, facilitator.attendance_grid, group_id)
names = people.member_names(viewer, group_id, [*meeting.member_ids, *grid["member_id"]])

longest = meeting.present_next[0] if meeting.present_next else None
tiles = st.columns(4)
ui.metric(
    tiles[0],
    "Follow-ups due",
    len(meeting.follow_ups),
    f"{meeting.overdue} overdue" if meeting.overdue else None,
    delta_color="inverse",
    delta_arrow="off",
    border=True,
    help="Open commitments falling due by the next meeting.",
)
ui.metric(
    tiles[1],
    "To check in with",
    len(meeting.check_in_with),
    f"{meeting.high_risk} at high risk" if meeting.high_risk else None,
    delta_color="inverse",
    delta_arrow="off",
    border=True,
    help="Members at medium or high dropout risk.",
)
ui.metric(
    tiles[2],
    "Airtime alerts",
    meeting.airtime_alerts,
    border=True,
    help="Members who took twice a fair share or more at 2 of their last 3 meetings at which they did not present, "
    "lately (the group's last 3 meetings with airtime).",
)
ui.metric(
    tiles[3],
    "Waiting to present",
    longest.meetings_since_presented if longest else fmt.NO_DATA,
    names.get(longest.member_id) if longest else None,
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="The most meetings any current member has gone without presenting, and who.",
)

st.subheader("1 · Follow up these commitments")
if not meeting.follow_ups:
    ui.empty(ui.md("No open commitment falls due by {day}.", day=fmt.day(meeting.meeting_on)))
else:
    texts = people.commitment_texts(viewer, [f.commitment_id for f in meeting.follow_ups])
    for f in meeting.follow_ups:
        late = "⏰ overdue, " if f.overdue else ""
        if f.checked_in is not None:  # the member's own word since, between meetings
            late = (
                f"checked in {fmt.day(f.checked_in.on)}: {fmt.progress(f.checked_in.progress)}, "
                f"confidence {f.checked_in.confidence}/10 · "
            ) + late
        moved = f", carried forward {fmt.count(f.times_carried_forward, 'time')}" if f.times_carried_forward else ""
        st.markdown(
            ui.md(
                "- **{member}**: {text}  \n  {late}due {due}, made {made}{moved}",
                member=names.get(f.member_id, fmt.NO_DATA),
                text=texts.get(f.commitment_id, fmt.NO_DATA),
                late=late,
                due=fmt.day(f.due_on),
                made=fmt.day(f.made_on),
                moved=moved,
            )
        )

st.subheader("2 · Check in with")
if not meeting.check_in_with:
    ui.empty("Nobody in the group shows signs of drifting away (no member at medium or high dropout risk).")
else:
    for r in meeting.check_in_with:
        st.markdown(
            ui.md(
                "- **{member}** — {level} risk ({score}): {reasons}",
                member=names.get(r.member_id, fmt.NO_DATA),
                level=fmt.risk_level(r.level),
                score=fmt.risk_figure(r.probability, r.risk_score),
                reasons=fmt.reasons(r.reasons),
            )
        )

st.subheader("3 · Invite to present")
if not meeting.present_next:
    ui.empty("No presenting history yet.")
else:
    st.caption(
        "Current members, longest since they last presented first (or since they joined, if they never have), "
        "and how often they presented at the meetings they were on the roster of in the last twelve months."
    )
    st.dataframe(
        pl.DataFrame(
            {
                "Member": [names.get(p.member_id, fmt.NO_DATA) for p in meeting.present_next],
                "Meetings since presenting": [p.meetings_since_presented for p in meeting.present_next],
                "Last presented": [fmt.day(p.last_presented_on) for p in meeting.present_next],
                "Presented, last 12 months": [fmt.percent(p.presenting_rate) for p in meeting.present_next],
            }
        ),
        hide_index=True,
    )

st.subheader("4 · Balance the airtime")
if not meeting.took_the_floor:
    ui.empty(
        "No one took twice a fair share of the airtime, lately, at two of their last three meetings at which they "
        "did not present."
    )
else:
    for t in meeting.took_the_floor:
        st.markdown(
            ui.md(
                "- **{member}** took {ratio} on {day}",
                member=names.get(t.member_id, fmt.NO_DATA),
                ratio=fmt.times_fair_share(t.dominance_ratio),
                day=fmt.day(t.held_on),
            )
        )
    st.caption("Consider giving the quieter members the first word, or a round where everyone speaks once.")

st.subheader("Attendance, last meetings")
if grid.is_empty():
    ui.empty("No attendance recorded yet.")
else:
    st.altair_chart(charts.attendance_heatmap(ui.named(grid, names)), width="stretch")
