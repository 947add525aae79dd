"""Demo sign-in: try each role as a demo persona. Offered only by a demo server on 127.0.0.1."""

import streamlit as st

from dashboards import identity, ui

st.title("Try PeerPulse")
st.warning(
    "**Demo sign-in.** There are no passwords here: pick a persona from the synthetic demo programme to see "
    "PeerPulse as they would. A real server signs people in through your identity provider instead.",
    icon="🎭",
)
personas = identity.demo_personas()
if not personas:
    st.info("The demo programme has no personas yet: run `peerpulse demo` again.", icon="ℹ️")
for persona in personas:
    with st.container(border=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        who = f" — {persona.name}" if persona.name else ""
        left.markdown(
            ui.md("**{role}**{who}  \n{description}", role=persona.role, who=who, description=persona.description)
        )
        right.button("Sign in as", key=f"persona-{persona.role}", on_click=identity.sign_in_as, args=(persona.email,))
