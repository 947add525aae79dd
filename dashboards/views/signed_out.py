"""Nobody is signed in, and there is no sign-in button to offer: say how sign-in works here."""

import streamlit as st

from dashboards import identity
from dashboards.identity import SignIn

st.title("PeerPulse")
method = identity.sign_in_method()
if identity.header_session_ended():
    st.info(
        "This session was ended on the server (an administrator changed your access). Reload the page to "
        "carry on with the access you have now.",
        icon="🔒",
    )
elif method is SignIn.TRUSTED_HEADER:
    st.warning(
        "Your sign-in did not reach PeerPulse. Open it through your organisation's sign-in page "
        "(the address you were given), not directly.",
        icon="🔒",
    )
elif method is SignIn.CONFLICT:
    st.warning(
        "Sign-in is not set up correctly on this server: more than one way of signing in is configured, so "
        "nobody is signed in. An administrator should keep exactly one (README, *Signing in*).",
        icon="🔒",
    )
else:
    st.warning("Sign-in is not set up on this server, so there is nothing to show.", icon="🔒")
    if identity.demo_requested():
        st.caption("The demo sign-in only works on a server listening on 127.0.0.1 (`peerpulse demo`).")
    st.markdown(
        "An administrator can set up one of these (README, *Signing in*):\n"
        "- **OpenID Connect**: an `[auth]` section in `.streamlit/secrets.toml`;\n"
        "- **an authenticating reverse proxy**: `PEERPULSE_TRUSTED_HEADER` names the header that carries the email;\n"
        "- **to try it out**: `peerpulse demo`, with demo personas, on this computer only."
    )
