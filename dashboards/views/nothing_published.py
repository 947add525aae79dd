"""Signed in, but the warehouse has not published its first serving file yet."""

import streamlit as st

st.title("Nothing to show yet")
st.info(
    "PeerPulse has not published any figures yet. Once `peerpulse materialize` has run, reload this page: "
    "the dashboards pick up each new publication by themselves.",
    icon="⏳",
)
