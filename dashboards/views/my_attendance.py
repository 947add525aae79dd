"""Member: my attendance, and my share of the airtime against a fair share. Nobody else's."""

import streamlit as st

from dashboards import charts, people, ui
from dashboards.data.serving import ask
from dashboards.identity import require_viewer
from warehouse import formatting as fmt
from warehouse.queries import member

viewer = require_viewer()
st.title("My attendance and airtime")
ui.published_caption()

memberships = ask(viewer, member.memberships, viewer.member_id)
groups = people.group_names(viewer, memberships["group_id"])
for spell in memberships.iter_rows(named=True):
    until = "now" if spell["active"] else fmt.day(spell["left_on"])
    st.caption(
        ui.md(
            "{group}: member since {since}{until}",
            group=groups[spell["group_id"]],
            since=fmt.day(spell["joined_on"]),
            until="" if spell["active"] else f", until {until}",
        )
    )

st.subheader("Attendance")
attendance = ask(viewer, member.attendance, viewer.member_id)
if attendance.is_empty():
    ui.empty("No meeting has been held since you joined. Your attendance appears here after your first meeting.")
else:
    summary = ask(viewer, member.engagement, viewer.member_id).row(0, named=True)
    tiles = st.columns(3)
    ui.metric(tiles[0], "Meetings attended", f"{summary['attended']} of {summary['meetings']}", border=True)
    ui.metric(
        tiles[1],
        "Attendance",
        fmt.percent(summary["attendance_rate"]),
        border=True,
        help="Present or late, over the meetings you were on the roster of.",
    )
    ui.metric(
        tiles[2],
        ui.md("Last {n} meetings", n=summary["recent_meetings"]),
        f"{summary['recent_attended']} of {summary['recent_meetings']}",
        border=True,
    )
    st.altair_chart(charts.attendance_strip(attendance), width="stretch")

st.subheader("My airtime")
airtime = ask(viewer, member.airtime, viewer.member_id)
if airtime.is_empty():
    ui.empty("None of your meetings recorded who spoke for how long, so there is no airtime to show.")
else:
    last = airtime.row(-1, named=True)
    tiles = st.columns(3)
    ui.metric(tiles[0], "Your share, last meeting", fmt.percent(last["share"]), border=True)
    ui.metric(
        tiles[1],
        "A fair share, last meeting",
        fmt.percent(last["fair_share"]),
        border=True,
        help="The airtime split evenly between everyone who attended.",
    )
    ui.metric(
        tiles[2],
        "Times a fair share, last meeting",
        fmt.ratio(last["dominance_ratio"]),
        border=True,
        help="1.0× is exactly a fair share; 2.0× twice as much.",
    )
    st.altair_chart(charts.airtime_against_fair_share(airtime), width="stretch")
    st.caption(
        "Above the dashed line you spoke more than an even split; below it, less. Both can be right on a given day."
    )
