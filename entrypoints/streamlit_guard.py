"""What a Streamlit websocket may ask of this server: not to clear its caches, and no upload unless its
session is signed in as someone with a page that takes a file, within caps.

Streamlit serves any session that opens a websocket, signed in or not, and two of its requests reach
beyond that session:

- **`clear_cache`** (a BackMsg; the developer menu's "Clear cache", hidden in viewer mode but accepted
  from any websocket) empties `st.cache_data` and `st.cache_resource` for *every* session. It used to
  close the serving and domain readers other sessions were using: at one message every 20 ms nobody
  could save a meeting. It is refused here for everyone (nothing in PeerPulse needs it: each cached
  query is keyed by the serving file's identity and the store's version), and the readers no longer
  live in `st.cache_resource` at all (dashboards/process_wide.py).
- **`PUT /_stcore/upload_file/<session>/<file>`** kept any file up to `server.maxUploadSize` from any
  session, as many as were sent (twelve 19 MB files per session were taken). Now a session may upload
  only when the app has noted it as signed in as a facilitator or an admin (dashboards/session_grants.py),
  else 403 before a byte is read; and it keeps at most MAX_FILES files and MAX_BYTES bytes at a time, the
  whole server SERVER_BYTES, else 413 (a file removed from its uploader frees its share). Streamlit's own
  per-file limit (`server.maxUploadSize`) still holds.

These hooks depend on Streamlit's internals, as of the version pinned in pyproject.toml:
`AppSession._handle_clear_cache_request` (runtime/app_session.py, called by `handle_backmsg`), the
`MemoryUploadedFileManager` that `streamlit.web.server.server.Server` creates for the runtime, and
`create_upload_routes` as `starlette_app` imports it (web/server/starlette/starlette_routes.py).
tests/e2e/test_websocket_rights.py checks the pin and that each hook is in place, so an upgrade that
moves one fails there, not silently in production.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from dashboards import session_grants

log = logging.getLogger("peerpulse.dashboards")
MB = 1024 * 1024
MAX_FILES = 6  # a meeting's report and transcript, a roster, and room to replace them
MAX_BYTES = 50 * MB  # per session, at a time (server.maxUploadSize is 20 MB per file)
SERVER_BYTES = 400 * MB  # every session together
NOT_SIGNED_IN = "sign in as a facilitator or an admin to upload a file"
TOO_MANY = f"this session holds {MAX_FILES} files already: remove one first"
TOO_BIG = f"this session's files would exceed {MAX_BYTES // MB} MB: remove one first"
SERVER_FULL = "the server holds too many uploaded files just now: try again in a few minutes"


class UploadRefused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class GuardedUploads(MemoryUploadedFileManager):
    """Streamlit's in-memory upload store, which keeps a file only for a session allowed to upload, within
    the caps. Uploads under way count against the number of files, so a burst of parallel PUTs cannot
    each be read into memory before the first is stored."""

    def __init__(self, upload_endpoint: str) -> None:
        super().__init__(upload_endpoint)
        self._guard = threading.Lock()
        self._arriving: Counter[str] = Counter()

    def _held(self, session_id: str) -> dict[str, int]:
        with self._lock:  # Streamlit's own lock over file_storage
            return {file_id: len(file.data) for file_id, file in self.file_storage.get(session_id, {}).items()}

    @contextlib.contextmanager
    def arriving(self, session_id: str, file_id: str, length: int | None):
        """Around one PUT, before its body is read: refused unless the session may upload and has room."""
        with self._guard:
            if not session_grants.may_upload(session_id):
                raise UploadRefused(403, NOT_SIGNED_IN)
            held = self._held(session_id)
            if file_id not in held and len(held) + self._arriving[session_id] >= MAX_FILES:
                raise UploadRefused(413, TOO_MANY)
            if length is not None:
                self._check_bytes(session_id, held, file_id, length)
            self._arriving[session_id] += 1
        try:
            yield
        finally:
            with self._guard:
                self._arriving[session_id] -= 1
                if self._arriving[session_id] <= 0:
                    del self._arriving[session_id]

    def _check_bytes(self, session_id: str, held: dict[str, int], file_id: str, length: int) -> None:
        others = sum(size for held_id, size in held.items() if held_id != file_id)
        if others + length > MAX_BYTES:
            raise UploadRefused(413, TOO_BIG)
        with self._lock:
            server = self._total_bytes - held.get(file_id, 0)
        if server + length > SERVER_BYTES:
            raise UploadRefused(413, SERVER_FULL)

    def add_file(self, session_id: str, file: UploadedFileRec) -> None:
        with self._guard:  # checked again with the file's real size, and stored under the same lock
            if not session_grants.may_upload(session_id):
                raise UploadRefused(403, NOT_SIGNED_IN)
            held = self._held(session_id)
            if file.file_id not in held and len(held) >= MAX_FILES:
                raise UploadRefused(413, TOO_MANY)
            self._check_bytes(session_id, held, file.file_id, len(file.data))
            super().add_file(session_id, file)

    def remove_session_files(self, session_id: str) -> None:
        super().remove_session_files(session_id)
        session_grants.forget(session_id)  # called when the session shuts down


def install() -> None:
    """Put the hooks in place; before Streamlit's server is created (entrypoints.streamlit_server.main)."""
    from streamlit.runtime.app_session import AppSession
    from streamlit.web.server import server
    from streamlit.web.server.starlette import starlette_app

    AppSession._handle_clear_cache_request = _refuse_clear_cache
    server.MemoryUploadedFileManager = GuardedUploads
    upload_routes = starlette_app.create_upload_routes

    def guarded_upload_routes(runtime, upload_mgr, base_url):
        return _guarded(upload_routes(runtime, upload_mgr, base_url), upload_mgr)

    starlette_app.create_upload_routes = guarded_upload_routes


