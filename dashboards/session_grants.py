"""What a Streamlit session may do on this server besides running the app's pages: upload a file.

Streamlit takes a file (`PUT /_stcore/upload_file/<session>/<file>`) from any session that has a
websocket open, whether or not anyone signed in there. The app is the only part that knows who a session
belongs to, so on every run the router notes here whether its viewer has a page that takes a file (a
facilitator records a meeting from its Zoom or Teams export, an admin uploads a roster); the server's
guard (entrypoints/streamlit_guard.py) refuses every other session before reading a byte. A session that
signs out, or is signed out, loses the grant at its next run; one that has ended (disconnected for longer
than `server.disconnectedSessionTTL`, when Streamlit drops its files too) is forgotten.

Nothing personal is kept: session ids only, never an email.
"""

from __future__ import annotations

import threading
import time

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dashboards.viewer import Viewer

_lock = threading.RLock()
_uploaders: set[str] = set()
_away_since: dict[str, float] = {}  # session id -> when it was first seen without its websocket


def takes_files(viewer: Viewer | None) -> bool:
    """Whether the viewer has a page with a file uploader (dashboards/views/record_meeting.py, admin_members.py)."""
    return viewer is not None and (viewer.is_facilitator or viewer.is_admin)


def note(viewer: Viewer | None) -> None:
    """For the router, on every run: this session's viewer (None: nobody is signed in)."""
    ctx = get_script_run_ctx()
    if ctx is None:  # not in a session (a plain import, a test's AppTest without a server)
        return
    with _lock:
        if takes_files(viewer):
            _uploaders.add(ctx.session_id)
        else:
            _uploaders.discard(ctx.session_id)


def may_upload(session_id: str) -> bool:
    with _lock:
        for gone in [s for s in _uploaders if ended(s)]:
            _uploaders.discard(gone)
        return session_id in _uploaders


def ended(session_id: str) -> bool:
    """Whether the session is over: Streamlit's runtime has not served its websocket for longer than
    `server.disconnectedSessionTTL` (a tab that reconnects within it keeps its session and its files)."""
    from streamlit import config, runtime

    with _lock:
        if runtime.exists() and runtime.get_instance().is_active_session(session_id):
            _away_since.pop(session_id, None)
            return False
        away = time.monotonic() - _away_since.setdefault(session_id, time.monotonic())
        if away <= config.get_option("server.disconnectedSessionTTL"):
            return False
        del _away_since[session_id]
        return True
