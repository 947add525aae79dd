"""PeerPulse dashboards: the router. It works out who is looking and registers only their pages.

A page that is not registered for this viewer does not exist for them: typing its URL opens their
own first page instead. Each page is one file in views/, reading top to bottom like the page looks.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import streamlit as st

from dashboards import identity, session_grants, ui
from dashboards.data.serving import NothingPublished, WarehouseIncomplete, publication
from dashboards.identity import SignIn
from dashboards.viewer import NotEntitled, SessionEnded, Viewer
from domain.config import Settings
from domain.disk import disk_full
from domain.store.postgres import StoreError
from warehouse.queries import pages

log = logging.getLogger("peerpulse.dashboards")
VIEWS = Path(__file__).resolve().parent / "views"


def page(file: str, title: str, icon: str) -> st.Page:
    return st.Page(VIEWS / file, title=title, icon=icon)


def served(found: pages.Page) -> st.Page:
    """A page at the path `warehouse.queries.pages` gives it: the same path the emails link to."""
    return st.Page(VIEWS / found.file, title=found.title, icon=found.icon, url_path=found.path)


def pages_for(viewer: Viewer | None, method: SignIn) -> dict[str, list[st.Page]]:
    if viewer is None:
        if method is SignIn.DEMO:
            return {"": [page("demo_sign_in.py", "Demo sign-in", "🎭")]}
        if method is SignIn.OIDC:
            return {"": [page("sign_in.py", "Sign in", "🔑")]}
        return {"": [page("signed_out.py", "Not signed in", "🔒")]}
    if publication() is None:
        return {"": [page("nothing_published.py", "Nothing to show yet", "⏳")]}
    sections: dict[str, list[st.Page]] = {}
    if viewer.is_lead:
        sections["Programme"] = [served(p) for p in (pages.PORTFOLIO, pages.TRENDS, pages.RETENTION)]
    if viewer.is_facilitator:
        sections["My groups"] = [
            served(p) for p in (pages.NEXT_MEETING, pages.AIRTIME, pages.RECORD_MEETING, pages.CORRECT_MEETING)
        ]
    if viewer.is_member:
        sections["Me"] = [served(p) for p in (pages.MY_COMMITMENTS, pages.MY_ATTENDANCE, pages.MY_CHECK_IN)]
    if viewer.is_lead or viewer.is_facilitator or viewer.is_member:
        sections["Settings"] = [served(pages.MY_EMAILS)]
    if viewer.is_admin:
        sections["Programme admin"] = [served(pages.ADMIN_GROUPS), served(pages.ADMIN_MEMBERS)]
    return sections or {"": [page("not_registered.py", "Not registered", "👋")]}


def sidebar(viewer: Viewer | None, method: SignIn) -> None:
    with st.sidebar:
        if method is SignIn.DEMO:
            st.warning(
                "**Demo mode.** Sign-in is simulated with demo personas; this server only listens on 127.0.0.1.",
                icon="🎭",
            )
        if viewer is None:
            return
        st.caption(ui.md("Signed in as **{who}**", who=viewer.name or viewer.email))
        if method in (SignIn.DEMO, SignIn.OIDC):
            st.button(
                "Switch persona" if method is SignIn.DEMO else "Sign out", on_click=identity.sign_out, key="sign_out"
            )


def failed(what: str, error: BaseException) -> None:
    """Log a bug without its message (it could hold personal data), and tell the viewer plainly. A full
    disk is no bug: the viewer is told so (the store rolled back: nothing was recorded), the log names the
    folder."""
    if (full := disk_full(error, Settings.from_env())) is not None:
        log.warning("%s: %s", what, full)
        st.error(
            "No space left on the server's disk: nothing was recorded. Whoever runs PeerPulse must free some "
            "space; then try again.",
            icon="💾",
        )
        return
    if isinstance(error, StoreError):  # no bug either: the store's server restarted or could not be reached
        log.warning("%s: %s", what, error)
        st.error(
            "The event store did not answer (its server may be restarting): nothing was half-written. "
            "Reload the page in a moment to see what is recorded, and try again if it is not there.",
            icon="🔌",
        )
        return
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("%s failed with %s\n%s", what, type(error).__name__, frames)
    st.error(
        "Something went wrong while showing this page. It has been logged; please try again in a moment.", icon="⚠️"
    )


def main() -> None:
    st.set_page_config(page_title="PeerPulse", page_icon="🫂", layout="wide")
    try:
        method = identity.sign_in_method()
        viewer = identity.current_viewer()
        session_grants.note(viewer)  # whether this session may upload files (entrypoints/streamlit_guard.py)
        navigation = st.navigation(pages_for(viewer, method))
        sidebar(viewer, method)
    except NothingPublished:
        session_grants.note(None)
        st.navigation([page("nothing_published.py", "Nothing to show yet", "⏳")]).run()
        return
    except Exception as e:
        session_grants.note(None)
        failed("signing in", e)
        return
    try:
        navigation.run()
    except NothingPublished:
        st.info("Nothing has been published yet: run `peerpulse materialize`, then reload this page.", icon="⏳")
    except WarehouseIncomplete as e:
        st.warning(ui.md("The figures cannot be shown: {reason}.", reason=e), icon="🛠️")
    except SessionEnded:  # ended on the server between this run's sign-in check and its Save
        st.error("You have been signed out, so nothing was saved. Reload the page to sign in again.", icon="🔒")
    except NotEntitled:
        st.error("This page is not available to you.", icon="🔒")
    except Exception as e:
        failed(f"page {navigation.title!r}", e)


main()
