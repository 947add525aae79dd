"""OpenID Connect sign-in: one button, through the provider configured in .streamlit/secrets.toml."""

import streamlit as st

st.title("PeerPulse")
st.write("Engagement analytics for your peer group. Sign in with your work account to see what is yours to see.")
st.button("Sign in", type="primary", on_click=st.login, key="sign_in")
if st.user.get("is_logged_in") and st.user.get("email_verified") is False:
    st.warning("Your provider has not verified your email address, so PeerPulse cannot tell who you are.", icon="🔒")