def _refuse_clear_cache(session) -> None:
    """In place of AppSession._handle_clear_cache_request: nothing is cleared. Said once per session."""
    if not getattr(session, "_peerpulse_clear_cache_refused", False):
        session._peerpulse_clear_cache_refused = True
        log.warning("a session asked to clear the server's caches: refused")


def _guarded(routes: list, uploads: MemoryUploadedFileManager) -> list:
    """Streamlit's upload routes, PUT and DELETE refused to a session that may not upload."""
    from starlette.routing import Route

    if not isinstance(uploads, GuardedUploads):  # the hook on Server was bypassed: refuse every upload
        raise RuntimeError("Streamlit's upload store is not PeerPulse's: see entrypoints/streamlit_guard.py")
    guarded = []
    for route in routes:
        methods = set(route.methods or ())
        if "PUT" in methods:
            route = Route(route.path, _put(route.endpoint, uploads), methods=["PUT"])
        elif "DELETE" in methods:
            route = Route(route.path, _delete(route.endpoint), methods=["DELETE"])
        guarded.append(route)
    return guarded


def _refused(refusal: UploadRefused):
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(refusal.reason, status_code=refusal.status)


def _put(endpoint, uploads: GuardedUploads):
    async def put(request):
        params = request.path_params
        try:
            with uploads.arriving(params["session_id"], params["file_id"], _length(request)):
                return await endpoint(request)
        except UploadRefused as refusal:
            return _refused(refusal)

    return put


def _delete(endpoint):
    async def delete(request):
        if not session_grants.may_upload(request.path_params["session_id"]):
            return _refused(UploadRefused(403, NOT_SIGNED_IN))
        return await endpoint(request)

    return delete


def _length(request) -> int | None:
    """The body's announced length, less a multipart frame's few hundred bytes (the file is smaller)."""
    try:
        return max(0, int(request.headers["content-length"]) - 1024)
    except (KeyError, ValueError):  # absent (chunked) or malformed: Streamlit's own checks answer
        return None
