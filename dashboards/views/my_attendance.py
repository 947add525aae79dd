"""Member: my attendance, and my share of the airtime against a fair share. Nobody else's."""

import streamlit as st

from dashboards import charts, data, people, ui
from dashboards import formatting as fmt
from dashboards.identity import require_viewer

viewer = require_viewer()
st.title("My attendance and airtime")
ui.published_caption()

memberships = data.my_memberships(viewer)
groups = people.group_names(viewer, memberships["group_id"])
for spell in memberships.iter_rows(named=True):
    until = "now" if spell["active"] else fmt.day(spell["left_on"])
    st.caption(f"{groups[spell['group_id']]}: member since {fmt.day(spell['joined_on'])}" + ("" if spell["active"] else f", until {until}"))

st.subheader("Attendance")
attendance = data.my_attendance(viewer)
if attendance.is_empty():
    ui.empty("No meeting has been held since you joined. Your attendance appears here after your first meeting.")
else:
    summary = data.my_attendance_summary(viewer).row(0, named=True)
    tiles = st.columns(3)
    tiles[0].metric("Meetings attended", f"{summary['attended']} of {summary['meetings']}", border=True)
    tiles[1].metric("Attendance", fmt.percent(summary["attendance_rate"]), border=True,
                    help="Present or late, over the meetings you were on the roster of.")
    tiles[2].metric(f"Last {summary['recent_meetings']} meetings",
                    f"{summary['recent_attended']} of {summary['recent_meetings']}", border=True)
    st.altair_chart(charts.attendance_strip(attendance), width="stretch")

st.subheader("My airtime")
airtime = data.my_airtime(viewer)
if airtime.is_empty():
    ui.empty("None of your meetings recorded who spoke for how long, so there is no airtime to show.")
else:
    last = airtime.row(-1, named=True)
    tiles = st.columns(3)
    tiles[0].metric("Your share, last meeting", fmt.percent(last["share"]), border=True)
    tiles[1].metric("A fair share, last meeting", fmt.percent(last["fair_share"]), border=True,
                    help="The airtime split evenly between everyone who attended.")
    tiles[2].metric("Times a fair share, last meeting", fmt.ratio(last["dominance_ratio"]), border=True,
                    help="1.0× is exactly a fair share; 2.0× twice as much.")
    st.altair_chart(charts.airtime_against_fair_share(airtime), width="stretch")
    st.caption("Above the dashed line you spoke more than an even split; below it, less. Both can be right on a given day.")
