"""What a Streamlit session may ask of this server beyond running its own pages: an ASGI middleware, put
in front of Streamlit through `st.App(..., middleware=...)` (entrypoints/streamlit_app.py), Streamlit's
own hook for it. It reads only Streamlit's wire (BackMsg protobufs on `/_stcore/stream`, HTTP on
`/_stcore/upload_file/<session>/<file>`), never its internals.

Streamlit serves any session that opens a websocket, signed in or not, and two of its requests reach
beyond that session:

- **`clear_cache`** (a BackMsg: the developer menu's "Clear cache", hidden in viewer mode but accepted
  from any websocket) empties `st.cache_data` and `st.cache_resource` for *every* session. It used to
  close the serving and domain readers other sessions were using: at one message every 20 ms nobody
  could save a meeting. Here it never reaches Streamlit, from anyone: nothing in PeerPulse needs it (a
  cached figure is keyed by the serving file's identity and the store's version). The readers no longer
  live in a Streamlit cache at all (dashboards/process_wide.py), so even a cleared cache closes nothing.
- **`PUT /_stcore/upload_file/<session>/<file>`** kept any file up to `server.maxUploadSize` for any
  session, as many as were sent (twelve 19 MB files per session were taken). Here a session may upload,
  or remove an upload, only while the app has noted it signed in as someone with a page that takes a
  file (dashboards/session_grants.py), else 403 before a byte is read. It must say its length (else 411),
  and holds at most MAX_FILES files and MAX_BYTES bytes, the whole server SERVER_BYTES, else 413; uploads
  under way count, so parallel PUTs cannot overrun the caps. A file removed from its uploader frees its
  share. Streamlit's own per-file limit (`server.maxUploadSize`) still holds, while the body streams.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter, defaultdict

from dashboards import session_grants

log = logging.getLogger("peerpulse.dashboards")
MB = 1024 * 1024
MAX_FILES = 6  # a meeting's report and transcript, a roster, and room to replace them
MAX_BYTES = 50 * MB  # per session, at a time (server.maxUploadSize is 20 MB per file)
SERVER_BYTES = 400 * MB  # every session together
UPLOAD = re.compile(r"/_stcore/upload_file/(?P<session>[^/]+)/(?P<file>[^/]+)/?$")
STREAM = "/_stcore/stream"
NOT_SIGNED_IN = "sign in as a facilitator or an admin to upload a file"
NO_LENGTH = "an upload must say its length (Content-Length)"
TOO_MANY = f"this session holds {MAX_FILES} files already: remove one first"
TOO_BIG = f"this session's files would exceed {MAX_BYTES // MB} MB: remove one first"
SERVER_FULL = "the server holds too many uploaded files just now: try again in a few minutes"


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Uploads:
    """What each session holds (bytes per file, as its PUT's length said) and has under way."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.held: defaultdict[str, dict[str, int]] = defaultdict(dict)
        self.arriving: Counter[str] = Counter()
        self.arriving_bytes: Counter[str] = Counter()

    def admit(self, session: str, file: str, length: int) -> None:
        with self._lock:
            self._forget_ended()
            held = self.held.get(session, {})
            if file not in held and len(held) + self.arriving[session] >= MAX_FILES:
                raise Refused(413, TOO_MANY)
            others = sum(size for held_id, size in held.items() if held_id != file)
            if others + self.arriving_bytes[session] + length > MAX_BYTES:
                raise Refused(413, TOO_BIG)
            everyone = sum(map(sum, (files.values() for files in self.held.values())))
            if everyone + sum(self.arriving_bytes.values()) - held.get(file, 0) + length > SERVER_BYTES:
                raise Refused(413, SERVER_FULL)
            self.arriving[session] += 1
            self.arriving_bytes[session] += length

    def arrived(self, session: str, file: str, length: int, stored: bool) -> None:
        with self._lock:
            self.arriving[session] -= 1
            self.arriving_bytes[session] -= length
            if self.arriving[session] <= 0:
                del self.arriving[session], self.arriving_bytes[session]
            if stored:
                self.held[session][file] = length

    def removed(self, session: str, file: str) -> None:
        with self._lock:
            self.held.get(session, {}).pop(file, None)

    def _forget_ended(self) -> None:
        """Streamlit drops a session's files when the session ends: so does this count."""
        for session in [s for s in self.held if session_grants.ended(s)]:
            del self.held[session]


class WebsocketGuard:
    """The ASGI middleware (Starlette's `Middleware(WebsocketGuard)`)."""

    def __init__(self, app) -> None:
        self.app = app
        self.uploads = Uploads()

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "websocket" and path.endswith(STREAM):
            await self.app(scope, _without_clear_cache(receive), send)
            return
        found = UPLOAD.search(path) if scope["type"] == "http" else None
        if found and scope["method"] in ("PUT", "DELETE"):
            try:
                await self._upload(scope, receive, send, found["session"], found["file"])
            except Refused as refusal:
                await _answer(send, refusal)
            return
        await self.app(scope, receive, send)

    async def _upload(self, scope, receive, send, session: str, file: str) -> None:
        if not session_grants.may_upload(session):
            raise Refused(403, NOT_SIGNED_IN)
        status = {}

        async def noting_status(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        if scope["method"] == "DELETE":
            await self.app(scope, receive, noting_status)
            if status.get("code") == 204:
                self.uploads.removed(session, file)
            return
        length = _length(scope)  # HTTP/1.1 ends the body there: a truthful bound on what is read
        self.uploads.admit(session, file, length)
        try:
            await self.app(scope, receive, noting_status)
        finally:
            self.uploads.arrived(session, file, length, stored=status.get("code") == 204)


def _length(scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                break
    raise Refused(411, NO_LENGTH)


def _without_clear_cache(receive):
    """The websocket's incoming messages, less every BackMsg that asks to clear the caches."""
    from google.protobuf.message import DecodeError
    from streamlit.proto.BackMsg_pb2 import BackMsg

    said = False

    async def filtered():
        nonlocal said
        while True:
            message = await receive()
            data = message.get("bytes") if message["type"] == "websocket.receive" else None
            if data:
                back = BackMsg()
                try:
                    back.ParseFromString(data)
                except DecodeError:  # Streamlit's own answer to a malformed message holds
                    return message
                if back.WhichOneof("type") == "clear_cache":
                    if not said:  # once per connection: a flood does not flood the log
                        said = True
                        log.warning("a session asked to clear the server's caches: refused")
                    continue
            return message

    return filtered


async def _answer(send, refusal: Refused) -> None:
    body = refusal.reason.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
