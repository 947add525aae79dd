"""The dashboards as Streamlit's ASGI app (`st.App`), the script dashboards/app.py behind
entrypoints/streamlit_guard.py's middleware: Streamlit's own way to put middleware in front of it.

`streamlit run` finds `app` here and serves it with uvicorn (entrypoints/serving.py runs it through
entrypoints.streamlit_server, which closes Streamlit's look-ups beyond this machine first).
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from entrypoints.streamlit_guard import WebsocketGuard

SCRIPT = Path(__file__).resolve().parents[1] / "dashboards" / "app.py"

app = st.App(SCRIPT, middleware=[Middleware(WebsocketGuard)])
