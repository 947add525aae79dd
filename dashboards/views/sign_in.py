"""OpenID Connect sign-in: one button, through the provider configured in the secrets file. The page
also says plainly why someone is here again: a session that ended, a provider that did not verify the
email, a sign-in that did not complete, a provider that is not answering."""

import streamlit as st

from dashboards import identity, sign_in_config
from dashboards.identity import Refusal

refusal = identity.refusal()
outcome = identity.sign_in_outcome()
if refusal in (Refusal.EMAIL_NOT_VERIFIED, Refusal.NO_EMAIL):
    st.title("Email address not verified")
    st.error(
        "Your identity provider has not vouched for the email address of this account, so PeerPulse cannot "
        "tell who you are and shows nothing. Ask your IT team to verify the address, or sign in with another "
        "account.",
        icon="🔒",
    )
elif refusal is Refusal.SIGNED_OUT:
    st.title("You have been signed out")
    st.info(
        "This session was ended: you signed out (here or in another tab), or an administrator changed your "
        "access. Sign in again to carry on.",
        icon="🔒",
    )
elif refusal is Refusal.SESSION_ENDED:
    st.title("Your session has ended")
    st.info("For your privacy, sessions end after a while. Sign in again to carry on.", icon="⏱️")
elif outcome == sign_in_config.UNAVAILABLE:
    st.title("Sign-in is unavailable")
    st.error(
        "The sign-in service did not answer, so nobody can sign in right now. Please try again in a few "
        "minutes; if it lasts, tell your administrator.",
        icon="🔌",
    )
elif outcome == sign_in_config.FAILED:
    st.title("Sign-in did not complete")
    st.error(
        "Your sign-in could not be confirmed, so you are not signed in. Please try again; if it keeps "
        "happening, tell your administrator.",
        icon="🔒",
    )
else:
    st.title("PeerPulse")
    st.write("Engagement analytics for your peer group. Sign in with your work account to see what is yours to see.")
st.button("Sign in", type="primary", on_click=st.login, key="sign_in")
if refusal is not None:
    st.button("Sign out", on_click=st.logout, key="sign_out")
