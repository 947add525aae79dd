"""The websocket obeys the sign-in (issue 21, defects 4 and 8), tested the way an attacker would send it:
Streamlit's own protobuf messages over a raw websocket, and HTTP PUTs to its upload route, against the
server `peerpulse serve` starts (trusted-header sign-in), never a browser.

- `clear_cache` from a session nobody signed in to, sent every 20 ms, closes no other session's readers:
  a facilitator's pages keep loading, and nothing is cleared.
- A session may upload only when it is signed in as a facilitator or an admin; within caps (files and
  bytes per session, Streamlit's per-file limit), and a refused upload is never stored.
- `peerpulse serve` runs the app behind the guard (entrypoints/streamlit_app.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from entrypoints import streamlit_guard
from tests.e2e.test_dashboards_browser import HEADER, LEAD, base_env, dashboards_server
from tests.support.streamlit_ws import StreamlitSession, delete, held_session, run_apart, upload

ADMIN = "programme.admin@example.org"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def served(programme, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """The dashboards' base URL and the server's log."""
    log = tmp_path_factory.mktemp("ws") / "server.log"
    env = base_env(programme, PEERPULSE_TRUSTED_HEADER=HEADER, PEERPULSE_LEADS=LEAD, PEERPULSE_ADMINS=ADMIN)
    with dashboards_server(env, log_to=log) as base:
        yield base, log


@contextmanager
def signed_in(base: str, email: str | None) -> Iterator[str]:
    """A connected session whose page has run, signed in as `email` by the proxy's header (None: by
    nobody); its id."""
    with held_session(base, {HEADER: email} if email else {}) as (session_id, shown):
        assert not shown.went_wrong, shown
        yield session_id


# -- the wire the guard reads ----------------------------------------------------------------------
def test_the_server_is_the_guarded_app():
    """`peerpulse serve` runs the st.App with the guard in front, and the wire it reads is Streamlit's."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from entrypoints import serving, streamlit_app

    assert str(serving.APP) in serving.command("127.0.0.1", 8501)
    assert [m.cls for m in streamlit_app.app._user_middleware] == [streamlit_guard.WebsocketGuard]
    assert BackMsg(clear_cache=True).WhichOneof("type") == "clear_cache"


# -- clear_cache ------------------------------------------------------------------------------------
def test_clear_cache_from_anyone_closes_no_other_sessions_readers(served, people):
    base, log = served

    async def attack_while_a_facilitator_works() -> list:
        stop = asyncio.Event()

        async def flood() -> int:
            sent = 0
            async with StreamlitSession(base) as attacker:  # nobody signed in
                await attacker.run()
                while not stop.is_set():
                    await attacker.clear_cache()
                    sent += 1
                    await asyncio.sleep(0.02)
            return sent

        async def work() -> list:
            shown = []
            try:
                for number in range(12):
                    async with StreamlitSession(base, {HEADER: people["facilitator"]}) as me:
                        page = ("", "group_airtime", "record_meeting")[number % 3]
                        shown.append(await me.run(page))
            finally:
                stop.set()
            return shown

        sent, shown = await asyncio.gather(flood(), work())
        assert sent > 20, sent
        return shown

    shown = run_apart(attack_while_a_facilitator_works())
    assert [s for s in shown if s.went_wrong] == []
    assert "asked to clear the server's caches: refused" in log.read_text()


# -- uploads ----------------------------------------------------------------------------------------
def server_rss(base: str) -> int:
    """Resident bytes of the Streamlit server process listening on base's port."""
    port = base.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"entrypoints.streamlit_server" in cmdline and f"--server.port={port}".encode() in cmdline:
            status = (proc / "status").read_text()
            return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) * 1024
    raise AssertionError("the Streamlit server process was not found")


def test_sessions_nobody_signed_in_to_cannot_upload_and_nothing_is_kept(served, people):
    base, _ = served
    with signed_in(base, None) as anonymous, signed_in(base, people["member"]) as member:
        file_id = str(uuid.uuid4())
        assert upload(base, anonymous, b"email,name\n", file_id=file_id) == 403
        # signed in, but no page of theirs takes a file
        assert upload(base, member, b"email,name\n", headers={HEADER: people["member"]}) == 403
        assert delete(base, anonymous, file_id) == 403
        before = server_rss(base)
        # What the issue saw accepted, sent as a flood sends it: the whole body at once
        statuses = {upload(base, anonymous, bytes(19 * MB), wait_for_continue=False) for _ in range(12)}
        assert statuses <= {403, None}  # refused, or cut off before the body was read
        assert server_rss(base) - before < 60 * MB  # 12 x 19 MB kept would be 228 MB


def test_a_signed_in_admin_uploads_within_the_caps(served):
    base, _ = served
    headers = {HEADER: ADMIN}
    with signed_in(base, ADMIN) as admin:
        small = [str(uuid.uuid4()) for _ in range(streamlit_guard.MAX_FILES)]
        assert [upload(base, admin, b"email,name\n", headers, file_id=f) for f in small] == [204] * len(small)
        assert upload(base, admin, b"email,name\n", headers) == 413  # one file too many
        assert upload(base, admin, b"email,name\nnew\n", headers, file_id=small[0]) == 204  # a replacement
        for file_id in small[:3]:  # the uploader's remove button frees a place
            assert delete(base, admin, file_id, headers) == 204
        assert upload(base, admin, bytes(21 * MB), headers) == 413  # server.maxUploadSize (20 MB) per file
        big = [upload(base, admin, bytes(19 * MB), headers) for _ in range(3)]
        assert big == [204, 204, 413]  # 50 MB per session
        with signed_in(base, ADMIN) as another:  # the same admin's other tab has caps of its own
            assert upload(base, another, bytes(19 * MB), headers) == 204
