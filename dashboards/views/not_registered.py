"""A signed-in email that PeerPulse does not know: say so politely, and show nothing else."""

import streamlit as st

from dashboards import ui
from dashboards.identity import require_viewer

viewer = require_viewer()
st.title("Welcome to PeerPulse")
st.info(
    ui.md(
        "You are signed in as **{email}**, but that address is not registered with any peer group in this "
        "programme, so there is nothing to show you. If you think it should be, ask your programme lead to check "
        "the email your membership was registered with.",
        email=viewer.email,
    ),
    icon="👋",
)
