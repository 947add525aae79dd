"""A programme admin with no other role: say whose account this is, and that there is nothing to show yet."""

import streamlit as st

from dashboards import ui
from dashboards.identity import require_viewer

viewer = require_viewer()
viewer.require_admin()
st.title("PeerPulse administration")
st.info(
    ui.md(
        "You are signed in as **{email}**, a programme administrator's account. There is nothing to show "
        "this account yet.",
        email=viewer.email,
    ),
    icon="🛠️",
)
